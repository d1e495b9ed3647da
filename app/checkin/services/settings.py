"""Each event's badge and letter settings."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit.services import audited_update
from app.checkin.models import OnsiteSettings
from app.extensions import db
from app.utils.translated import Translated


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



SETTINGS_FIELDS = ("badge_size", "category_colours", "badge_languages", "desk_photos", "letter_organisation",
                   "letter_address", "letter_signatory", "letter_signatory_title", "letter_addressee", "letter_body")
# The settings written once per language ({language: text} in `update_settings`' data).
TRANSLATED_FIELDS = ("letter_organisation", "letter_address", "letter_signatory", "letter_signatory_title",
                     "letter_addressee", "letter_body")


def update_settings(event, data: dict, *, actor) -> OnsiteSettings:
    """Change the badge and letter settings; audited. A letter text is given as
    {language: text} (a language left empty goes back to the built-in text or the
    event's details) or as one text in the event's default language. Badge languages
    are kept to the event's languages, at most two."""
    settings = settings_for(event)
    data = dict(data)
    default = (event.languages or ["en"])[0]
    for name in TRANSLATED_FIELDS:
        if name not in data:
            continue
        texts = data[name] if isinstance(data[name], dict) else {default: data[name]}
        current = getattr(settings, name)
        if not current:
            # A first text: its source is the default language's version, else the first one written.
            written = [lang for lang, text in texts.items() if (text or "").strip()]
            current = Translated(source=default if default in written else (written or [default])[0])
        data[name] = current.merged(texts)
    if "badge_languages" in data:
        allowed = list(event.languages or [default])
        chosen = [lang for lang in (data["badge_languages"] or []) if lang in allowed]
        data["badge_languages"] = list(dict.fromkeys(chosen))[:2]
    audited_update(settings, data, SETTINGS_FIELDS, actor=actor, action="onsite.settings", event=event,
                   summary=str(event.title))
    return settings


def badge_languages(event, settings: OnsiteSettings) -> list[str]:
    """The languages a badge prints its category in: those chosen, else the event's default."""
    chosen = [lang for lang in (settings.badge_languages or []) if lang in (event.languages or [])]
    return chosen[:2] or [(event.languages or ["en"])[0]]
