"""Time helpers: everything is stored in UTC and shown in the event's zone."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones


class Clock:
    """Where `utcnow()` reads the time: the system clock, unless a moment has been
    set (tests do, through their `clock` fixture). A set clock stands still until it
    is set again or advanced."""

    def __init__(self) -> None:
        self._fixed: datetime | None = None

    def now(self) -> datetime:
        return self._fixed if self._fixed is not None else datetime.now(UTC)

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("the clock needs a timezone-aware moment")
        self._fixed = moment.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        """Move the clock on by `timedelta(**delta)`, fixing it at the moment reached."""
        self._fixed = self.now() + timedelta(**delta)

    @contextmanager
    def at(self, moment: datetime) -> Iterator[None]:
        """The clock stands at `moment` inside the block and is put back after it."""
        before = self._fixed
        self.set(moment)
        try:
            yield
        finally:
            self._fixed = before

    def reset(self) -> None:
        """Follow the system clock again."""
        self._fixed = None


clock = Clock()


def utcnow() -> datetime:
    """Timezone-aware current UTC time (looked up on `clock` at each call, so a
    `from app.utils.time import utcnow` binding sees a clock set later)."""
    return clock.now()


def local_today(zone: str) -> date:
    """Today's date on the wall clock of `zone` (an event's timezone)."""
    return utcnow().astimezone(ZoneInfo(zone)).date()


def as_utc(value: datetime | None) -> datetime | None:
    """Normalise a datetime read back from the database (SQLite drops tzinfo)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def local_to_utc(day: date, clock: time, zone: str) -> datetime:
    """Combine a wall-clock date and time in `zone` into a UTC datetime."""
    return datetime.combine(day, clock, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def to_zone(value: datetime, zone: str) -> datetime:
    return as_utc(value).astimezone(ZoneInfo(zone))


_ZONES: frozenset[str] | None = None


def valid_timezone(name: str) -> bool:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return name in _ZONES


def common_timezones() -> list[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return sorted(z for z in _ZONES if "/" in z and not z.startswith(("Etc/", "SystemV/", "posix/", "right/")))
