"""Column types shared by every domain."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import abort
from sqlalchemy import DateTime, Integer, func, select
from sqlalchemy.types import TypeDecorator

from app.extensions import db


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on both SQLite and PostgreSQL.

    SQLite has no time zone support, so values are stored naive in UTC and
    made aware again when read.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def get_in_event_or_404(model, key, event, *, by=None):
    """The `model` row whose primary key (or unique column `by`) is `key`, if it belongs to `event`; otherwise 404.

    Another event's id is simply not found, so nobody learns it exists.
    """
    obj = db.session.get(model, key) if by is None else db.session.scalar(select(model).where(by == key))
    if obj is None or obj.event_id != event.id:
        abort(404)
    return obj


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def local_day_sql(column, zone: str, reference: datetime):
    """SQL for the day (in `zone`) of the UTC datetime `column`, to GROUP BY in the
    database. The zone's offset at `reference` (e.g. the event's first day) is used for
    every row: a fixed offset costs the database next to nothing per row, where looking
    up a named zone's rules for each of 80,000 rows does not. Around a daylight-saving
    change far from `reference`, a value within an hour of midnight may count for the
    neighbouring day."""
    minutes = _offset_minutes(zone, reference)
    if _dialect() == "postgresql":
        return func.date(func.timezone(timedelta(minutes=minutes), column))
    return func.date(column, f"{minutes:+d} minutes")


def local_hour_sql(column, zone: str, reference: datetime):
    """SQL for the hour of the day (0-23, in `zone` at `reference`, as `local_day_sql`)."""
    minutes = _offset_minutes(zone, reference)
    if _dialect() == "postgresql":
        return func.cast(func.extract("hour", func.timezone(timedelta(minutes=minutes), column)), Integer)
    return func.cast(func.strftime("%H", column, f"{minutes:+d} minutes"), Integer)


def _offset_minutes(zone: str, reference: datetime) -> int:
    offset = reference.astimezone(ZoneInfo(zone)).utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0
