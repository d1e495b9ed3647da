"""Speaker profiles (name fields, biography, links, photo) and their
availability and travel.

Every function takes model objects and an explicit `actor`, flushes but never
commits and writes an audit entry for each change. A change to a confirmed
speaker's name or profile refreshes the public agenda's cached pages.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.accounts.models import User
from app.agenda.cache import invalidate_public_cache
from app.agenda.services import markdown_problem, render_markdown
from app.audit.services import audited_update, record, snapshot
from app.events.models import Event
from app.extensions import db
from app.registration.services import live_registration as registration_of
from app.speakers import uploads
from app.speakers.models import AssignmentState as A, SpeakerAssignment, SpeakerProfile
from app.speakers.services.errors import SpeakerError

BIO_MAX = 2000
MAX_LINKS = 3

PROFILE_FIELDS = ("bio", "photo_filename", "links")
TRAVEL_FIELDS = ("available_from", "available_until", "arrival_date", "departure_date", "travel_notes",
                 "visa_letter_requested", "nationality")
USER_FIELDS = ("honorific", "given_name", "family_name", "position", "organisation", "country")


def profile_for(event: Event, user: User) -> SpeakerProfile | None:
    return db.session.scalar(select(SpeakerProfile).where(SpeakerProfile.event_id == event.id,
                                                          SpeakerProfile.user_id == user.id))


def ensure_profile(event: Event, user: User) -> SpeakerProfile:
    """The speaker's profile for `event`, created empty the first time."""
    profile = profile_for(event, user)
    if profile is None:
        profile = SpeakerProfile(event_id=event.id, user_id=user.id, links=[])
        db.session.add(profile)
        db.session.flush()
    return profile


def bio_html(profile: SpeakerProfile | None):
    return render_markdown(profile.bio if profile else "")


def _has_accepted(event: Event, user: User) -> bool:
    return db.session.scalar(select(func.count(SpeakerAssignment.id)).where(
        SpeakerAssignment.event_id == event.id, SpeakerAssignment.user_id == user.id,
        SpeakerAssignment.state == A.accepted)) > 0


def check_bio(text: str) -> None:
    if len(text or "") > BIO_MAX:
        raise SpeakerError(_l("The biography may be at most %(max)d characters long.", max=BIO_MAX), "bio")
    if markdown_problem(text or ""):
        raise SpeakerError(_l("Scripts and script links are not allowed in the biography."), "bio")


def update_profile(profile: SpeakerProfile, user_data: dict, profile_data: dict, *, actor) -> None:
    """Change a speaker's public profile (account name fields, bio, links); audited.

    Refreshes the public agenda when the speaker is confirmed somewhere, since
    their name and organisation show there. Raises SpeakerError on a bad bio.
    """
    check_bio(profile_data.get("bio", profile.bio))
    links = [link for link in profile_data.get("links", profile.links or []) if link][:MAX_LINKS]
    user = profile.user
    # Not `audited_update`: one entry records the account's name fields and the profile together.
    before = {**snapshot(user, USER_FIELDS), **snapshot(profile, PROFILE_FIELDS)}
    for key in USER_FIELDS:
        if key in user_data:
            setattr(user, key, user_data[key])
    if "bio" in profile_data:
        profile.bio = profile_data["bio"]
    profile.links = links
    db.session.flush()
    record(actor=actor, action="speaker.profile.update", obj=profile, event=profile.event,
           summary=user.formal_name, before=before,
           after={**snapshot(user, USER_FIELDS), **snapshot(profile, PROFILE_FIELDS)})
    if _has_accepted(profile.event, user):
        invalidate_public_cache(profile.event)


def save_profile(profile: SpeakerProfile, user_data: dict, profile_data: dict, *, photo: bytes | None = None,
                 actor) -> None:
    """The profile form: `update_profile`, then `replace_photo` when a new (checked) photo came."""
    update_profile(profile, user_data, profile_data, actor=actor)
    if photo:
        replace_photo(profile, photo, actor=actor)


def replace_photo(profile: SpeakerProfile, jpeg: bytes, *, actor) -> None:
    """Store an already checked and re-encoded photo; the previous file is removed."""
    old = profile.photo_filename
    profile.photo_filename = uploads.save_photo(jpeg)
    db.session.flush()
    record(actor=actor, action="speaker.photo.update", obj=profile, event=profile.event,
           summary=profile.user.formal_name)
    if old:
        uploads.delete_photo(old)
    if _has_accepted(profile.event, profile.user):
        invalidate_public_cache(profile.event)


def live_registration(event: Event, user: User):
    """The speaker's live delegate registration, if they registered too (None otherwise)."""
    return registration_of(event, user)


def registration_has_visa_data(registration) -> bool:
    return bool(registration is not None and (registration.passport_number or registration.visa_letter_needed))


def update_travel(profile: SpeakerProfile, data: dict, *, actor) -> None:
    """Availability, arrival and departure, visa letter request; audited.

    Refuses ranges that end before they start (SpeakerError on the field).
    """
    if data.get("available_from") and data.get("available_until") \
            and data["available_until"] < data["available_from"]:
        raise SpeakerError(_l("The last available day must not be before the first."), "available_until")
    if data.get("arrival_date") and data.get("departure_date") and data["departure_date"] < data["arrival_date"]:
        raise SpeakerError(_l("The departure must not be before the arrival."), "departure_date")
    audited_update(profile, data, TRAVEL_FIELDS, actor=actor, action="speaker.travel.update", event=profile.event,
                   summary=profile.user.formal_name)



def profiles_by_user(event: Event, user_ids) -> dict[int, SpeakerProfile]:
    ids = list(set(user_ids))
    if not ids:
        return {}
    return {p.user_id: p for p in db.session.scalars(select(SpeakerProfile).where(
        SpeakerProfile.event_id == event.id, SpeakerProfile.user_id.in_(ids)))}

