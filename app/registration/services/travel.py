"""The second stage: an approved delegate's travel details, and reminders to
those who have not given them."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.audit.services import audited_update, record
from app.extensions import db
from app.registration.models import Registration, RegistrationState
from app.registration.services.errors import RegistrationError
from app.registration.services.transitions import NULLABLE_FIELDS, TRAVEL_FIELDS, notify_delegate
from app.utils.time import utcnow
from app.utils.urls import external_url


def update_travel(registration: Registration, data: dict, *, actor) -> None:
    """Save an approved delegate's travel details for protocol and logistics; audited."""
    if registration.state != RegistrationState.approved:
        raise RegistrationError(_l("Travel details are asked for once the registration is approved."))
    values = {field: value if value is not None or field in NULLABLE_FIELDS else ""
              for field, value in data.items()}
    registration.travel_updated_at = utcnow()
    audited_update(registration, values, TRAVEL_FIELDS, actor=actor, action="registration.travel",
                   event=registration.event, summary=registration.full_name)


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
