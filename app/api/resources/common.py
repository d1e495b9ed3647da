"""What the token resources share: the event of the URL, objects loaded in it."""
from __future__ import annotations

import base64

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


def read_cursor(value: str | None) -> int:
    """The row id a list continues after, from the `cursor` a previous page gave
    (0 for the first page); a cursor not made by these lists is a 422."""
    if not value:
        return 0
    try:
        number = int(base64.urlsafe_b64decode(value.encode() + b"==").decode())
    except ValueError:
        raise ApiError(422, fields={"cursor": [_("This is not a cursor of this list.")]}) from None
    if not 0 <= number < 2**31:
        raise ApiError(422, fields={"cursor": [_("This is not a cursor of this list.")]})
    return number


def next_cursor(rows, more: bool) -> str | None:
    """The cursor of the page after `rows` (ordered by id), or None on the last page."""
    return base64.urlsafe_b64encode(str(rows[-1].id).encode()).decode().rstrip("=") if more else None
