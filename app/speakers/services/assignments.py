"""Assigning people to sessions and their answers: the signed answer links,
invitations (of existing accounts or new ones), the answer transitions,
reminders, and the organisers' and speakers' lists of assignments.

Every function takes model objects and an explicit `actor`, flushes but never
commits, writes an audit entry for each change and queues the emails it
names. A change that alters what the public agenda shows (a speaker accepts,
steps back, changes role or order) refreshes the agenda's cached pages.
"""
from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.accounts.passwords import hash_password
from app.accounts.services import create_user, mark_email_verified, normalise_email
from app.agenda.cache import invalidate_public_cache
from app.agenda.models import AgendaSession
from app.audit.services import audited_update, record, snapshot
from app.events.models import Event
from app.extensions import db
from app.mail.services import queue_for_user
from app.speakers import uploads
from app.speakers.models import BUSY_STATES, AssignmentRole, AssignmentState as A, SlideFile, SpeakerAssignment
from app.speakers.services.errors import IllegalTransition, SpeakerError
from app.speakers.services.profiles import USER_FIELDS, ensure_profile
from app.utils.time import utcnow
from app.utils.urls import external_url

LINK_DAYS_DEFAULT = 30
OPEN_FLAG_DAYS = 7  # an invitation unanswered this long is flagged on the organiser pages
REMIND_INTERVAL = timedelta(hours=20)  # "remind all" skips anyone reminded since

ASSIGNMENT_FIELDS = ("session_id", "user_id", "role", "position", "note", "state", "decline_reason")

# Who may move an assignment from one state to another.
TRANSITIONS: dict[A, frozenset[A]] = {
    A.invited: frozenset({A.accepted, A.declined}),
    A.accepted: frozenset({A.withdrawn}),
    A.declined: frozenset(),
    A.withdrawn: frozenset(),
}



# --- Answer links -------------------------------------------------------------------
# The link names the assignment and carries its nonce and an expiry, signed with the
# secret key: it cannot be forged or stretched, and the nonce is cleared on use.

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="speaker-answer")


def link_days() -> int:
    return int(current_app.config.get("SPEAKER_LINK_DAYS") or LINK_DAYS_DEFAULT)


def answer_token(assignment: SpeakerAssignment, *, expires_at: datetime | None = None) -> str:
    """A signed, expiring answer link token for `assignment` (sets its nonce if needed)."""
    if not assignment.link_nonce:
        assignment.link_nonce = secrets.token_hex(16)
    expires_at = expires_at or utcnow() + timedelta(days=link_days())
    return _serializer().dumps({"a": assignment.id, "n": assignment.link_nonce, "e": int(expires_at.timestamp())})


def answer_url(assignment: SpeakerAssignment) -> str:
    return external_url("speakers.respond", slug=assignment.event.slug, token=answer_token(assignment))


def assignment_from_token(event: Event, raw: str) -> SpeakerAssignment | None:
    """The assignment an answer link is for, or None: forged, expired, used, or already answered."""
    if not raw or len(raw) > 300:
        return None
    try:
        payload = _serializer().loads(raw)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("a"), int):
        return None
    if not isinstance(payload.get("e"), int) or payload["e"] < utcnow().timestamp():
        return None
    assignment = db.session.get(SpeakerAssignment, payload["a"])
    if assignment is None or assignment.event_id != event.id or assignment.state != A.invited:
        return None
    if not assignment.link_nonce or not secrets.compare_digest(assignment.link_nonce, str(payload.get("n", ""))):
        return None
    return assignment


# The password hash of an account created by a speaker invitation until the invitee
# chooses a password: no password matches it (it is not an argon2 hash), and it tells
# the answer page to ask for one. An account someone made themselves never has it.
INVITED_ACCOUNT_MARK = "!speaker-invitation"


def needs_password(user: User) -> bool:
    """A speaker account created by an invitation and never used: the answer link sets its password."""
    return user.password_hash == INVITED_ACCOUNT_MARK



