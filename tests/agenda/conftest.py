"""Agenda fixtures: an event in Astana with rooms and tracks, and a way to add sessions."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from app.agenda import cache
from app.agenda.models import AgendaSession, Room, SessionType, Track, Visibility
from app.extensions import db
from app.utils.time import local_to_utc
from tests.factories import grant, make_event, make_user

ZONE = "Asia/Almaty"
DAY1 = date(2027, 4, 21)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Tables are emptied after each test, so ids and tokens start again: forget rendered bodies."""
    cache.clear_memory()
    yield
    cache.clear_memory()


def at(hour: int, minute: int = 0, day: date = DAY1) -> datetime:
    """A UTC datetime for a wall-clock time in Astana."""
    return local_to_utc(day, time(hour, minute), ZONE)


@pytest.fixture
def summit(db):
    event = make_event("astana", timezone=ZONE, start_date=DAY1, end_date=DAY1 + timedelta(days=2))
    rooms = [Room(event=event, name=name, capacity=capacity, opens_at=time(8), closes_at=time(20), position=i)
             for i, (name, capacity) in enumerate([("Plenary", 500), ("Hall A", 100), ("Hall B", 60)])]
    tracks = [Track(event=event, name=name, colour=colour, position=i)
              for i, (name, colour) in enumerate([("Water security", "#1565c0"), ("Green finance", "#ef6c00")])]
    db.session.add_all(rooms + tracks)
    db.session.flush()
    return event, rooms, tracks


def add_session(event, room, start: datetime, end: datetime, *, title="Session", track=None,
                visibility=Visibility.published, **fields) -> AgendaSession:
    """A session written straight to the table (no rules), for setting up situations."""
    session = AgendaSession(event=event, room=room, track=track, title=title, type=fields.pop("type", SessionType.panel),
                            starts_at=start, ends_at=end, visibility=visibility, sdgs=fields.pop("sdgs", []),
                            languages=fields.pop("languages", ["en"]), category_ids=fields.pop("category_ids", []),
                            **fields)
    db.session.add(session)
    db.session.flush()
    return session


@pytest.fixture
def programme(summit):
    event, _rooms, _tracks = summit
    user = make_user("programme@example.org")
    grant(user, event, "programme")
    db.session.commit()
    return user
