"""The personal agenda: stars, session sign-up with its waitlist, the private
calendar feed, and telling followers what a publication changed.

Every function takes model objects and an explicit `actor`, flushes but never
commits, and queues emails through the outbox.

Sign-up places: every change to who holds a place in a session first takes
that session's lock (`lock_session`), the same way registration locks its
places, so concurrent sign-ups never confirm more people than the session
holds; whoever comes later joins the waitlist and is promoted, first come
first served, when a place frees.
"""
from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from hashlib import sha256

from flask import current_app
from flask_babel import lazy_gettext as _l
from icalendar import Event as ICalEvent
from sqlalchemy import bindparam, func, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.agenda.models import AgendaSession
from app.agenda.services import current_publication, public_agenda
from app.audit.services import record
from app.extensions import db
from app.mail.services import queue_for_user
from app.personal.models import AgendaFeed, AgendaStar, SessionPlaces, SessionSignup, SignupState, new_feed_key
from app.registration.models import Registration, RegistrationState as RS
from app.utils.locks import serialising
from app.utils.refusals import Refusal
from app.utils.time import utcnow
from app.utils.urls import external_url


class AgendaRefusal(Refusal):
    """A refusal of a star or a sign-up the delegate can read (translated when shown)."""


# --- The personal agenda -----------------------------------------------------------