# --- Assigning ----------------------------------------------------------------------

def _next_position(session: AgendaSession) -> int:
    highest = db.session.scalar(select(func.max(SpeakerAssignment.position))
                                .where(SpeakerAssignment.session_id == session.id))
    return 0 if highest is None else highest + 1


def _existing(session: AgendaSession, user: User) -> SpeakerAssignment | None:
    return db.session.scalar(select(SpeakerAssignment).where(SpeakerAssignment.session_id == session.id,
                                                             SpeakerAssignment.user_id == user.id))


def _new_assignment(session: AgendaSession, user: User, *, role: AssignmentRole, note: str, actor,
                    position: int | None) -> SpeakerAssignment:
    if session.type.value == "break":
        raise SpeakerError(_l("Breaks have no speakers."))
    existing = _existing(session, user)
    if existing is not None:
        raise SpeakerError(_l("%(name)s is already on this session (%(state)s).", name=user.formal_name,
                              state=existing.state_label), "user")
    assignment = SpeakerAssignment(event=session.event, session=session, user=user,
                                   role=AssignmentRole(role), note=note or "",
                                   position=_next_position(session) if position is None else position,
                                   state=A.invited, invited_by_id=getattr(actor, "id", None), invited_at=utcnow())
    db.session.add(assignment)
    db.session.flush()
    ensure_profile(session.event, user)
    return assignment


def assign_speaker(session: AgendaSession, user: User, *, role: AssignmentRole, actor, note: str = "",
                   position: int | None = None) -> SpeakerAssignment:
    """Invite an existing user to speak in `session`; audited.

    Queues the invitation email with a signed, single-use, expiring answer link.
    Refuses (SpeakerError) a person already on the session and breaks.
    """
    assignment = _new_assignment(session, user, role=role, note=note, actor=actor, position=position)
    record(actor=actor, action="speaker.assign", obj=assignment, event=session.event,
           summary=f"{user.formal_name}: {session.title}", after=snapshot(assignment, ASSIGNMENT_FIELDS))
    queue_for_user(user, "speaker_invitation", event=session.event, assignment=assignment, session=session,
                   answer_url=answer_url(assignment), days=link_days(),
                   portal_url=external_url("speakers.portal", slug=session.event.slug), new_account=False)
    return assignment


def invite_new_speaker(session: AgendaSession, *, email: str, role: AssignmentRole, actor, note: str = "",
                       locale: str = "en", **person) -> tuple[SpeakerAssignment, bool]:
    """Invite someone by email; returns (assignment, whether an account was created).

    An address that already has an account is assigned as that user. Otherwise
    an account is created that cannot be used yet (no password matches it, the
    address is not confirmed) with an empty speaker profile; the emailed
    single-use link lets the invitee choose a password and answer, which
    confirms the address. Audited; queues the invitation email.
    """
    email = normalise_email(email)
    user = User.by_email(email)
    if user is not None:
        return assign_speaker(session, user, role=role, actor=actor, note=note), False
    user = create_user(email=email, password=secrets.token_urlsafe(32), verified=False,
                       locale=locale if locale in current_app.config["LANGUAGES"] else "en",
                       **{k: v for k, v in person.items() if k in USER_FIELDS})
    user.password_hash = INVITED_ACCOUNT_MARK
    assignment = _new_assignment(session, user, role=role, note=note, actor=actor, position=None)
    record(actor=actor, action="speaker.invite_new", obj=assignment, event=session.event,
           summary=f"{user.email}: {session.title}", after=snapshot(assignment, ASSIGNMENT_FIELDS))
    queue_for_user(user, "speaker_invitation", event=session.event, assignment=assignment, session=session,
                   answer_url=answer_url(assignment), days=link_days(),
                   portal_url=external_url("speakers.portal", slug=session.event.slug), new_account=True)
    return assignment, True


