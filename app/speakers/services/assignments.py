"""Speaker rules: assigning people to sessions, their answers, reminders, profiles,
proposed session texts, slides, needs and travel.

Every function takes model objects and an explicit `actor`, flushes but never
commits, writes an audit entry for each change and queues the emails it
names. A change that alters what the public agenda shows (a speaker accepts,
steps back, changes name or order) refreshes the agenda's cached pages.
"""
from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.agenda.cache import invalidate_public_cache
from app.agenda.models import AgendaSession
from app.agenda.services import markdown_problem, render_markdown, update_session
from app.audit.services import record, snapshot
from app.events.models import Event
from app.extensions import db
from app.mail.services import queue_for_user
from app.speakers import uploads
from app.speakers.models import (BUSY_STATES, STATE_LABELS, AssignmentRole, AssignmentState as A, ProposalState,
                                 SessionProposal, SlideFile, SpeakerAssignment, SpeakerProfile)
from app.utils.countries import country_name
from app.utils.tabular import Table, build_table, reader_locale
from app.utils.time import utcnow
from app.utils.urls import external_url
from app.utils.refusals import Refusal

BIO_MAX = 2000
MAX_LINKS = 3
LINK_DAYS_DEFAULT = 30
OPEN_FLAG_DAYS = 7  # an invitation unanswered this long is flagged on the organiser pages
REMIND_INTERVAL = timedelta(hours=20)  # "remind all" skips anyone reminded since

ASSIGNMENT_FIELDS = ("session_id", "user_id", "role", "position", "note", "state", "decline_reason")
PROFILE_FIELDS = ("bio", "photo_filename", "links")
TRAVEL_FIELDS = ("available_from", "available_until", "arrival_date", "departure_date", "travel_notes",
                 "visa_letter_requested", "nationality")
NEEDS_FIELDS = ("av_needs", "interpretation_needs", "slides_public")
USER_FIELDS = ("honorific", "given_name", "family_name", "position", "organisation", "country")

# Who may move an assignment from one state to another.
TRANSITIONS: dict[A, frozenset[A]] = {
    A.invited: frozenset({A.accepted, A.declined}),
    A.accepted: frozenset({A.withdrawn}),
    A.declined: frozenset(),
    A.withdrawn: frozenset(),
}


class SpeakerError(Refusal):
    """A change refused by a speaker rule; `field` names the form field it concerns."""


class IllegalTransition(SpeakerError):
    def __init__(self, current: A, wanted: A):
        super().__init__(_l("This answer is no longer possible: the invitation is %(state)s.",
                            state=str(STATE_LABELS[current]).lower()))
        self.current, self.wanted = current, wanted


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


# --- Profiles -----------------------------------------------------------------------

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
    try:
        from app.registration.services import live_registration as find
    except ModuleNotFoundError:  # pragma: no cover - registration is installed with speakers
        return None
    return find(event, user)


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
    before = snapshot(profile, TRAVEL_FIELDS)
    for key in TRAVEL_FIELDS:
        if key in data:
            setattr(profile, key, data[key])
    db.session.flush()
    record(actor=actor, action="speaker.travel.update", obj=profile, event=profile.event,
           summary=profile.user.formal_name, before=before, after=snapshot(profile, TRAVEL_FIELDS))


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
    from app.accounts.services import create_user, normalise_email

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
    before = snapshot(assignment, ASSIGNMENT_FIELDS)
    if "role" in data:
        assignment.role = AssignmentRole(data["role"])
    if "position" in data and data["position"] is not None:
        assignment.position = int(data["position"])
    if "note" in data:
        assignment.note = data["note"] or ""
    db.session.flush()
    record(actor=actor, action="speaker.assignment.update", obj=assignment, event=assignment.event,
           summary=f"{assignment.user.formal_name}: {assignment.session.title}", before=before,
           after=snapshot(assignment, ASSIGNMENT_FIELDS))
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
        path = uploads.slides_path(slide.stored_name)
        if path is not None:
            path.unlink(missing_ok=True)
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
    before = snapshot(assignment, ASSIGNMENT_FIELDS)
    assignment.state = to
    assignment.answered_at = utcnow()
    assignment.link_nonce = None
    if to in (A.declined, A.withdrawn):
        assignment.decline_reason = (reason or "").strip()[:500]
    db.session.flush()
    record(actor=actor, action=f"speaker.{to.value}", obj=assignment, event=assignment.event,
           summary=f"{assignment.user.formal_name}: {assignment.session.title}", before=before,
           after=snapshot(assignment, ASSIGNMENT_FIELDS))
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
    """Give an account created by a speaker invitation its password; the link proved the address."""
    from app.accounts.passwords import hash_password

    user.password_hash = hash_password(password)
    user.email_verified_at = user.email_verified_at or utcnow()
    user.rotate_session_token()
    record(actor=user, action="speaker.account.activate", obj=user, summary=user.email)


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