def delegate_registration(event, user) -> Registration | None:
    """The user's approved registration for `event`: the key to the personal agenda."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Registration).options(joinedload(Registration.category)).where(
        Registration.event_id == event.id, Registration.user_id == user.id, Registration.state == RS.approved))


def delegate_agenda(event, registration: Registration):
    """The published sessions this delegate may see (restricted ones only for their category)."""
    publication = current_publication(event)
    if publication is None:
        return None
    return public_agenda(publication, categories=frozenset({registration.category_id}))


def starred_ids(event, user) -> set[int]:
    return set(db.session.scalars(select(AgendaStar.session_id).where(AgendaStar.event_id == event.id,
                                                                      AgendaStar.user_id == user.id)))


def signups_of(event, user) -> dict[int, SessionSignup]:
    return {s.session_id: s for s in db.session.scalars(select(SessionSignup).where(
        SessionSignup.event_id == event.id, SessionSignup.user_id == user.id,
        SessionSignup.state != SignupState.cancelled))}


# Asked by every overlay of the shared pages: built once, run with the event's and user's ids.
_MARKS = (select(AgendaStar.session_id, literal(True)).where(AgendaStar.event_id == bindparam("event_id"),
                                                              AgendaStar.user_id == bindparam("user_id"))
          .union_all(select(SessionSignup.session_id, literal(False)).where(
              SessionSignup.event_id == bindparam("event_id"), SessionSignup.user_id == bindparam("user_id"),
              SessionSignup.state != SignupState.cancelled)))


def marks_of(event, user) -> tuple[set[int], set[int]]:
    """(starred session ids, ids of sessions signed up for and not cancelled), in one query."""
    rows = db.session.execute(_MARKS, {"event_id": event.id, "user_id": user.id}).all()
    return ({session_id for session_id, starred in rows if starred},
            {session_id for session_id, starred in rows if not starred})


def _visible_session(agenda, session_id: int):
    session = agenda.session(session_id) if agenda is not None else None
    if session is None:
        raise AgendaRefusal(_l("This session is not in the agenda you can see."))
    return session


def star(event, user, agenda, session_id: int) -> bool:
    """Put a session the delegate can see into their agenda; True if it was new."""
    _visible_session(agenda, session_id)
    if session_id in starred_ids(event, user):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(AgendaStar(event_id=event.id, user_id=user.id, session_id=session_id))
    except IntegrityError:
        return False  # a second click got there first
    return True


def unstar(event, user, session_id: int) -> None:
    """Take a session out of the agenda (a sign-up, if any, stays until withdrawn)."""
    for row in db.session.scalars(select(AgendaStar).where(AgendaStar.user_id == user.id,
                                                           AgendaStar.session_id == session_id)):
        db.session.delete(row)
    db.session.flush()


@serialising("signups")
def lock_session(session_id: int) -> None:
    """Serialise every change to who holds a place in one session until the transaction ends.

    PostgreSQL: SELECT ... FOR UPDATE on the session's row in `session_places`.
    SQLite: a write to that row; SQLite allows one writer at a time, so the write
    holds every other writer back until this transaction ends.
    """
    if db.session.get(SessionPlaces, session_id) is None:
        try:
            with db.session.begin_nested():
                db.session.add(SessionPlaces(session_id=session_id, lock_version=0))
        except IntegrityError:
            pass  # created by a concurrent first sign-up
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(SessionPlaces.session_id).where(SessionPlaces.session_id == session_id)
                           .with_for_update())
    else:
        db.session.execute(update(SessionPlaces).where(SessionPlaces.session_id == session_id)
                           .values(lock_version=SessionPlaces.lock_version + 1)
                           .execution_options(synchronize_session=False))


def places_taken(session_id: int) -> int:
    return db.session.scalar(select(func.count(SessionSignup.id)).where(
        SessionSignup.session_id == session_id, SessionSignup.state == SignupState.confirmed)) or 0


def waitlist_length(session_id: int) -> int:
    return db.session.scalar(select(func.count(SessionSignup.id)).where(
        SessionSignup.session_id == session_id, SessionSignup.state == SignupState.waitlisted)) or 0


def sign_up_for_workshop(event, user, agenda, session_id: int, *, actor) -> SessionSignup:
    """Take a place in a session that needs sign-up, or join its waitlist when it is full.

    The session also goes into the delegate's agenda. Raises AgendaRefusal for a
    session the delegate cannot see or that needs no sign-up, or a second sign-up.
    """
    session = _visible_session(agenda, session_id)
    if not session.signup_required:
        raise AgendaRefusal(_l("This session needs no sign-up: add it to your agenda instead."))
    lock_session(session_id)
    existing = db.session.scalar(select(SessionSignup).where(
        SessionSignup.session_id == session_id, SessionSignup.user_id == user.id,
        SessionSignup.state != SignupState.cancelled))
    if existing is not None:
        raise AgendaRefusal(_l("You are already signed up for this session."))
    now = utcnow()
    full = session.capacity is not None and places_taken(session_id) >= session.capacity
    signup = SessionSignup(event_id=event.id, session_id=session_id, user_id=user.id,
                           state=SignupState.waitlisted if full else SignupState.confirmed,
                           waitlisted_at=now if full else None, confirmed_at=None if full else now)
    db.session.add(signup)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise AgendaRefusal(_l("You are already signed up for this session.")) from exc
    star(event, user, agenda, session_id)
    record(actor=actor, action=f"signup.{signup.state.value}", obj=signup, event=event, summary=session.title)
    return signup


def withdraw(event, user, session_id: int, *, actor, agenda=None) -> list[SessionSignup]:
    """Give up a place (or a place in the queue); a freed place goes to the first in the
    waitlist, who is emailed. Returns the sign-ups promoted."""
    lock_session(session_id)
    signup = db.session.scalar(select(SessionSignup).where(
        SessionSignup.session_id == session_id, SessionSignup.user_id == user.id,
        SessionSignup.state != SignupState.cancelled))
    if signup is None:
        raise AgendaRefusal(_l("You are not signed up for this session."))
    was_confirmed = signup.state == SignupState.confirmed
    signup.state = SignupState.cancelled
    signup.cancelled_at = utcnow()
    db.session.flush()
    record(actor=actor, action="signup.cancelled", obj=signup, event=event, summary=str(session_id))
    if not was_confirmed:
        return []
    return fill_places(event, session_id, capacity=_capacity(event, session_id, agenda), actor=actor)


def _capacity(event, session_id: int, agenda=None) -> int | None:
    if agenda is None:
        publication = current_publication(event)
        sessions = (publication.snapshot or {}).get("sessions", []) if publication else []
        entry = next((s for s in sessions if s["id"] == session_id), None)
        return entry.get("capacity") if entry else 0
    session = agenda.session(session_id)
    return session.capacity if session is not None else 0


def fill_places(event, session_id: int, *, capacity: int | None, actor) -> list[SessionSignup]:
    """Promote waitlisted sign-ups, first come first served, while places are free.
    Only delegates whose registration is still approved are promoted: one who
    cancelled (or is back in review) waits without taking the place.
    The caller holds the session lock. Each promoted delegate is emailed."""
    still_approved = select(Registration.id).where(
        Registration.event_id == SessionSignup.event_id, Registration.user_id == SessionSignup.user_id,
        Registration.state == RS.approved).exists()
    waiting = list(db.session.scalars(select(SessionSignup).options(joinedload(SessionSignup.user)).where(
        SessionSignup.session_id == session_id, SessionSignup.state == SignupState.waitlisted, still_approved)
        .order_by(SessionSignup.waitlisted_at, SessionSignup.id)))
    promoted = []
    taken = places_taken(session_id)
    title = _session_title(event, session_id)
    for signup in waiting:
        if capacity is not None and taken >= capacity:
            break
        signup.state = SignupState.confirmed
        signup.confirmed_at = utcnow()
        taken += 1
        promoted.append(signup)
        record(actor=actor, action="signup.promoted", obj=signup, event=event, summary=title)
        queue_for_user(signup.user, "signup_promoted", event=event, session_title=title,
                       agenda_url=external_url("personal.my_agenda", slug=event.slug))
    db.session.flush()
    return promoted


def _session_title(event, session_id: int) -> str:
    return db.session.scalar(select(AgendaSession.title).where(AgendaSession.id == session_id)) or ""


def overlaps(sessions) -> list[tuple]:
    """Pairs of sessions in a personal agenda that run at the same time."""
    ordered = sorted(sessions, key=lambda s: (s.starts_at, s.id))
    found = []
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.starts_at >= a.ends_at:
                break
            found.append((a, b))
    return found


# --- The private calendar feed -----------------------------------------------------

def _feed_secret(key: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"agenda-feed:{key}".encode(), sha256).hexdigest()[:32]


def feed_of(event, user, *, create: bool = True) -> AgendaFeed | None:
    feed = db.session.scalar(select(AgendaFeed).where(AgendaFeed.event_id == event.id, AgendaFeed.user_id == user.id))
    if feed is None and create:
        feed = AgendaFeed(event_id=event.id, user_id=user.id, key=new_feed_key())
        db.session.add(feed)
        db.session.flush()
    return feed


def feed_token(feed: AgendaFeed) -> str:
    return f"{feed.key}.{_feed_secret(feed.key)}"


def feed_from_token(event, token: str) -> AgendaFeed | None:
    key, _, secret = (token or "").partition(".")
    if not key or not secret or not hmac.compare_digest(secret, _feed_secret(key)):
        return None
    feed = db.session.scalar(select(AgendaFeed).options(joinedload(AgendaFeed.user)).where(AgendaFeed.key == key))
    if feed is None or feed.event_id != event.id:
        return None
    return feed


def reset_feed(event, user, *, actor) -> AgendaFeed:
    """A new secret address for the calendar feed; the old one stops working."""
    feed = feed_of(event, user)
    feed.key = new_feed_key()
    feed.created_at = utcnow()
    db.session.flush()
    record(actor=actor, action="agenda_feed.reset", obj=feed, event=event, summary=user.email)
    return feed


def personal_sessions(event, user, agenda) -> list:
    """The delegate's agenda: starred sessions and live sign-ups, in time order."""
    if agenda is None:
        return []
    chosen = starred_ids(event, user) | set(signups_of(event, user))
    return [s for s in agenda.sessions if s.id in chosen]


