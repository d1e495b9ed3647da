"""The footprint's figure on the organiser dashboard: the event's travel in tonnes of
CO2e, read from its running total, and only once it aggregates at least MIN_GROUP trips
(every organiser role sees the dashboard)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.footprint.models import Total
from app.footprint.services import MIN_GROUP


def event_tonnes(event) -> list[tuple[str, str, int]]:
    row = db.session.execute(select(Total.trips, Total.total_g).where(
        Total.event_id == event.id, Total.dimension == "event")).first()
    if row is None or row.trips < MIN_GROUP:
        return []
    return [("footprint.total", str(_l("Travel footprint, t CO₂e")), round(row.total_g / 1_000_000))]


FIGURES = [("footprint.total", _l("Travel footprint, t CO₂e"), event_tonnes)]
