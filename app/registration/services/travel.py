"""The second stage: an approved delegate's travel details, and reminders to
those who have not given them."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.audit.services import audited_update, record
from app.events.models import Event
from app.extensions import db
from app.registration.models import Delegation, Registration, RegistrationState
from app.registration.services.errors import RegistrationError
from app.registration.services.transitions import NULLABLE_FIELDS, TRAVEL_BLANKS, TRAVEL_FIELDS, notify_delegate
from app.utils import places
from app.utils.time import utcnow
from app.utils.urls import external_url


def update_travel(registration: Registration, data: dict, *, actor) -> None:
    """Save an approved delegate's travel details for protocol and logistics; audited."""
    if registration.state != RegistrationState.approved:
        raise RegistrationError(_l("Travel details are asked for once the registration is approved."))
    values = {field: value if value is not None or field in NULLABLE_FIELDS else TRAVEL_BLANKS.get(field, "")
              for field, value in data.items()}
    registration.travel_updated_at = utcnow()
    audited_update(registration, values, TRAVEL_FIELDS, actor=actor, action="registration.travel",
                   event=registration.event, summary=registration.full_name)


def place_suggestions(query: str, limit: int = 10) -> list[tuple[str, str]]:
    """Airports whose code, city or name begin with `query`: (code, label) pairs."""
    return places.suggestions(query, limit)


TRAVEL_FACTS = ("id", "event_id", "user_id", "state", "category_id", "delegation_id", "country", "nationality",
                "travel_origin", "travel_legs", "travel_return", "arrival_at", "departure_at", "arrival_date",
                "departure_date")


def travel_facts(ids=None, *, event_id: int | None = None, after_id: int = 0, limit: int | None = None,
                 approved_only: bool = False) -> list[dict]:
    """What a trip's figure is computed from, one dict per registration (with its
    delegation's country as `delegation_country`), by id: the registrations `ids`, or
    those of `event_id` after `after_id`, `limit` at a time. One query."""
    columns = [getattr(Registration, name) for name in TRAVEL_FACTS]
    stmt = (select(*columns, Delegation.country.label("delegation_country"))
            .outerjoin(Delegation, Delegation.id == Registration.delegation_id).order_by(Registration.id))
    if ids is not None:
        stmt = stmt.where(Registration.id.in_(list(ids)))
    if event_id is not None:
        stmt = stmt.where(Registration.event_id == event_id, Registration.id > after_id)
    if approved_only:
        stmt = stmt.where(Registration.state == RegistrationState.approved)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [dict(row._mapping) for row in db.session.execute(stmt)]


def queue_travel_reminders(event, *, actor=None, min_hours_between: int = 24) -> int:
    """Email approved delegates who have not given their travel details (at most
    once per `min_hours_between` hours each). Returns how many were queued."""
    since = utcnow() - timedelta(hours=min_hours_between)
    due = list(db.session.scalars(
        select(Registration).options(joinedload(Registration.user), joinedload(Registration.event))
        .where(Registration.event_id == event.id, Registration.state == RegistrationState.approved,
               Registration.user_id.is_not(None), Registration.travel_updated_at.is_(None),
               (Registration.travel_reminded_at.is_(None)) | (Registration.travel_reminded_at < since))))
    for registration in due:
        registration.travel_reminded_at = utcnow()
        notify_delegate(registration, "registration_travel_reminder",
                travel_url=external_url("registration.travel", slug=event.slug))
    if due:
        record(actor=actor, action="registration.travel_reminders", obj=event, event=event,
               summary=f"{len(due)} reminders")
    return len(due)


def queue_all_travel_reminders(*, today=None) -> dict[str, int]:
    """`queue_travel_reminders` for every event not yet over (the daily periodic task).
    Returns {event slug: reminders queued} for the events where some were."""
    today = today or utcnow().date()
    queued = {}
    for event in db.session.scalars(select(Event).where(Event.end_date >= today).order_by(Event.id)):
        count = queue_travel_reminders(event)
        if count:
            queued[event.slug] = count
    return queued