def personal_cancelled(event, user, agenda) -> list:
    """Sessions of the delegate's agenda recently taken off the published agenda (their
    stars outlive them), for the feed to mark cancelled in the delegate's calendar."""
    if agenda is None or not agenda.cancelled:
        return []
    chosen = starred_ids(event, user) | set(signups_of(event, user))
    return [s for s in agenda.cancelled if s.id in chosen]


def feed_body_etag(body: bytes) -> str:
    """The ETag of a personal feed's body (each language's body has its own)."""
    return hashlib.sha256(body).hexdigest()[:32]


def note_feed_body(feed: AgendaFeed, body: bytes) -> str:
    """The ETag of `body`; when it differs from the last one served, the feed counts as
    changed now (its Last-Modified). Flushes only then."""
    etag = feed_body_etag(body)
    if feed.body_etag != etag:
        feed.body_etag, feed.changed_at = etag, utcnow()
        db.session.flush()
    return etag


def bilateral_vevents(event, entries) -> list[bytes]:
    """One VEVENT per bilateral meeting of the personal feed (SEQUENCE raised on each change;
    a meeting called off is marked cancelled). Only the two delegations and the room are
    written: never the confidential topic."""
    events = []
    for entry in entries:
        vevent = ICalEvent()
        vevent.add("uid", f"{entry.uid}@kurultai")
        vevent.add("dtstamp", entry.starts_at)
        vevent.add("dtstart", entry.starts_at)
        vevent.add("dtend", entry.ends_at)
        vevent.add("summary", entry.title)
        vevent.add("location", entry.room)
        vevent.add("sequence", entry.sequence)
        vevent.add("class", "CONFIDENTIAL")
        vevent.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
        events.append(vevent.to_ical())
    return events


