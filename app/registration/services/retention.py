"""Passport data is kept only as long as the visa-support letter needs it."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.audit.services import record
from app.events.models import Event
from app.extensions import db
from app.registration.models import Registration
from app.registration.services.settings import settings_for
from app.registration.services.transitions import clear_passport
from app.utils.time import utcnow


def purge_passports(*, today: date | None = None) -> dict[str, int]:
    """Delete passport fields of every event whose retention period is over (the
    event's last day plus its retention days); the rest of each registration
    stays. One audit entry per event. Returns {event slug: registrations purged}."""
    today = today or utcnow().date()
    purged: dict[str, int] = {}
    for event in db.session.scalars(select(Event).order_by(Event.id)):
        days = settings_for(event).passport_retention_days
        if today <= event.end_date + timedelta(days=days):
            continue
        holders = list(db.session.scalars(select(Registration).where(
            Registration.event_id == event.id,
            (Registration.passport_number != "") | Registration.passport_expiry.is_not(None)
            | Registration.date_of_birth.is_not(None) | (Registration.place_of_birth != ""))))
        if not holders:
            continue
        now = utcnow()
        for registration in holders:
            clear_passport(registration)
            registration.passport_purged_at = now
        db.session.flush()
        record(actor=None, action="registration.purge_passports", obj=event, event=event,
               summary=f"passport data deleted from {len(holders)} registrations, {days} days after the event")
        purged[event.slug] = len(holders)
    return purged
