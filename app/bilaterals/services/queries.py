"""Reading bilaterals: who sees which, protocol's lists, counts for dashboards, the
personal agenda's entries and the usher's view of today."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.agenda import cache as agenda_cache
from app.agenda.providers import AnnouncedMeeting
from app.bilaterals.models import HOLDING, Bilateral, BilateralAttendee, BilateralDeputy, BilateralRoom, \
    BilateralState
from app.extensions import db
from app.registration.models import Delegation
from app.utils.time import local_to_utc


def _loaded():
    return (joinedload(Bilateral.requester), joinedload(Bilateral.counterpart),
            joinedload(Bilateral.room).joinedload(BilateralRoom.room),
            selectinload(Bilateral.attendees).joinedload(BilateralAttendee.user),
            selectinload(Bilateral.interpreters))


def _seen_by(user):
    """Bilaterals `user` attends, or of a delegation they head or deputise for."""
    led = select(Delegation.id).where(Delegation.head_user_id == user.id)
    deputised = select(BilateralDeputy.delegation_id).where(BilateralDeputy.user_id == user.id)
    attending = select(BilateralAttendee.bilateral_id).where(BilateralAttendee.user_id == user.id)
    return or_(Bilateral.requester_id.in_(led), Bilateral.counterpart_id.in_(led),
               Bilateral.requester_id.in_(deputised), Bilateral.counterpart_id.in_(deputised),
               Bilateral.id.in_(attending))


def visible_to(event, user) -> list[Bilateral]:
    """The delegate's own list: what they attend or act for, newest first."""
    return list(db.session.scalars(select(Bilateral).options(*_loaded()).where(
        Bilateral.event_id == event.id, _seen_by(user)).order_by(Bilateral.created_at.desc(), Bilateral.id.desc())))


def all_of(event, *, state: str = "") -> list[Bilateral]:
    stmt = select(Bilateral).options(*_loaded()).where(Bilateral.event_id == event.id)
    if state in BilateralState.__members__:
        stmt = stmt.where(Bilateral.state == BilateralState(state))
    return list(db.session.scalars(stmt.order_by(Bilateral.starts_at.is_(None), Bilateral.starts_at, Bilateral.id)))


def in_event(event, values) -> Bilateral | None:
    """A loader for `requires`: the bilateral named by `bilateral_id`, if of this event."""
    bilateral = db.session.get(Bilateral, values.get("bilateral_id"))
    return bilateral if bilateral is not None and bilateral.event_id == event.id else None


in_event.consumes = ("bilateral_id",)


def bilateral_counts(event) -> dict[BilateralState, int]:
    """{state: number of requests}, every state present (for the organiser dashboard)."""
    counts = dict.fromkeys(BilateralState, 0)
    for state, n in db.session.execute(select(Bilateral.state, func.count(Bilateral.id)).where(
            Bilateral.event_id == event.id).group_by(Bilateral.state)).all():
        counts[state] = n
    return counts


@dataclass(frozen=True)
class PersonalEntry:
    """A confirmed bilateral as a participant's agenda and calendar show it."""
    uid: str
    title: str
    starts_at: datetime
    ends_at: datetime
    room: str
    sequence: int
    cancelled: bool = False


def _title(bilateral: Bilateral) -> str:
    return f"{bilateral.requester.name} – {bilateral.counterpart.name}"


def personal_entries(event, user) -> list[PersonalEntry]:
    """The user's confirmed bilaterals (and those called off after being confirmed, marked
    cancelled so calendars strike them out), in time order."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    attending = select(BilateralAttendee.bilateral_id).where(BilateralAttendee.user_id == user.id)
    rows = db.session.scalars(select(Bilateral).options(*_loaded()).where(
        Bilateral.event_id == event.id, Bilateral.id.in_(attending), Bilateral.starts_at.is_not(None),
        Bilateral.state.in_((BilateralState.confirmed, BilateralState.withdrawn, BilateralState.cancelled,
                             BilateralState.bumped)), Bilateral.sequence > 0).order_by(Bilateral.starts_at))
    return [PersonalEntry(uid=f"bilateral-{b.uid}", title=_title(b), starts_at=b.starts_at, ends_at=b.ends_at,
                          room=b.room.room.name if b.room else "", sequence=b.sequence,
                          cancelled=b.state != BilateralState.confirmed)
            for b in rows]


def day_bounds(event, day: date) -> tuple[datetime, datetime]:
    return (local_to_utc(day, datetime.min.time(), event.timezone),
            local_to_utc(day + timedelta(days=1), datetime.min.time(), event.timezone))


def booked_on(event, day: date, *, room: BilateralRoom | None = None) -> list[Bilateral]:
    """The confirmed bilaterals of a day (in one room, or all), in time order."""
    start, end = day_bounds(event, day)
    stmt = select(Bilateral).options(*_loaded()).where(
        Bilateral.event_id == event.id, Bilateral.state == BilateralState.confirmed,
        Bilateral.starts_at >= start, Bilateral.starts_at < end)
    if room is not None:
        stmt = stmt.where(Bilateral.room_id == room.id)
    return list(db.session.scalars(stmt.order_by(Bilateral.starts_at, Bilateral.id)))


def programme_of(delegation: Delegation) -> list[Bilateral]:
    """A delegation's meetings that hold time, in time order (the head's programme)."""
    return list(db.session.scalars(select(Bilateral).options(*_loaded()).where(
        or_(Bilateral.requester_id == delegation.id, Bilateral.counterpart_id == delegation.id),
        Bilateral.state.in_(HOLDING)).order_by(Bilateral.starts_at)))


def shown_publicly(bilateral: Bilateral) -> bool:
    """Only a confirmed meeting both sides agreed to announce shows, as "Meeting: A – B"."""
    return bilateral.state == BilateralState.confirmed and bilateral.announced


def announced(event) -> list[AnnouncedMeeting]:
    """The public agenda's bilateral meetings: names of the two delegations and the time, nothing else."""
    rows = db.session.scalars(select(Bilateral).options(joinedload(Bilateral.requester),
                                                        joinedload(Bilateral.counterpart)).where(
        Bilateral.event_id == event.id, Bilateral.state == BilateralState.confirmed,
        Bilateral.announce_requester.is_(True), Bilateral.announce_counterpart.is_(True))
        .order_by(Bilateral.starts_at))
    return [AnnouncedMeeting(b.starts_at, b.ends_at, _title(b)) for b in rows]


def refresh_public_agenda(bilateral: Bilateral, was_shown: bool) -> None:
    """The public agenda pages are stored whole: render them again when what they show changes."""
    if was_shown or shown_publicly(bilateral):
        agenda_cache.invalidate_public_cache(bilateral.event)
