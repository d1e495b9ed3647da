"""Busy time and slot suggestions.

Who is busy when
----------------
A side of a bilateral is the people who attend it for one delegation (its head
unless others are named). They are busy:

- in every must-attend agenda session (plenaries and ceremonies), whoever they are;
- in the agenda sessions where one of them speaks or chairs (the speakers domain
  answers through `app.agenda.providers.busy_speakers`);
- in the delegation's other bilaterals that hold time (accepted or confirmed), and
  in any bilateral one of them attends, each widened by the changeover gap.

A room is busy during the agenda sessions held in it and the bilaterals booked in
it, each widened by the changeover gap.

The suggestion
--------------
A greedy search: the event's days in order, within the day's opening hours (and the
windows the asking side gave, if any), try every start on a 5-minute grid from the
earliest; keep a start when both sides are free for the whole meeting, neither side
has reached its daily cap, and a free room with enough seats and the right layout
exists (the smallest such room, so large rooms stay free for large meetings). The
first `limit` starts found are the answer.

Why this is good enough: a summit has at most a few days of about ten opening hours,
so there are at most a few hundred grid points; each test is a binary search in a
merged, sorted list of busy intervals (O(log n)), and there are some ten rooms. The
work is therefore a few thousand cheap comparisons after one set of queries, well
under the 200 ms budget (bench/bilaterals_bench.py measures it). Earliest-first is
what protocol asks for (UN practice books back to back from the start of the day),
and a 5-minute grid loses at most 4 minutes against an exact search. The result is
a suggestion: the counterpart picks, and booking re-checks under locks.
"""
from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.agenda import providers as agenda_providers
from app.agenda.models import AgendaSession, SessionType, Visibility
from app.bilaterals.models import HOLDING, Bilateral, BilateralAttendee, BilateralRoom, BilateralRules, \
    InterpreterAssignment, Layout
from app.extensions import db
from app.utils.time import as_utc, local_to_utc, utcnow

STEP = timedelta(minutes=5)
MUST_ATTEND = (SessionType.plenary, SessionType.ceremony)


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    room_id: int
    room_name: str


class Intervals:
    """Merged, sorted [start, end) intervals in POSIX seconds, asked "is [s, e) free?"."""

    def __init__(self, pairs=()):
        merged: list[list[float]] = []
        for start, end in sorted(pairs):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [m[0] for m in merged]
        self.ends = [m[1] for m in merged]

    def free(self, start: float, end: float) -> bool:
        # The intervals do not overlap, so their ends are sorted too: the first one ending after `start`.
        i = bisect.bisect_right(self.ends, start)
        return i == len(self.starts) or self.starts[i] >= end


def _ts(value: datetime) -> float:
    return as_utc(value).timestamp()


@dataclass
class BookedBilateral:
    id: int
    starts: float
    ends: float
    room_id: int | None
    delegations: tuple[int, int]
    people: frozenset[int]
    interpreters: frozenset[int]
    day: date


@dataclass
class Calendar:
    """Everything a suggestion needs about one event, read in a fixed number of queries."""
    event: object
    rules: BilateralRules
    gap: float
    sessions: list = field(default_factory=list)       # (id, room_id, type, starts, ends)
    speakers: dict = field(default_factory=dict)        # user id -> [(starts, ends)]
    must_attend: list = field(default_factory=list)     # [(starts, ends)]
    bilaterals: list[BookedBilateral] = field(default_factory=list)
    rooms: list[BilateralRoom] = field(default_factory=list)

    def without(self, bilateral_id: int | None) -> list[BookedBilateral]:
        return [b for b in self.bilaterals if b.id != bilateral_id]


def rules_of(event) -> BilateralRules:
    """The event's rules (the defaults until protocol saves its own; not added to the session)."""
    rules = db.session.scalar(select(BilateralRules).where(BilateralRules.event_id == event.id))
    if rules is None:
        rules = BilateralRules(event_id=event.id, longest_minutes=60, changeover_minutes=10,
                               opens_at=datetime.min.time().replace(hour=9),
                               closes_at=datetime.min.time().replace(hour=19), day_hours={}, daily_cap=4)
    return rules


def official_sessions(event) -> list[AgendaSession]:
    """The agenda sessions that take priority over bilaterals: all but drafts and breaks
    (and the agenda's own placeholder bilateral sessions)."""
    return list(db.session.scalars(select(AgendaSession).where(
        AgendaSession.event_id == event.id, AgendaSession.visibility != Visibility.draft,
        AgendaSession.type.not_in((SessionType.break_, SessionType.bilateral)))))


