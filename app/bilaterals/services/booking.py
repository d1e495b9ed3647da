"""Protocol's side: confirm a room, move, cancel, assign interpreters, and bump
bilaterals that an agenda change overruns (official sessions take priority).

Races: every booking first takes the lock rows of its room, its attendees and its
interpreters (`lock_keys`, in key order so two bookings never wait for each other
in a circle), then checks the calendar again and writes. Two confirmations of the
same room and time are thus serialised: the second sees the first and is refused.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from app.audit.services import record
from app.bilaterals.models import HOLDING, Bilateral, BilateralLock, BilateralRoom, BilateralState as S, \
    InterpreterAssignment
from app.bilaterals.services import slots
from app.bilaterals.services.people import BilateralRefusal, tell
from app.bilaterals.services.queries import refresh_public_agenda, shown_publicly
from app.bilaterals.services.requests import people_of, suggestions
from app.events.services import interpreters as event_interpreters
from app.extensions import db
from app.utils.locks import serialising
from app.utils.time import as_utc, to_zone


@serialising("bilaterals")
def lock_keys(keys: list[str]) -> None:
    """Hold the lock rows named by `keys` until the transaction ends.

    PostgreSQL: SELECT ... FOR UPDATE on each row. SQLite: a write to each row
    (SQLite allows one writer at a time, which holds every other writer back)."""
    for key in sorted(set(keys)):
        if db.session.get(BilateralLock, key) is None:
            try:
                with db.session.begin_nested():
                    db.session.add(BilateralLock(key=key, version=0))
            except IntegrityError:
                pass  # made by a concurrent first booking
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(select(BilateralLock.key).where(BilateralLock.key == key).with_for_update())
        else:
            db.session.execute(update(BilateralLock).where(BilateralLock.key == key)
                               .values(version=BilateralLock.version + 1)
                               .execution_options(synchronize_session=False))


def _keys(bilateral: Bilateral, room: BilateralRoom | None, extra_users=()) -> list[str]:
    keys = [f"user:{a.user_id}" for a in bilateral.attendees]
    keys += [f"user:{i.user_id}" for i in bilateral.interpreters]
    keys += [f"user:{u}" for u in extra_users]
    keys += [f"delegation:{bilateral.requester_id}", f"delegation:{bilateral.counterpart_id}"]
    if room is not None:
        keys.append(f"room:{room.id}")
    return keys


def problems(calendar: slots.Calendar, bilateral: Bilateral, starts_at: datetime, ends_at: datetime,
             room: BilateralRoom | None) -> list[str]:
    """What stops this meeting at this time in this room (empty: nothing)."""
    found = []
    rules = calendar.rules
    s, e = as_utc(starts_at).timestamp(), as_utc(ends_at).timestamp()
    if (e - s) / 60 > rules.longest_minutes:
        found.append(_l("A bilateral lasts at most %(n)d minutes.", n=rules.longest_minutes))
    day = to_zone(starts_at, calendar.event.timezone).date()
    hours = slots.opening_hours(rules, day, calendar.event.timezone)
    if hours is None or not (hours[0] <= as_utc(starts_at) and as_utc(ends_at) <= hours[1]):
        found.append(_l("Bilaterals are held within the opening hours of the day."))
    for side in (bilateral.requester_id, bilateral.counterpart_id):
        people = people_of(bilateral, side)
        if not slots.side_busy(calendar, side, people, exclude=bilateral.id).free(s, e):
            found.append(_l("Someone of %(side)s is busy then.", side=_side_name(bilateral, side)))
        if slots.meetings_per_day(calendar, side, exclude=bilateral.id)[day] >= rules.daily_cap:
            found.append(_l("%(side)s already has %(n)d bilaterals that day.", side=_side_name(bilateral, side),
                            n=rules.daily_cap))
    if room is not None:
        if room.seats < bilateral.requester_size + bilateral.counterpart_size:
            found.append(_l("The room has too few seats."))
        if not slots.room_busy(calendar, room, exclude=bilateral.id).free(s, e):
            found.append(_l("The room is taken then (changeover included)."))
    taken = {i.user_id for i in bilateral.interpreters}
    for other in calendar.without(bilateral.id):
        if other.interpreters & taken and other.starts < e + calendar.gap and s < other.ends + calendar.gap:
            found.append(_l("An interpreter of this meeting is in another meeting then."))
            break
    return found


def _side_name(bilateral: Bilateral, side: int) -> str:
    return bilateral.requester.name if side == bilateral.requester_id else bilateral.counterpart.name


def room_of_event(event, room_id) -> BilateralRoom:
    """A bilateral room of this event, or a refusal (a tampered id is not an error page)."""
    room = db.session.get(BilateralRoom, room_id) if isinstance(room_id, int) else None
    if room is None or room.event_id != event.id or not room.active:
        raise BilateralRefusal(_l("Choose one of the bilateral rooms."), "room_id")
    return room


def confirm(bilateral: Bilateral, room: BilateralRoom, *, actor, starts_at: datetime | None = None) -> None:
    """Protocol books `room` for the agreed time (or moves the meeting to `starts_at`)."""
    if bilateral.state not in (S.accepted, S.confirmed, S.bumped):
        raise BilateralRefusal(_l("Only a meeting both sides accepted can be given a room."))
    start = as_utc(starts_at) if starts_at is not None else bilateral.starts_at
    if start is None:
        raise BilateralRefusal(_l("Choose a time."), "starts_at")
    end = start + (bilateral.ends_at - bilateral.starts_at if bilateral.starts_at and bilateral.ends_at
                   else timedelta(minutes=bilateral.minutes))
    lock_keys(_keys(bilateral, room))
    calendar = slots.load_calendar(bilateral.event)
    found = problems(calendar, bilateral, start, end, room)
    if found:
        raise BilateralRefusal(" ".join(str(p) for p in found), "room_id")
    was_shown = shown_publicly(bilateral)
    changed = bilateral.state in (S.confirmed, S.bumped) and (
        bilateral.room_id != room.id or bilateral.starts_at != start)
    before = {"room": bilateral.room_id, "starts_at": bilateral.starts_at.isoformat() if bilateral.starts_at else None}
    bilateral.starts_at, bilateral.ends_at, bilateral.room_id = start, end, room.id
    bilateral.room = room
    bilateral.state, bilateral.bump_reason = S.confirmed, ""
    bilateral.sequence += 1  # first shown in calendars, or moved
    db.session.flush()
    record(actor=actor, action="bilateral.moved" if changed else "bilateral.confirmed", obj=bilateral,
           event=bilateral.event, summary=f"{room.room.name} {start.isoformat()}", before=before,
           after={"room": room.id, "starts_at": start.isoformat()})
    refresh_public_agenda(bilateral, was_shown)
    tell(bilateral, "moved" if changed else "confirmed")


def cancel(bilateral: Bilateral, *, actor, reason: str = "") -> None:
    """Protocol cancels a meeting (both sides are told)."""
    if bilateral.state in (S.declined, S.withdrawn, S.cancelled):
        raise BilateralRefusal(_l("This meeting is already closed."))
    was_shown = shown_publicly(bilateral)
    bilateral.state, bilateral.room_id = S.cancelled, None
    bilateral.sequence += 1
    db.session.flush()
    refresh_public_agenda(bilateral, was_shown)
    record(actor=actor, action="bilateral.cancelled", obj=bilateral, event=bilateral.event, summary=reason[:200])
    tell(bilateral, "cancelled", reason=reason)


def assign_interpreter(bilateral: Bilateral, user_id: int, pair: str, *, actor) -> InterpreterAssignment:
    """Give the meeting an interpreter of the event team; never one already elsewhere then."""
    people = {u.id: u for u in event_interpreters(bilateral.event)}
    if user_id not in people:
        raise BilateralRefusal(_l("Choose one of the event's interpreters."), "user_id")
    if pair not in (bilateral.interpretation or []):
        raise BilateralRefusal(_l("Choose a language pair the meeting asked for."), "pair")
    if any(i.user_id == user_id for i in bilateral.interpreters):
        raise BilateralRefusal(_l("This interpreter is already assigned."), "user_id")
    lock_keys([f"user:{user_id}"])
    if bilateral.starts_at is not None:
        calendar = slots.load_calendar(bilateral.event)
        s, e = bilateral.starts_at.timestamp(), bilateral.ends_at.timestamp()
        for other in calendar.without(bilateral.id):
            if user_id in other.interpreters and other.starts < e + calendar.gap and s < other.ends + calendar.gap:
                raise BilateralRefusal(_l("This interpreter is in another meeting then."), "user_id")
    assignment = InterpreterAssignment(user_id=user_id, pair=pair)
    bilateral.interpreters.append(assignment)
    db.session.flush()
    record(actor=actor, action="bilateral.interpreter", obj=bilateral, event=bilateral.event,
           summary=f"{people[user_id].email} {pair}")
    return assignment


def remove_interpreter(bilateral: Bilateral, user_id: int, *, actor) -> None:
    for assignment in list(bilateral.interpreters):
        if assignment.user_id == user_id:
            bilateral.interpreters.remove(assignment)
            record(actor=actor, action="bilateral.interpreter_removed", obj=bilateral, event=bilateral.event)
    db.session.flush()


def interpreter_load(event) -> list[tuple]:
    """[(interpreter, [bilaterals])]: each interpreter's meetings that hold time, in time order."""
    people = event_interpreters(event)
    booked = db.session.scalars(select(InterpreterAssignment).join(Bilateral).where(
        Bilateral.event_id == event.id, Bilateral.state.in_(HOLDING)).order_by(Bilateral.starts_at))
    by_user: dict[int, list] = {}
    for assignment in booked:
        by_user.setdefault(assignment.user_id, []).append(assignment.bilateral)
    return [(person, by_user.get(person.id, [])) for person in people]