def update_assignment(assignment: SpeakerAssignment, data: dict, *, actor) -> None:
    """Change role, order or the internal note; audited. Refreshes the public agenda
    when the speaker is confirmed (role and order show there)."""
    changes = {}
    if "role" in data:
        changes["role"] = AssignmentRole(data["role"])
    if "position" in data and data["position"] is not None:
        changes["position"] = int(data["position"])
    if "note" in data:
        changes["note"] = data["note"] or ""
    audited_update(assignment, changes, ("role", "position", "note"), actor=actor,
                   action="speaker.assignment.update", event=assignment.event,
                   summary=f"{assignment.user.formal_name}: {assignment.session.title}")
    if assignment.state == A.accepted:
        invalidate_public_cache(assignment.event)


def remove_assignment(assignment: SpeakerAssignment, *, actor) -> None:
    """Take a person off a session altogether (their slides go too); audited."""
    event = assignment.event
    was_public = assignment.state == A.accepted
    record(actor=actor, action="speaker.remove", obj=assignment, event=event,
           summary=f"{assignment.user.formal_name}: {assignment.session.title}",
           before=snapshot(assignment, ASSIGNMENT_FIELDS))
    files = list(db.session.scalars(select(SlideFile).where(SlideFile.assignment_id == assignment.id)))
    for slide in files:
        db.session.delete(slide)
    db.session.delete(assignment)
    db.session.flush()
    for slide in files:
        uploads.delete_slides(slide.stored_name)
    if was_public:
        invalidate_public_cache(event)


# --- Answers ------------------------------------------------------------------------

def transition(assignment: SpeakerAssignment, to: A, *, actor, reason: str = "") -> None:
    """Move an assignment to `to` or raise IllegalTransition; audited.

    invited -> accepted | declined (with a reason); accepted -> withdrawn.
    Any answer uses up the emailed links. The organiser who invited is told by
    email; the public agenda is refreshed when a confirmed speaker appears or
    disappears.
    """
    current = assignment.state
    if to not in TRANSITIONS[current]:
        raise IllegalTransition(current, to)
    changes = {"state": to}
    if to in (A.declined, A.withdrawn):
        changes["decline_reason"] = (reason or "").strip()[:500]
    assignment.answered_at = utcnow()
    assignment.link_nonce = None
    audited_update(assignment, changes, ASSIGNMENT_FIELDS, actor=actor, action=f"speaker.{to.value}",
                   event=assignment.event, summary=f"{assignment.user.formal_name}: {assignment.session.title}")
    inviter = assignment.invited_by
    if inviter is not None and inviter.active and inviter.id != getattr(actor, "id", None):
        queue_for_user(inviter, "speaker_answered", event=assignment.event, assignment=assignment,
                       session=assignment.session,
                       manage_url=external_url("speakers.manage_session", slug=assignment.event.slug,
                                               session_id=assignment.session_id))
    if A.accepted in (current, to):
        invalidate_public_cache(assignment.event)


def answers_open(assignment: SpeakerAssignment) -> list[A]:
    """The answers the speaker can still give, in the order of the states: accepted or
    declined while invited, withdrawn once accepted, none after that."""
    return [state for state in A if state in TRANSITIONS[assignment.state]]


def accept(assignment: SpeakerAssignment, *, actor) -> None:
    transition(assignment, A.accepted, actor=actor)


def decline(assignment: SpeakerAssignment, *, actor, reason: str = "") -> None:
    transition(assignment, A.declined, actor=actor, reason=reason)


def withdraw(assignment: SpeakerAssignment, *, actor, reason: str = "") -> None:
    transition(assignment, A.withdrawn, actor=actor, reason=reason)