def load_calendar(event) -> Calendar:
    """Read once, as plain columns (no ORM objects: this runs for every suggestion)."""
    rules = rules_of(event)
    calendar = Calendar(event=event, rules=rules, gap=rules.changeover_minutes * 60)
    rows = db.session.execute(select(AgendaSession.id, AgendaSession.room_id, AgendaSession.type,
                                     AgendaSession.starts_at, AgendaSession.ends_at).where(
        AgendaSession.event_id == event.id, AgendaSession.visibility != Visibility.draft,
        AgendaSession.type.not_in((SessionType.break_, SessionType.bilateral)))).all()
    times = {}
    for session_id, room_id, type_, starts_at, ends_at in rows:
        span = (_ts(starts_at), _ts(ends_at))
        times[session_id] = span
        calendar.sessions.append((session_id, room_id, type_, *span))
        if type_ in MUST_ATTEND:
            calendar.must_attend.append(span)
    for session_id, users in agenda_providers.busy_speakers(list(times)).items():
        for user_id in users:
            calendar.speakers.setdefault(user_id, []).append(times[session_id])
    holding = (Bilateral.event_id == event.id, Bilateral.state.in_(HOLDING))
    people: dict[int, set[int]] = defaultdict(set)
    for bilateral_id, user_id in db.session.execute(select(BilateralAttendee.bilateral_id, BilateralAttendee.user_id)
                                                    .join(Bilateral).where(*holding)):
        people[bilateral_id].add(user_id)
    interpreters: dict[int, set[int]] = defaultdict(set)
    for bilateral_id, user_id in db.session.execute(
            select(InterpreterAssignment.bilateral_id, InterpreterAssignment.user_id).join(Bilateral).where(*holding)):
        interpreters[bilateral_id].add(user_id)
    zone = event.tz
    for bilateral_id, starts_at, ends_at, room_id, requester_id, counterpart_id in db.session.execute(
            select(Bilateral.id, Bilateral.starts_at, Bilateral.ends_at, Bilateral.room_id, Bilateral.requester_id,
                   Bilateral.counterpart_id).where(*holding)):
        calendar.bilaterals.append(BookedBilateral(
            id=bilateral_id, starts=_ts(starts_at), ends=_ts(ends_at), room_id=room_id,
            delegations=(requester_id, counterpart_id), people=frozenset(people[bilateral_id]),
            interpreters=frozenset(interpreters[bilateral_id]), day=as_utc(starts_at).astimezone(zone).date()))
    calendar.rooms = list(db.session.scalars(select(BilateralRoom).options(joinedload(BilateralRoom.room)).where(
        BilateralRoom.event_id == event.id, BilateralRoom.active.is_(True)).order_by(BilateralRoom.seats,
                                                                                      BilateralRoom.id)))
    return calendar


def side_busy(calendar: Calendar, delegation_id: int, people: set[int], *, exclude: int | None = None) -> Intervals:
    pairs = list(calendar.must_attend)
    for user_id in people:
        pairs += calendar.speakers.get(user_id, [])
    for b in calendar.without(exclude):
        if delegation_id in b.delegations or b.people & people:
            pairs.append((b.starts - calendar.gap, b.ends + calendar.gap))
    return Intervals(pairs)


def room_busy(calendar: Calendar, room: BilateralRoom, *, exclude: int | None = None) -> Intervals:
    pairs = [(s - calendar.gap, e + calendar.gap) for _id, room_id, _t, s, e in calendar.sessions
             if room_id == room.room_id]
    pairs += [(b.starts - calendar.gap, b.ends + calendar.gap) for b in calendar.without(exclude)
              if b.room_id == room.id]
    return Intervals(pairs)


def meetings_per_day(calendar: Calendar, delegation_id: int, *, exclude: int | None = None) -> dict[date, int]:
    counts: dict[date, int] = defaultdict(int)
    for b in calendar.without(exclude):
        if delegation_id in b.delegations:
            counts[b.day] += 1
    return counts


def opening_hours(rules: BilateralRules, day: date, zone: str) -> tuple[datetime, datetime] | None:
    """The day's opening hours in UTC (None: closed that day)."""
    special = (rules.day_hours or {}).get(day.isoformat())
    if special is not None:
        if not special:
            return None
        opens, closes = (datetime.strptime(v, "%H:%M").time() for v in special)
    else:
        opens, closes = rules.opens_at, rules.closes_at
    return local_to_utc(day, opens, zone), local_to_utc(day, closes, zone)


def suitable_rooms(calendar: Calendar, seats: int, layout: Layout) -> list[BilateralRoom]:
    return [r for r in calendar.rooms if r.seats >= seats and r.layout == layout]


def suggest(calendar: Calendar, *, requester_id: int, counterpart_id: int, requester_people: set[int],
            counterpart_people: set[int], minutes: int, seats: int, layout: Layout, windows=(), limit: int = 5,
            exclude: int | None = None) -> list[Slot]:
    """The earliest `limit` slots that fit both sides, the rules and a free room (see the module's text)."""
    event = calendar.event
    length = timedelta(minutes=min(minutes, calendar.rules.longest_minutes))
    busy = [side_busy(calendar, requester_id, requester_people, exclude=exclude),
            side_busy(calendar, counterpart_id, counterpart_people, exclude=exclude)]
    per_day = [meetings_per_day(calendar, requester_id, exclude=exclude),
               meetings_per_day(calendar, counterpart_id, exclude=exclude)]
    rooms = [(room, room_busy(calendar, room, exclude=exclude)) for room in suitable_rooms(calendar, seats, layout)]
    if not rooms:
        return []
    spans = [(_ts(w[0]), _ts(w[1])) for w in windows]
    now = _ts(utcnow())
    found: list[Slot] = []
    day = event.start_date
    while day <= event.end_date and len(found) < limit:
        hours = opening_hours(calendar.rules, day, event.timezone)
        if hours is not None and all(counts[day] < calendar.rules.daily_cap for counts in per_day):
            start, closes = hours
            while start + length <= closes and len(found) < limit:
                s, e = start.timestamp(), (start + length).timestamp()
                if s >= now and (not spans or any(a <= s and e <= b for a, b in spans)) \
                        and busy[0].free(s, e) and busy[1].free(s, e):
                    room = next((r for r, taken in rooms if taken.free(s, e)), None)
                    if room is not None:
                        found.append(Slot(start, start + length, room.id, room.room.name))
                start += STEP
        day += timedelta(days=1)
    return found