# --- Needs, proposals and slides ----------------------------------------------------

def update_needs(assignment: SpeakerAssignment, data: dict, *, actor) -> None:
    """AV and interpretation needs, and whether delegates may download the slides; audited."""
    before = snapshot(assignment, NEEDS_FIELDS)
    for key in NEEDS_FIELDS:
        if key in data:
            setattr(assignment, key, data[key])
    db.session.flush()
    record(actor=actor, action="speaker.needs.update", obj=assignment, event=assignment.event,
           summary=f"{assignment.user.formal_name}: {assignment.session.title}", before=before,
           after=snapshot(assignment, NEEDS_FIELDS))


def _refuse_if_off(assignment: SpeakerAssignment) -> None:
    if assignment.state not in BUSY_STATES:
        raise SpeakerError(_l("You no longer speak in this session."))


def propose_change(assignment: SpeakerAssignment, *, title: str, abstract: str, actor) -> SessionProposal:
    """A speaker proposes a new title and abstract; the programme team decides.

    A newer proposal from the same speaker replaces their pending one. The
    session (and so the public agenda) keeps its text until approval. Audited.
    """
    _refuse_if_off(assignment)
    title = (title or "").strip()
    if not title:
        raise SpeakerError(_l("Enter a title."), "title")
    if markdown_problem(abstract or ""):
        raise SpeakerError(_l("Scripts and script links are not allowed in the abstract."), "abstract")
    proposal = db.session.scalar(select(SessionProposal).where(
        SessionProposal.session_id == assignment.session_id, SessionProposal.author_id == assignment.user_id,
        SessionProposal.state == ProposalState.pending))
    if proposal is None:
        proposal = SessionProposal(event_id=assignment.event_id, session_id=assignment.session_id,
                                   author_id=assignment.user_id)
        db.session.add(proposal)
    proposal.title, proposal.abstract = title, abstract or ""
    proposal.created_at = utcnow()
    db.session.flush()
    record(actor=actor, action="speaker.proposal.create", obj=proposal, event=assignment.event,
           summary=assignment.session.title, after={"title": title, "abstract": abstract or ""})
    return proposal


def decide_proposal(proposal: SessionProposal, *, approve: bool, actor, note: str = "") -> None:
    """Approve (the session takes the proposed title and abstract, seen publicly at the
    next publication) or reject a pending proposal; audited; the author is emailed.

    Raises SpeakerError if it was already decided, AgendaError if the agenda refuses the text.
    """
    if proposal.state != ProposalState.pending:
        raise SpeakerError(_l("This proposal was already decided."))
    if approve:
        update_session(proposal.session, {"title": proposal.title, "abstract": proposal.abstract}, actor=actor)
    proposal.state = ProposalState.approved if approve else ProposalState.rejected
    proposal.decided_by_id = getattr(actor, "id", None)
    proposal.decided_at = utcnow()
    proposal.decision_note = (note or "").strip()[:500]
    db.session.flush()
    record(actor=actor, action=f"speaker.proposal.{proposal.state.value}", obj=proposal, event=proposal.event,
           summary=proposal.session.title, after={"state": proposal.state.value, "note": proposal.decision_note})
    if proposal.author is not None:
        queue_for_user(proposal.author, "speaker_proposal_decided", event=proposal.event, proposal=proposal,
                       session=proposal.session, portal_url=external_url("speakers.portal",
                                                                         slug=proposal.event.slug))


