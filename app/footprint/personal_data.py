"""The footprint's part of personal data rights (registered with app/privacy in the
wiring): the person's trips as computed, with what they were computed from. Erasure
and anonymisation go through registration: a trip follows its registration."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.footprint.models import Trip
from app.registration.models import Registration


def export(user) -> dict:
    """One query: each of the person's counted trips, in kg CO2e with its range."""
    trips = db.session.scalars(select(Trip).where(Trip.registration_id.in_(
        select(Registration.id).where(Registration.user_id == user.id))).order_by(Trip.id))
    return {"trips": [{
        "registration_id": t.registration_id, "event_id": t.event_id, "declared": t.declared, "origin": t.origin,
        "legs": t.legs, "return_trip": t.return_trip, "hotel_nights": t.nights, "distance_km": t.distance_km,
        "kg_co2e": t.total_g / 1000, "low_kg_co2e": t.low_g / 1000, "high_kg_co2e": t.high_g / 1000,
        "radiative_forcing": t.radiative_forcing, "computed_at": t.computed_at} for t in trips]}
