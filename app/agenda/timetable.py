"""Laying sessions out on the day x room grid of the timetable editor.

The grid is a CSS grid of 5-minute rows and one column per room. Positions are
given as class names (gr-N: first row, gs-N: rows spanned, gc-N: column) from a
generated stylesheet, because the strict CSP forbids style attributes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from app.agenda.models import AgendaSession, Room
from app.utils.time import local_to_utc, to_zone

SLOT_MINUTES = 5
HEADER_ROWS = 1
MAX_ROOMS = 40
MAX_ROWS = 24 * 60 // SLOT_MINUTES  # a whole day
DEFAULT_FIRST_HOUR, DEFAULT_LAST_HOUR = 7, 21


def event_days(event) -> list[date]:
    days = []
    day = event.start_date
    while day <= event.end_date and len(days) < 62:
        days.append(day)
        day += timedelta(days=1)
    return days or [event.start_date]


@dataclass
class Placed:
    session: AgendaSession
    row: int
    span: int
    column: int
    start: datetime   # event-local
    end: datetime


@dataclass
class DayGrid:
    day: date
    first_hour: int
    last_hour: int
    rows: int
    hours: list[tuple[int, int]]   # (hour, first row)
    placed: list[Placed]
    rooms: list[Room]

    @property
    def columns(self) -> int:
        return len(self.rooms)


def day_grid(event, day: date, rooms: list[Room], sessions: list[AgendaSession]) -> DayGrid:
    """Sessions starting on `day` (event time) placed on the grid; the grid spans at least
    07:00-21:00 and grows to show every session of the day."""
    zone = event.timezone
    rooms = rooms[:MAX_ROOMS]
    column_of = {room.id: index + 2 for index, room in enumerate(rooms)}  # column 1 holds the hours
    todays = []
    for s in sessions:
        start = to_zone(s.starts_at, zone)
        if start.date() == day and s.room_id in column_of:
            todays.append((s, start, to_zone(s.ends_at, zone)))
    first = min([DEFAULT_FIRST_HOUR] + [start.hour for _s, start, _e in todays])
    last = DEFAULT_LAST_HOUR
    for _s, start, end in todays:
        end_hour = 24 if end.date() > day else end.hour + (1 if end.minute else 0)
        last = max(last, min(24, end_hour))
    rows = (last - first) * 60 // SLOT_MINUTES
    placed = []
    for s, start, end in todays:
        offset = (start.hour - first) * 60 + start.minute
        row = offset // SLOT_MINUTES + HEADER_ROWS + 1
        end_minutes = 24 * 60 if end.date() > day else end.hour * 60 + end.minute
        span = max(1, -(-(end_minutes - start.hour * 60 - start.minute) // SLOT_MINUTES))
        span = min(span, rows - (row - HEADER_ROWS - 1))
        placed.append(Placed(session=s, row=row, span=max(1, span), column=column_of[s.room_id], start=start,
                             end=end))
    hours = [(h, (h - first) * 60 // SLOT_MINUTES + HEADER_ROWS + 1) for h in range(first, last)]
    return DayGrid(day=day, first_hour=first, last_hour=last, rows=rows, hours=hours, placed=placed, rooms=rooms)


@lru_cache(maxsize=1)
def grid_css() -> str:
    """The position classes of the timetable grid."""
    lines = ["/* Timetable grid positions (generated). */"]
    for n in range(1, MAX_ROOMS + 1):
        # Room columns share the width, never narrower than 9.5rem: past that the grid scrolls
        # in its box (titles wrap rather than widening their column).
        lines.append(f".tt-cols-{n}{{grid-template-columns:4.5rem repeat({n},minmax(9.5rem,1fr));"
                     f"min-width:{4.5 + 9.5 * n:g}rem}}")
        lines.append(f".gc-{n + 1}{{grid-column-start:{n + 1}}}")
    for n in range(1, MAX_ROWS + 1):
        lines.append(f".tt-rows-{n}{{grid-template-rows:2.75rem repeat({n},.5rem)}}")
        lines.append(f".gr-{n + 1}{{grid-row-start:{n + 1}}}")
        lines.append(f".gs-{n}{{grid-row-end:span {n}}}")
    lines.append(".tt-col-bg{grid-row:2/-1}")
    return "\n".join(lines) + "\n"


def local_range_utc(event, day: date, start: time, end: time):
    return local_to_utc(day, start, event.timezone), local_to_utc(day, end, event.timezone)