def add_slides(assignment: SpeakerAssignment, checked: uploads.CheckedSlides, original_name: str | None, *,
               actor) -> SlideFile:
    """Keep a checked upload as the next version of the speaker's slides; audited.

    Earlier versions stay. The file is moved under its generated name.
    """
    _refuse_if_off(assignment)
    version = (db.session.scalar(select(func.max(SlideFile.version))
                                 .where(SlideFile.assignment_id == assignment.id)) or 0) + 1
    stored = uploads.store_slides(checked)
    slide = SlideFile(event_id=assignment.event_id, assignment_id=assignment.id, version=version,
                      uploaded_by_id=getattr(actor, "id", None),
                      original_name=uploads.clean_filename(original_name, checked.kind), stored_name=stored,
                      kind=checked.kind, size=checked.size, sha256=checked.sha256)
    db.session.add(slide)
    db.session.flush()
    record(actor=actor, action="speaker.slides.upload", obj=slide, event=assignment.event,
           summary=f"{slide.original_name} v{version} ({assignment.session.title})")
    return slide


def slides_by_assignment(assignment_ids: list[int]) -> dict[int, list[SlideFile]]:
    """Every version per assignment, newest first, in one query."""
    if not assignment_ids:
        return {}
    result: dict[int, list[SlideFile]] = defaultdict(list)
    for slide in db.session.scalars(select(SlideFile).where(SlideFile.assignment_id.in_(assignment_ids))
                                    .order_by(SlideFile.assignment_id, SlideFile.version.desc())):
        result[slide.assignment_id].append(slide)
    return dict(result)


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
                              func.lower(AgendaSession.title).like(like)))
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


def profiles_by_user(event: Event, user_ids) -> dict[int, SpeakerProfile]:
    ids = list(set(user_ids))
    if not ids:
        return {}
    return {p.user_id: p for p in db.session.scalars(select(SpeakerProfile).where(
        SpeakerProfile.event_id == event.id, SpeakerProfile.user_id.in_(ids)))}


def pending_proposals(event: Event) -> list[SessionProposal]:
    return list(db.session.scalars(
        select(SessionProposal).options(joinedload(SessionProposal.session), joinedload(SessionProposal.author))
        .where(SessionProposal.event_id == event.id, SessionProposal.state == ProposalState.pending)
        .order_by(SessionProposal.created_at, SessionProposal.id)))


def proposals_of_session(session: AgendaSession) -> list[SessionProposal]:
    return list(db.session.scalars(
        select(SessionProposal).options(joinedload(SessionProposal.author))
        .where(SessionProposal.session_id == session.id).order_by(SessionProposal.id.desc())))


def proposals_by_session(session_ids: list[int], author: User) -> dict[int, SessionProposal]:
    """The latest proposal of `author` per session."""
    if not session_ids:
        return {}
    result = {}
    for p in db.session.scalars(select(SessionProposal).where(SessionProposal.session_id.in_(session_ids),
                                                              SessionProposal.author_id == author.id)
                                .order_by(SessionProposal.id)):
        result[p.session_id] = p
    return result


# --- Public directory ----------------------------------------------------------------

@dataclass
class DirectoryEntry:
    user: User
    profile: SpeakerProfile | None
    sessions: list = field(default_factory=list)  # PublicSession, with the speaker's role label
    roles: dict = field(default_factory=dict)      # session id -> role label

    @property
    def sort_key(self):
        return ((self.user.family_name or self.user.email).casefold(), (self.user.given_name or "").casefold(),
                self.user.id)


def directory(event: Event, agenda) -> list[DirectoryEntry]:
    """Confirmed speakers of the sessions in `agenda` (a PublicAgenda the viewer may see),
    with their accounts and profiles: one query whatever the number of speakers."""
    sessions_of: dict[int, list] = defaultdict(list)
    roles: dict[int, dict] = defaultdict(dict)
    for s in agenda.sessions:
        for p in s.speakers:
            sessions_of[p.id].append(s)
            roles[p.id][s.id] = p.role_label
    if not sessions_of:
        return []
    rows = db.session.execute(
        select(User, SpeakerProfile).outerjoin(SpeakerProfile, (SpeakerProfile.user_id == User.id)
                                               & (SpeakerProfile.event_id == event.id))
        .where(User.id.in_(list(sessions_of))))
    entries = [DirectoryEntry(user=user, profile=profile, sessions=sessions_of[user.id], roles=roles[user.id])
               for user, profile in rows]
    entries.sort(key=lambda e: e.sort_key)
    return entries