def activate_invited_account(user: User, password: str) -> None:
    """Give an account created by a speaker invitation its password; the link proved the
    address, so it is marked verified (which lets what waited for that go ahead)."""
    user.password_hash = hash_password(password)
    mark_email_verified(user)
    user.rotate_session_token()
    record(actor=user, action="speaker.account.activate", obj=user, summary=user.email)


def answer_by_link(assignment: SpeakerAssignment, *, accepted: bool, password: str = "", reason: str = "") -> bool:
    """The answer the invitee gives through the emailed link, acting as themselves.

    Accepting with an account the invitation created sets its password first (which
    confirms the address). True when such an account was activated.
    """
    user = assignment.user
    if not accepted:
        decline(assignment, actor=user, reason=reason)
        return False
    activated = needs_password(user)
    if activated:
        activate_invited_account(user, password)
    accept(assignment, actor=user)
    return activated


# --- Reminders ----------------------------------------------------------------------

def remind(assignment: SpeakerAssignment, *, actor) -> None:
    """Queue a reminder (with a fresh answer link) to a speaker who has not answered; audited."""
    if assignment.state != A.invited:
        raise SpeakerError(_l("Only speakers who have not answered get reminders."))
    assignment.reminded_at = utcnow()
    assignment.reminder_count = (assignment.reminder_count or 0) + 1
    queue_for_user(assignment.user, "speaker_reminder", event=assignment.event, assignment=assignment,
                   session=assignment.session, answer_url=answer_url(assignment), days=link_days(),
                   new_account=needs_password(assignment.user))
    db.session.flush()
    record(actor=actor, action="speaker.remind", obj=assignment, event=assignment.event,
           summary=f"{assignment.user.formal_name}: {assignment.session.title}")


def remind_open(event: Event, *, actor, allowed=None) -> tuple[int, int]:
    """Remind every speaker of `event` who has not answered; returns (sent, skipped).

    Skips those reminded in the last hours (a second click sends nothing new)
    and, when `allowed(assignment)` is given, those it refuses (track scope).
    """
    sent = skipped = 0
    cutoff = utcnow() - REMIND_INTERVAL
    for assignment in open_assignments(event):
        if allowed is not None and not allowed(assignment):
            continue
        if assignment.reminded_at is not None and assignment.reminded_at > cutoff:
            skipped += 1
            continue
        remind(assignment, actor=actor)
        sent += 1
    return sent, skipped


def open_assignments(event: Event) -> list[SpeakerAssignment]:
    return list(db.session.scalars(
        select(SpeakerAssignment).join(AgendaSession, AgendaSession.id == SpeakerAssignment.session_id)
        .options(joinedload(SpeakerAssignment.user), joinedload(SpeakerAssignment.session),
                 joinedload(SpeakerAssignment.event))
        .where(SpeakerAssignment.event_id == event.id, SpeakerAssignment.state == A.invited)
        .order_by(SpeakerAssignment.invited_at, SpeakerAssignment.id)))


def is_overdue(assignment: SpeakerAssignment, now: datetime | None = None) -> bool:
    """Invited and unanswered for a week or more: flagged on the organiser pages."""
    now = now or utcnow()
    return assignment.state == A.invited and assignment.invited_at <= now - timedelta(days=OPEN_FLAG_DAYS)



# --- Reading ------------------------------------------------------------------------

def _with_session():
    return (joinedload(SpeakerAssignment.session).joinedload(AgendaSession.room),
            joinedload(SpeakerAssignment.session).joinedload(AgendaSession.track))


def assignments_of_session(session: AgendaSession) -> list[SpeakerAssignment]:
    return list(db.session.scalars(
        select(SpeakerAssignment).options(joinedload(SpeakerAssignment.user))
        .where(SpeakerAssignment.session_id == session.id)
        .order_by(SpeakerAssignment.position, SpeakerAssignment.id)))


