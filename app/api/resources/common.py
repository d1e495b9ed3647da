"""What the token resources share: the event of the URL, objects loaded in it."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.api.auth import current_token
from app.api.errors import ApiError
from app.events.models import Event
from app.extensions import db

SECURITY = [{"bearerAuth": []}]


def event_for_token(slug: str) -> Event:
    """The event of the URL. A token of another event is refused (403); an unknown
    slug is not found."""
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise ApiError(404)
    if current_token() is None or current_token().event_id != event.id:
        raise ApiError(403)
    return event


def load_in_event(model, key: int, event: Event, *, status: int = 404, field: str | None = None):
    """The `model` row `key` of `event`; another event's row is not found."""
    obj = db.session.get(model, key) if 0 < key < 2**31 else None
    if obj is None or obj.event_id != event.id:
        raise ApiError(status, fields={field: [_("Not found in this event.")]} if field else None)
    return obj