# --- Export --------------------------------------------------------------------------

# Column titles of the export, in the reader's language; the same words as the
# organisers' speaker pages where there are some.
EXPORT_COLUMNS = {
    "speaker": _l("Speaker"),
    "email": _l("Email"),
    "organisation": _l("Organisation"),
    "position": _l("Position"),
    "country": _l("Country code"),
    "country_name": _l("Country"),
    "session": _l("Session"),
    "starts": _l("Starts (event time)"),
    "ends": _l("Ends (event time)"),
    "room": _l("Room"),
    "role": _l("Role"),
    "state": _l("State"),
    "decline_reason": _l("Reason for declining"),
    "invited_at": _l("Invitation sent (event time)"),
    "answered_at": _l("Answered (event time)"),
    "av_needs": _l("Audio-visual needs"),
    "interpretation_needs": _l("Interpretation needs"),
    "slides_versions": _l("Slide versions"),
    "available_from": _l("Available from"),
    "available_until": _l("Available until"),
    "arrival_date": _l("Arrival date"),
    "departure_date": _l("Departure date"),
    "visa_letter_requested": _l("Visa support letter"),
    "visa_data_from_registration": _l("Passport details in the delegate registration"),
    "travel_notes": _l("Other travel needs"),
}


def export_table(event: Event) -> Table:
    """One row per assignment for CSV/XLSX: titles, roles and answers in the
    reader's language, country names next to the codes, times in the event's zone;
    a fixed number of queries."""
    assignments = all_assignments(event)
    profiles = profiles_by_user(event, [a.user_id for a in assignments])
    slide_counts = dict(db.session.execute(
        select(SlideFile.assignment_id, func.count(SlideFile.id)).where(SlideFile.event_id == event.id)
        .group_by(SlideFile.assignment_id)).all())
    visa = _registration_visa_flags(event, [a.user_id for a in assignments])
    locale = reader_locale()
    rows = []
    for a in assignments:
        p = profiles.get(a.user_id)
        s = a.session
        rows.append([a.user.formal_name, a.user.email, a.user.organisation, a.user.position, a.user.country,
                     country_name(a.user.country, locale), s.title, s.starts_at, s.ends_at,
                     s.room.name if s.room else "", a.role_label, a.state_label, a.decline_reason, a.invited_at, a.answered_at, a.av_needs, a.interpretation_needs,
                     slide_counts.get(a.id, 0), p.available_from if p else None, p.available_until if p else None,
                     p.arrival_date if p else None, p.departure_date if p else None,
                     bool(p and p.visa_letter_requested), visa.get(a.user_id, False),
                     p.travel_notes if p else ""])
    return build_table(list(EXPORT_COLUMNS.items()), rows, zone=event.timezone)


def _registration_visa_flags(event: Event, user_ids: list[int]) -> dict[int, bool]:
    try:
        from app.registration.models import Registration, RegistrationState
    except ModuleNotFoundError:  # pragma: no cover
        return {}
    ids = list(set(user_ids))
    if not ids:
        return {}
    rows = db.session.execute(select(Registration.user_id, Registration.passport_number,
                                     Registration.visa_letter_needed)
                              .where(Registration.event_id == event.id, Registration.user_id.in_(ids),
                                     Registration.state != RegistrationState.cancelled))
    return {uid: bool(passport or needed) for uid, passport, needed in rows}


def record_export(event: Event, fmt: str, count: int, *, actor) -> None:
    """Exports carry personal data: who took which one is audited."""
    record(actor=actor, action="speaker.export", obj=event, event=event, summary=f"{fmt}: {count} rows")


def local_day(value: datetime, event: Event) -> date:
    from app.utils.time import to_zone

    return to_zone(value, event.timezone).date()