def my_assignments(event: Event, user: User) -> list[SpeakerAssignment]:
    """A speaker's assignments in `event`, in time order, sessions and rooms loaded."""
    return list(db.session.scalars(
        select(SpeakerAssignment).join(AgendaSession, AgendaSession.id == SpeakerAssignment.session_id)
        .options(*_with_session())
        .where(SpeakerAssignment.event_id == event.id, SpeakerAssignment.user_id == user.id)
        .order_by(AgendaSession.starts_at, SpeakerAssignment.id)))


def co_speakers(session_ids: list[int]) -> dict[int, list[SpeakerAssignment]]:
    """Invited and confirmed speakers of each session, in order, in one query."""
    if not session_ids:
        return {}
    result: dict[int, list[SpeakerAssignment]] = defaultdict(list)
    for a in db.session.scalars(select(SpeakerAssignment).options(joinedload(SpeakerAssignment.user))
                                .where(SpeakerAssignment.session_id.in_(session_ids),
                                       SpeakerAssignment.state.in_(BUSY_STATES))
                                .order_by(SpeakerAssignment.session_id, SpeakerAssignment.position,
                                          SpeakerAssignment.id)):
        result[a.session_id].append(a)
    return dict(result)


def _sessions_titled(event: Event, search: str) -> list[int]:
    """Ids of the event's sessions whose title, in any language, contains `search`."""
    word = search.casefold()
    rows = db.session.execute(select(AgendaSession.id, AgendaSession.title).where(AgendaSession.event_id == event.id))
    return [session_id for session_id, title in rows if word in title.searchable().casefold()]


def all_assignments(event: Event, *, state: str = "", q: str = "") -> list[SpeakerAssignment]:
    """The organisers' speakers list: every assignment with person, session and room."""
    stmt = (select(SpeakerAssignment).join(AgendaSession, AgendaSession.id == SpeakerAssignment.session_id)
            .join(User, User.id == SpeakerAssignment.user_id)
            .options(joinedload(SpeakerAssignment.user), *_with_session())
            .where(SpeakerAssignment.event_id == event.id))
    if state in {s.value for s in A}:
        stmt = stmt.where(SpeakerAssignment.state == A(state))
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(User.given_name).like(like), func.lower(User.family_name).like(like),
                              func.lower(User.email).like(like), func.lower(User.organisation).like(like),
                              AgendaSession.id.in_(_sessions_titled(event, q.strip()))))
    return list(db.session.scalars(stmt.order_by(User.family_name, User.given_name, User.id,
                                                 AgendaSession.starts_at)))


def state_counts(event: Event) -> dict[A, int]:
    rows = db.session.execute(select(SpeakerAssignment.state, func.count(SpeakerAssignment.id))
                              .where(SpeakerAssignment.event_id == event.id).group_by(SpeakerAssignment.state))
    counts = {s: 0 for s in A}
    counts.update({state: n for state, n in rows})
    return counts


def counts_by_session(event: Event) -> dict[int, dict[A, int]]:
    result: dict[int, dict[A, int]] = defaultdict(lambda: {s: 0 for s in A})
    for session_id, state, n in db.session.execute(
            select(SpeakerAssignment.session_id, SpeakerAssignment.state, func.count(SpeakerAssignment.id))
            .where(SpeakerAssignment.event_id == event.id)
            .group_by(SpeakerAssignment.session_id, SpeakerAssignment.state)):
        result[session_id][state] = n
    return dict(result)


def search_people(q: str, *, limit: int = 20) -> list[User]:
    """Active accounts matching a name, email or organisation (for assigning)."""
    q = (q or "").strip().lower()
    if len(q) < 2:
        return []
    like = f"%{q}%"
    full_name = func.lower(User.given_name + " " + User.family_name)
    return list(db.session.scalars(
        select(User).where(User.active.is_(True),
                           or_(full_name.like(like), func.lower(User.email).like(like),
                               func.lower(User.organisation).like(like), func.lower(User.family_name).like(like)))
        .order_by(User.family_name, User.given_name, User.id).limit(limit)))

