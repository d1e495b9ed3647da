"""The footprint's figures on the organiser dashboards, read from the running totals:
the event's travel with its range, how many trips are declared and how many estimated,
and the travel by delegation. Nothing is shown before the event aggregates MIN_GROUP
trips, and groups under MIN_GROUP are folded for readers who may not see
registrations (the same rule as the report)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.footprint.models import Total
from app.footprint.services import MIN_GROUP, event_report, settings_for


def event_tonnes(event) -> list[tuple[str, str, object]]:
    """(key, label, value) of the event's travel: tonnes of CO2e, its range, the declared
    and the estimated trips; empty under MIN_GROUP trips."""
    row = db.session.execute(select(Total.trips, Total.declared, Total.total_g, Total.low_g, Total.high_g).where(
        Total.event_id == event.id, Total.dimension == "event")).first()
    if row is None or row.trips < MIN_GROUP:
        return []
    return [("footprint.total", str(_l("Travel footprint, t CO₂e")), tonnes(row.total_g)),
            ("footprint.low", str(_l("Low end of the range, t CO₂e")), tonnes(row.low_g)),
            ("footprint.high", str(_l("High end of the range, t CO₂e")), tonnes(row.high_g)),
            ("footprint.declared", str(_l("Trips declared by the delegates")), row.declared),
            ("footprint.estimated", str(_l("Trips estimated from the delegation's capital")),
             row.trips - row.declared)]


def tonnes(grams: int) -> float | int:
    """Tonnes with one decimal (a whole number when it is one, so it reads "12", not "12.0")."""
    value = round(grams / 1_000_000, 1)
    return int(value) if value.is_integer() else value


def radiative_forcing_note(event) -> str:
    """The radiative-forcing choice, stated with every figure."""
    if settings_for(event).radiative_forcing:
        return str(_l("Flights include the radiative-forcing uplift."))
    return str(_l("Flights do not include the radiative-forcing uplift."))


def by_delegation(event, actor) -> list[tuple[str, object]]:
    """(delegation, tonnes of CO2e) largest first; empty under MIN_GROUP trips in all."""
    report = event_report(event, actor=actor)
    if report.total is None or report.total.trips < MIN_GROUP:
        return []
    return [(row.label, tonnes(row.total_g)) for row in report.groups.get("delegation", [])]

