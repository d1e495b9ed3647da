"""Delegates giving their journeys at the same moment, each in its own thread, session
and connection: the running totals end exactly equal to the sum of the trips."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.footprint.models import Total, Trip
from app.registration import services as registration_services
from tests.factories import run_in_threads
from tests.footprint.conftest import approved, leg

THREADS = 12
ORIGINS = ("ISB", "Almaty", "LHR", "TAS")


def test_parallel_journeys_keep_the_totals_exact(app, event, category):
    registrations = [approved(event, category, country="PK") for _ in range(THREADS)]
    db.session.commit()
    event_id = event.id
    ids = [r.id for r in registrations]

    def job_for(number, registration_id):
        def job():
            from app.registration.models import Registration

            registration = db.session.get(Registration, registration_id)
            mode = "rail" if ORIGINS[number % 4] == "Almaty" else "air"
            registration_services.update_travel(registration, {
                "travel_origin": ORIGINS[number % 4], "travel_legs": [leg(mode, "economy" if mode == "air" else "")],
                "travel_return": True}, actor=registration.user)
            db.session.commit()
        return job

    errors = run_in_threads(app, [job_for(n, rid) for n, rid in enumerate(ids)])
    assert errors == []
    db.session.expire_all()
    trips = db.session.execute(select(func.count(Trip.id), func.sum(Trip.total_g), func.sum(Trip.air_g))
                               .where(Trip.event_id == event_id, Trip.declared.is_(True))).one()
    assert trips[0] == THREADS
    event_total = db.session.scalar(select(Total).where(Total.event_id == event_id, Total.dimension == "event"))
    assert (event_total.trips, event_total.declared, event_total.total_g) == (THREADS, THREADS, trips[1])
    air = db.session.scalar(select(Total.total_g).where(Total.event_id == event_id, Total.dimension == "mode",
                                                        Total.key == "air"))
    assert air == trips[2]
