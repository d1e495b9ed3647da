"""How the API learns about changes in the other domains, without their knowing:
audit entries (by action code) and new check-ins, seen as they are flushed, and
letters issued in bulk (a signal) queue webhook deliveries in the same transaction. Connected once by the app factory."""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.api.services import webhooks
from app.audit.models import AuditEntry
from app.checkin import signals as checkin_signals
from app.checkin.models import CheckIn
from app.extensions import db


def queue_deliveries(session, _flush_context, _instances) -> None:
    for obj in list(session.new):
        if isinstance(obj, AuditEntry) and obj.event_id and obj.action in webhooks.AUDIT_EVENTS:
            webhooks.queue(session, obj.event_id, webhooks.AUDIT_EVENTS[obj.action], obj.object_type,
                           obj.object_id)
        elif isinstance(obj, CheckIn) and obj.event_id:
            webhooks.queue(session, obj.event_id, "checkin.created", "Registration", str(obj.registration_id))


def letters_issued(event, letter_ids=()) -> None:
    """Letters issued together share one audit entry: each still makes its own
    "visa_letter.issued" delivery, written in bulk."""
    webhooks.queue_many(db.session, event.id, "visa_letter.issued", "VisaLetter", letter_ids)


def connect(app) -> None:
    checkin_signals.letters_issued.connect(letters_issued)
    if not event.contains(Session, "before_flush", queue_deliveries):
        event.listen(Session, "before_flush", queue_deliveries)