# --- Telling followers when a published session moves or is cancelled --------------

FOLLOWED_KINDS = ("moved", "removed")


def followers(session_ids: list[int]) -> dict[int, set[int]]:
    """{user id: {session ids}} of the people who starred or signed up for these sessions."""
    result: dict[int, set[int]] = defaultdict(set)
    if not session_ids:
        return result
    for user_id, session_id in db.session.execute(select(AgendaStar.user_id, AgendaStar.session_id)
                                                  .where(AgendaStar.session_id.in_(session_ids))):
        result[user_id].add(session_id)
    for user_id, session_id in db.session.execute(select(SessionSignup.user_id, SessionSignup.session_id).where(
            SessionSignup.session_id.in_(session_ids), SessionSignup.state != SignupState.cancelled)):
        result[user_id].add(session_id)
    return result


def tell_followers(publication, *, previous=None, **_kwargs) -> int:
    """After a publication, email each person whose agenda holds a session that moved
    or was cancelled, one email listing their changes. Returns the emails queued."""
    if previous is None:
        return 0
    changes = [c for c in (publication.changes or []) if c["kind"] in FOLLOWED_KINDS]
    if not changes:
        return 0
    by_session = {c["session_id"]: c for c in changes}
    people = followers(list(by_session))
    if not people:
        return 0
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(people))))}
    event = publication.event
    sent = 0
    for user_id in sorted(people):
        user = users.get(user_id)
        if user is None or not user.is_active:
            continue
        mine = sorted((by_session[sid] for sid in people[user_id]), key=lambda c: (c["at"], c["session_id"]))
        queue_for_user(user, "agenda_changes", event=event, changes=mine,
                       agenda_url=external_url("personal.my_agenda", slug=event.slug))
        sent += 1
    return sent


def promote_after_publication(publication, *, actor=None, **_kwargs) -> list[SessionSignup]:
    """After a publication, give waiting delegates the places it adds: a workshop whose
    capacity was raised, or that no longer needs sign-up, or no longer has a limit.
    Returns the sign-ups promoted (each delegate is emailed)."""
    waiting = list(db.session.scalars(select(SessionSignup.session_id).where(
        SessionSignup.event_id == publication.event_id, SessionSignup.state == SignupState.waitlisted)
        .distinct()))
    if not waiting:
        return []
    published = {s["id"]: s for s in (publication.snapshot or {}).get("sessions", [])}
    promoted = []
    for session_id in sorted(waiting):
        entry = published.get(session_id)
        if entry is None:
            continue  # no longer in the agenda: the cancellation email tells them
        capacity = entry.get("capacity") if entry.get("signup_required") else None
        if capacity is not None and places_taken(session_id) >= capacity:
            continue
        lock_session(session_id)
        promoted += fill_places(publication.event, session_id, capacity=capacity, actor=actor)
    return promoted



def places_by_session(agenda) -> dict[int, tuple[int, int]]:
    """{session id: (places taken, waiting)} for the sessions with sign-up, in two grouped queries."""
    if agenda is None:
        return {}
    ids = [s.id for s in agenda.sessions if s.signup_required]
    if not ids:
        return {}
    rows = db.session.execute(select(SessionSignup.session_id, SessionSignup.state, func.count(SessionSignup.id))
                              .where(SessionSignup.session_id.in_(ids), SessionSignup.state != SignupState.cancelled)
                              .group_by(SessionSignup.session_id, SessionSignup.state)).all()
    result = {sid: [0, 0] for sid in ids}
    for sid, state, n in rows:
        result[sid][0 if state == SignupState.confirmed else 1] = n
    return {k: tuple(v) for k, v in result.items()}


def signup_state(session_id: int, user_id: int) -> SignupState | None:
    """The state of the user's live sign-up for a session (None without one): the desk's door check."""
    return db.session.scalar(select(SessionSignup.state).where(
        SessionSignup.session_id == session_id, SessionSignup.user_id == user_id,
        SessionSignup.state != SignupState.cancelled))
