"""The travel a delegate declared (where from, by which legs) is theirs: in their copy of
their data, gone when they are erased or the event is anonymised, while the event's travel
footprint, an aggregate, stays as it was."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.footprint.models import Total, Trip
from app.privacy import services as privacy
from app.registration.models import Registration
from tests.footprint.conftest import approved, category, event, factors, leg, travel  # noqa: F401


def _event_total(event):
    row = db.session.execute(select(Total.trips, Total.total_g).where(
        Total.event_id == event.id, Total.dimension == "event")).one()
    return tuple(row)


def _declared(event, category, origin="isb"):
    registration = approved(event, category)
    travel(registration, origin, [leg("air", "economy")])
    return registration


def test_the_copy_holds_the_declared_journey(event, category):
    registration = _declared(event, category)
    db.session.commit()
    data = privacy.export_data(registration.user)
    copy = data["registrations"][0]
    assert (copy["travel_origin"], copy["travel_legs"], copy["travel_return"]) == (
        "isb", [leg("air", "economy")], True)
    [trip] = data["travel_footprint"]
    assert trip["declared"] and trip["main_mode"] == "air" and trip["kg_co2e"] > 0
    assert trip["legs"][0]["from"]


def test_an_anonymised_event_keeps_its_footprint_and_forgets_where_people_came_from(event, category):
    people = [_declared(event, category, origin) for origin in ("isb", "isb", "almaty")]
    db.session.commit()
    before = _event_total(event)
    assert before[0] == 3 and before[1] > 0
    privacy.anonymise_event(event, actor=None, today=date(2030, 1, 1))
    db.session.commit()
    db.session.expire_all()
    assert _event_total(event) == before
    for person in people:
        kept = db.session.get(Registration, person.id)
        assert (kept.travel_origin, kept.travel_legs) == ("", [])
    trips = db.session.scalars(select(Trip).where(Trip.event_id == event.id)).all()
    assert len(trips) == 3
    assert all(trip.origin == "" and all(not leg_.get("from") and not leg_.get("to") for leg_ in trip.legs)
               for trip in trips)


def test_an_erased_delegate_leaves_their_trip_in_the_footprint_without_its_places(event, category):
    person = _declared(event, category)
    for _ in range(2):
        _declared(event, category)
    db.session.commit()
    before = _event_total(event)
    user = person.user
    privacy.erase(privacy.request_erasure(user, actor=user), actor=None)
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(Registration, person.id)
    assert (kept.travel_origin, kept.travel_legs) == ("", [])
    # Their registration of an event still to come is cancelled: the footprint no longer counts it.
    assert _event_total(event)[0] == before[0] - 1
