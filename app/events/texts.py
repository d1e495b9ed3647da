"""The event's own texts that translators work on (see app/utils/textkinds.py)."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from app.utils.textkinds import TextKind

KINDS = (
    TextKind("event", _l("Event texts"),
             ("title", "short_title", "description", "venue", "city", "practical_info", "privacy_notice"),
             load=lambda event: [event],
             describe=lambda event: event.title,
             edit_url=lambda event, _obj: url_for("organiser.settings", slug=event.slug)),
)
