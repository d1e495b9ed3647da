"""The wording of visa-support letters that translators work on (see app/utils/textkinds.py)."""
from __future__ import annotations

import re

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.checkin.forms import TRANSLATED_SETTINGS
from app.checkin.models import OnsiteSettings
from app.checkin.services.letters import PLACEHOLDERS
from app.checkin.services.settings import TRANSLATED_FIELDS
from app.extensions import db
from app.utils.textkinds import TextKind


def _settings(event) -> list[OnsiteSettings]:
    # Read only: an event whose letters were never set up has nothing to translate yet.
    return list(db.session.scalars(select(OnsiteSettings).where(OnsiteSettings.event_id == event.id)))


def _check(name: str, text: str):
    """A letter text may name only the placeholders the letter fills in."""
    if name != "letter_body":
        return None
    unknown = sorted(set(re.findall(r"\{([a-z_]+)\}", text)) - set(PLACEHOLDERS))
    if unknown:
        return _l("Unknown placeholders: %(names)s.", names=", ".join("{" + u + "}" for u in unknown))
    return None


KINDS = (
    TextKind("letter", _l("Visa-letter wording"), TRANSLATED_FIELDS, load=_settings,
             describe=lambda _settings: _l("Visa-support letter"), check=_check,
             labels={name: label for name, (label, _length, _lines) in TRANSLATED_SETTINGS.items()},
             edit_url=lambda event, _settings: url_for("checkin.manage_settings", slug=event.slug)),
)
