"""What the speakers domain answers the agenda and the access rules: who speaks in
which session, and what the speakers' public profiles say. Registered as providers
by `app.speakers.wiring`."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from app.accounts.labels import formal_name, printed_honorific
from app.accounts.models import User
from app.agenda.providers import PublicSpeaker, SpeakerProfileSummary
from app.extensions import db
from app.speakers.models import BUSY_STATES, ROLE_LABELS, AssignmentState, SpeakerAssignment, SpeakerProfile
from app.speakers.services.directory import listed_entry


# Above this many sessions of one event, their speakers are read by the event and the
# other sessions' left out here: a list of hundreds of ids made the query take twice as long.
_BY_EVENT_FROM = 50


def confirmed_speakers(session_ids: list[int], event_id: int | None = None) -> dict[int, list[PublicSpeaker]]:
    """Accepted speakers per session, in their order: one query whatever the number of sessions.

    Reads only the columns a public page shows (no User objects: building hundreds of them
    cost more than the rest of the agenda page), and translates each title and role once.
    `event_id`: the event every one of the sessions belongs to, if known."""
    by_event = event_id is not None and len(session_ids) >= _BY_EVENT_FROM
    wanted = set(session_ids)
    stmt = (select(SpeakerAssignment.session_id, SpeakerAssignment.role, User.id, User.honorific, User.given_name,
                   User.family_name, User.email, User.organisation, User.position)
            .join(User, User.id == SpeakerAssignment.user_id)
            .where(SpeakerAssignment.event_id == event_id if by_event
                   else SpeakerAssignment.session_id.in_(session_ids),
                   SpeakerAssignment.state == AssignmentState.accepted)
            .order_by(SpeakerAssignment.session_id, SpeakerAssignment.position, SpeakerAssignment.id))
    titles: dict[str, str] = {}
    roles: dict[object, tuple[str, str]] = {}
    result: dict[int, list[PublicSpeaker]] = defaultdict(list)
    for session_id, role, user_id, honorific, given, family, email, organisation, position in db.session.execute(stmt):
        if session_id not in wanted:
            continue
        title = titles.get(honorific)
        if title is None:
            title = titles[honorific] = printed_honorific(honorific) if honorific else ""
        role_text = roles.get(role)
        if role_text is None:
            role_text = roles[role] = (str(role or ""), str(ROLE_LABELS.get(role, role or "")))
        result[session_id].append(PublicSpeaker(
            id=user_id, name=formal_name(honorific, given, family, title=title) or email,
            organisation=organisation or "", position=position or "", role=role_text[0], role_label=role_text[1]))
    return dict(result)


def busy_speakers(session_ids: list[int]) -> dict[int, set[int]]:
    """User ids of the speakers invited to or holding each session."""
    rows = db.session.execute(select(SpeakerAssignment.session_id, SpeakerAssignment.user_id)
                              .where(SpeakerAssignment.session_id.in_(session_ids),
                                     SpeakerAssignment.state.in_(BUSY_STATES)))
    result: dict[int, set[int]] = defaultdict(set)
    for session_id, user_id in rows:
        result[session_id].add(user_id)
    return dict(result)


def public_profiles(event, user_ids) -> dict[int, SpeakerProfileSummary]:
    """Biography and whether there is a photo, of the given speakers for `event`: one query."""
    rows = db.session.scalars(select(SpeakerProfile).where(SpeakerProfile.event_id == event.id,
                                                           SpeakerProfile.user_id.in_(user_ids)))
    return {row.user_id: SpeakerProfileSummary(bio=row.bio or "", has_photo=bool(row.photo_filename))
            for row in rows}


def speaks_at_event(user, event) -> bool:
    """Whether `user` has a speaker assignment in `event`."""
    return db.session.scalar(select(SpeakerAssignment.id).where(
        SpeakerAssignment.event_id == event.id, SpeakerAssignment.user_id == user.id).limit(1)) is not None


def speaks_at_event_clause(user, event):
    """`speaks_at_event` as an SQL condition (read with other facts in one query)."""
    return select(SpeakerAssignment.id).where(SpeakerAssignment.event_id == event.id,
                                              SpeakerAssignment.user_id == user.id).exists()


def speaks_in_session(user, session_id) -> bool:
    """Whether `user` has a speaker assignment in the session `session_id`."""
    return db.session.scalar(select(SpeakerAssignment.id).where(
        SpeakerAssignment.session_id == session_id, SpeakerAssignment.user_id == user.id).limit(1)) is not None


def speaker_is_listed(viewer, profile) -> bool:
    """Whether the owner of `profile` is a confirmed speaker of the published agenda as
    `viewer` sees it (then their photo is public)."""
    return listed_entry(profile.event, profile.user_id, viewer) is not None
