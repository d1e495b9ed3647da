"""Writing and reading the audit log."""
from __future__ import annotations

from datetime import date, datetime
from enum import Enum

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.audit.models import AuditEntry
from app.extensions import db
from app.utils.translated import Translated

# Values never copied into the audit log.
_SECRET_FIELDS = {"password", "password_hash", "token", "token_hash", "session_token", "passport_number"}


def _plain(value):
    if isinstance(value, Translated):
        return value.texts
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def snapshot(obj, fields) -> dict:
    """The values of `fields` on `obj`, ready to be stored as before/after."""
    return {f: _plain(getattr(obj, f)) for f in fields if f not in _SECRET_FIELDS}


def diff(before: dict, after: dict) -> dict:
    """Only the fields that changed: {field: [old, new]}."""
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def record(*, actor, action: str, obj=None, event=None, summary: str = "",
           before: dict | None = None, after: dict | None = None,
           object_type: str | None = None, object_id=None) -> AuditEntry:
    """Add an audit entry to the session (flushed with the change it describes).

    `before`/`after` are snapshots; only the changed fields are stored.
    """
    if before is not None or after is not None:
        changes = diff(before or {}, after or {})
    else:
        changes = {}
    changes = {k: v for k, v in changes.items() if k not in _SECRET_FIELDS}
    if obj is not None:
        object_type = object_type or type(obj).__name__
        object_id = object_id if object_id is not None else getattr(obj, "id", "")
    if event is None and obj is not None:
        # An event is its own event; anything else may belong to one. (Told apart by
        # table: the audit sits below the events package and does not import it.)
        event = obj if getattr(obj, "__tablename__", None) == "events" else getattr(obj, "event", None)
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        event_id=getattr(event, "id", None),
        action=action,
        object_type=object_type or "",
        object_id=str(object_id or ""),
        summary=summary[:500],
        changes=changes,
    )
    db.session.add(entry)
    return entry


def audited_update(obj, data: dict, fields, *, actor, action: str, event=None, summary: str = "") -> dict:
    """Set the keys of `data` that are among `fields` on `obj`, flush, and record what
    changed under `action`. Keys outside `fields` are ignored, so a form's extra
    fields never reach the row. Returns the changes ({field: [old, new]})."""
    before = snapshot(obj, fields)
    for key, value in data.items():
        if key in fields:
            setattr(obj, key, value)
    db.session.flush()
    after = snapshot(obj, fields)
    record(actor=actor, action=action, obj=obj, event=event, summary=summary, before=before, after=after)
    return diff(before, after)


def query_entries(*, event=None, action: str | None = None, object_type: str | None = None,
                  actor_email: str | None = None, page: int = 1, per_page: int = 50):
    """A filtered page of audit entries, newest first, with actors and events loaded
    (the platform-wide log shows each entry's time in its own event's zone)."""
    stmt = (select(AuditEntry).options(joinedload(AuditEntry.actor), joinedload(AuditEntry.event))
            .order_by(AuditEntry.id.desc()))
    if event is not None:
        stmt = stmt.where(AuditEntry.event_id == event.id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if object_type:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    if actor_email:
        # The account model through the relationship: accounts sit above the audit.
        user = AuditEntry.actor.property.mapper.class_
        stmt = stmt.join(user, user.id == AuditEntry.actor_id).where(user.email.ilike(f"%{actor_email}%"))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def distinct_actions(event=None) -> list[str]:
    stmt = select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    if event is not None:
        stmt = stmt.where(AuditEntry.event_id == event.id)
    return list(db.session.scalars(stmt))
