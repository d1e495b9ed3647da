"""Time helpers: everything is stored in UTC and shown in the event's zone."""
from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, available_timezones


def utcnow() -> datetime:
    """Timezone-aware current UTC time."""
    return datetime.now(UTC)


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
