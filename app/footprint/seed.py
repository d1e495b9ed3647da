"""Demo data of the travel footprint: the bundled factor set, and where each demo
delegate travels from and how, so the report and the secretariat's dashboard have
figures on a fresh demo (a delegate who changes their journey keeps it)."""
from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.footprint import services
from app.registration.models import Registration

# email -> (origin, legs, return trip)
JOURNEYS = {
    "delegate@example.org": ("Almaty", [{"mode": "rail", "cabin": "", "to": ""}], True),
    "pk.focal@example.org": ("ISB", [{"mode": "air", "cabin": "business", "to": ""}], True),
    "pk.adviser@example.org": ("ISB", [{"mode": "air", "cabin": "economy", "to": ""}], True),
    "amina.diallo@example.org": ("DSS", [{"mode": "air", "cabin": "economy", "to": "IST"},
                                         {"mode": "air", "cabin": "economy", "to": ""}], True),
    "kenji.sato@example.org": ("NRT", [{"mode": "air", "cabin": "economy", "to": ""}], True),
    "elena.petrova@example.org": ("SVO", [{"mode": "air", "cabin": "economy", "to": ""}], True),
    "tom.becker@example.org": ("HAM", [{"mode": "air", "cabin": "business", "to": "FRA"},
                                       {"mode": "air", "cabin": "business", "to": ""}], True),
    "media.rejected@example.org": ("ALA", [{"mode": "air", "cabin": "economy", "to": ""}], True),
    "gulnora.karimova@example.org": ("TAS", [{"mode": "air", "cabin": "economy", "to": "ALA"},
                                             {"mode": "rail", "cabin": "", "to": ""}], True),
    "bakyt.osmonov@example.org": ("Bishkek", [{"mode": "bus", "cabin": "", "to": "ALA"},
                                              {"mode": "air", "cabin": "economy", "to": ""}], True),
    "ingrid.halvorsen@example.org": ("OSL", [{"mode": "air", "cabin": "premium", "to": "FRA"},
                                             {"mode": "air", "cabin": "premium", "to": ""}], True),
    "arman.tokayev@example.org": ("Karaganda", [{"mode": "car", "cabin": "", "to": ""}], False),
    # The heads of delegation: one lives in the summit's city, one comes from New York.
    "kz.head@example.org": ("Astana", [{"mode": "car", "cabin": "", "to": ""}], True),
    "uz.head@example.org": ("TAS", [{"mode": "air", "cabin": "business", "to": ""}], True),
    "kg.head@example.org": ("Bishkek", [{"mode": "air", "cabin": "economy", "to": ""}], True),
    "undp.head@example.org": ("JFK", [{"mode": "air", "cabin": "business", "to": "IST"},
                                      {"mode": "air", "cabin": "business", "to": ""}], True),
}


def seed(event) -> list[tuple[str, str]]:
    services.install_bundled()
    rows = db.session.execute(select(Registration, User.email).join(User, User.id == Registration.user_id)
                              .where(Registration.event_id == event.id, User.email.in_(list(JOURNEYS)))).all()
    for registration, email in rows:
        if registration.travel_origin:
            continue  # a later run leaves what the delegate changed
        origin, legs, return_trip = JOURNEYS[email]
        registration.travel_origin, registration.travel_legs, registration.travel_return = origin, legs, return_trip
    db.session.flush()
    return []
