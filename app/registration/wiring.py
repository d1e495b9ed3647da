"""How registration reacts to other domains and what it tells them: connected once
by the app factory."""
from __future__ import annotations

from sqlalchemy import select

from app import policy
from app.accounts.services import email_verified
from app.extensions import db
from app.registration.models import Registration, RegistrationSettings, RegistrationState
from app.registration.services import submit_drafts_on_verification


def participant_list_switched_on(event) -> bool:
    """Whether organisers have opened the event's public participant list."""
    return bool(db.session.scalar(select(RegistrationSettings.participant_list)
                                  .where(RegistrationSettings.event_id == event.id)))


def is_approved_delegate(user, event) -> bool:
    """Whether `user` holds an approved registration for `event`."""
    return db.session.scalar(select(Registration.id).where(
        Registration.event_id == event.id, Registration.user_id == user.id,
        Registration.state == RegistrationState.approved).limit(1)) is not None


def connect(app) -> None:
    """A proven address submits the drafts that waited for it; the access rules learn
    who is an approved delegate and whether the participant list is open."""
    email_verified.connect(submit_drafts_on_verification, weak=False)
    policy.provide("participant_list_switched_on", participant_list_switched_on)
    policy.provide("is_approved_delegate", is_approved_delegate)
