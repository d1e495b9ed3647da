"""Speakers' texts that translators work on (see app/utils/textkinds.py)."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.speakers.models import SpeakerProfile
from app.utils.textkinds import TextKind


def _profiles(event) -> list[SpeakerProfile]:
    return list(db.session.scalars(select(SpeakerProfile).options(joinedload(SpeakerProfile.user))
                                   .where(SpeakerProfile.event_id == event.id).order_by(SpeakerProfile.id)))


KINDS = (
    TextKind("speaker", _l("Biographies"), ("bio",), load=_profiles, describe=lambda p: p.user.display_name,
             edit_url=lambda event, p: url_for("speakers.manage_person", slug=event.slug, user_id=p.user_id)),
)