def bump_overrun(event, *, actor=None) -> list[Bilateral]:
    """Official sessions take priority: each meeting holding time that now clashes with
    the agenda (its room used by a session, or someone due in a session or plenary) is
    flagged bumped, and both sides and protocol are emailed with alternatives."""
    calendar = slots.load_calendar(event)
    bumped = []
    held = list(db.session.scalars(select(Bilateral).options(
        joinedload(Bilateral.room), selectinload(Bilateral.attendees)).where(Bilateral.event_id == event.id,
                                                           Bilateral.state.in_(HOLDING)).order_by(Bilateral.id)))
    for bilateral in held:
        s, e = bilateral.starts_at.timestamp(), bilateral.ends_at.timestamp()
        reason = ""
        if bilateral.room is not None and any(
                room_id == bilateral.room.room_id and start < e + calendar.gap and s < end + calendar.gap
                for _id, room_id, _t, start, end in calendar.sessions):
            reason = "room"
        else:
            agenda_only = slots.Calendar(event=event, rules=calendar.rules, gap=calendar.gap,
                                         speakers=calendar.speakers, must_attend=calendar.must_attend)
            for side in (bilateral.requester_id, bilateral.counterpart_id):
                if not slots.side_busy(agenda_only, side, people_of(bilateral, side)).free(s, e):
                    reason = "people"
        if not reason:
            continue
        was_shown = shown_publicly(bilateral)
        bilateral.state, bilateral.bump_reason = S.bumped, reason
        bilateral.sequence += 1
        db.session.flush()
        record(actor=actor, action="bilateral.bumped", obj=bilateral, event=event, summary=reason)
        refresh_public_agenda(bilateral, was_shown)
        bumped.append(bilateral)
    for bilateral in bumped:
        tell(bilateral, "bumped", protocol=True, alternatives=suggestions(bilateral, limit=3))
    return bumped


def after_publication(publication, *, actor=None, **_kwargs) -> list[Bilateral]:
    """Receiver of `agenda_published`: bump what the new agenda overruns."""
    return bump_overrun(publication.event, actor=actor)
