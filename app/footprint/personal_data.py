"""The footprint's part of personal data rights (registered with app/privacy in the
wiring): the person's trips as computed, with what they were computed from. A trip's
figures stay, counted in the event's totals; the places it names (where the person came
from, where they changed) go on erasure or anonymisation. Registration leaves a counted
trip alone when it removes the travel details as personal data
(`travel_watch.forget_quietly`)."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.footprint.models import Trip
from app.registration.models import Registration

PLACE_KEYS = ("from", "to")


def _theirs(user):
    return select(Registration.id).where(Registration.user_id == user.id)


def export(user) -> dict:
    """The trips counted for the person's registrations, in kg CO2e with their range and
    what they were computed from: one query."""
    trips = db.session.scalars(select(Trip).where(Trip.registration_id.in_(_theirs(user))).order_by(Trip.id))
    return {"travel_footprint": [{
        "registration_id": t.registration_id, "event_id": t.event_id, "declared": t.declared, "origin": t.origin,
        "main_mode": t.main_mode, "legs": t.legs, "return_trip": t.return_trip, "hotel_nights": t.nights,
        "distance_km": t.distance_km, "kg_co2e": t.total_g / 1000, "low_kg_co2e": t.low_g / 1000,
        "high_kg_co2e": t.high_g / 1000, "radiative_forcing": t.radiative_forcing,
        "computed_at": t.computed_at} for t in trips]}


def _forget_places(trips) -> int:
    count = 0
    for trip in trips:
        trip.origin = ""
        trip.legs = [{key: value for key, value in leg.items() if key not in PLACE_KEYS} for leg in trip.legs or []]
        count += 1
    db.session.flush()
    return count


def erase_person(user, pseudonym: str, actor) -> list[str]:
    _forget_places(db.session.scalars(select(Trip).where(Trip.registration_id.in_(_theirs(user)))))
    return []


def anonymise_event(event, actor) -> int:
    """Every trip of the event keeps its figures and loses its places."""
    return _forget_places(db.session.scalars(select(Trip).where(Trip.event_id == event.id)))
