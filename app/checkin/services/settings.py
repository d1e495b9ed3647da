"""Each event's badge and letter settings."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit.services import audited_update
from app.checkin.models import OnsiteSettings
from app.extensions import db

def settings_for(event) -> OnsiteSettings:
    """The event's badge and letter settings, created with defaults when missing."""
    settings = db.session.scalar(select(OnsiteSettings).where(OnsiteSettings.event_id == event.id))
    if settings is None:
        try:
            with db.session.begin_nested():
                settings = OnsiteSettings(event_id=event.id, category_colours={})
                db.session.add(settings)
        except IntegrityError:
            settings = db.session.scalar(select(OnsiteSettings).where(OnsiteSettings.event_id == event.id))
    return settings



SETTINGS_FIELDS = ("badge_size", "category_colours", "letter_organisation", "letter_address", "letter_signatory",
                   "letter_signatory_title", "letter_body_en", "letter_body_ru")


def update_settings(event, data: dict, *, actor) -> OnsiteSettings:
    """Change the badge and letter settings; audited."""
    settings = settings_for(event)
    audited_update(settings, data, SETTINGS_FIELDS, actor=actor, action="onsite.settings", event=event,
                   summary=event.title)
    return settings
