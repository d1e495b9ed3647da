"""Bilateral fixtures: a three-day summit in Astana with a published agenda (an opening
plenary, a panel Kazakhstan's head chairs), delegations of Kazakhstan, Pakistan, Uzbekistan
and Turkmenistan with approved heads and members, two rooms kept for bilaterals, a protocol officer and an
interpreter; the clock stands a week before the summit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest

from app.agenda import cache
from app.agenda.models import AgendaSession, Room, SessionType, Visibility
from app.agenda.services import publish_agenda
from app.bilaterals import services
from app.bilaterals.models import Layout
from app.events.models import EventRole
from app.extensions import db
from app.registration.models import Delegation
from app.speakers.models import AssignmentRole, AssignmentState, SpeakerAssignment
from app.utils.time import local_to_utc
from tests.checkin.conftest import make_delegate
from tests.factories import grant, make_category, make_event, make_user

ZONE = "Asia/Almaty"
DAY1 = date(2027, 4, 21)
SECRET_TOPIC = "Zebra-7 uranium swap"


def at(hour: int, minute: int = 0, day: int = 0) -> datetime:
    return local_to_utc(DAY1 + timedelta(days=day), time(hour, minute), ZONE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear_memory()
    yield
    cache.clear_memory()


@dataclass
class World:
    event: object
    kz: Delegation
    pk: Delegation
    uz: Delegation
    tm: Delegation
    heads: dict
    members: dict
    protocol: object
    interpreter: object
    rooms: dict
    sessions: dict


def request_data(**changes) -> dict:
    data = {"level": "minister", "topic": SECRET_TOPIC, "minutes": 45, "requester_size": 3, "counterpart_size": 3,
            "languages": ["en", "ru"], "interpretation": ["en-ru"], "layout": "square", "equipment": "flags",
            "contact_name": "Aisha Khan", "contact_email": "aisha@example.org",
            "windows": [(at(9, 0, 1), at(18, 0, 1))]}
    data.update(changes)
    return data


@pytest.fixture
def world(db, clock):
    clock.set(datetime(2027, 4, 14, 6, 0, tzinfo=UTC))
    event = make_event("astana", title="Regional Ecological Summit 2027", timezone=ZONE, start_date=DAY1,
                       end_date=DAY1 + timedelta(days=2))
    government = make_category(event, "Government delegation", protocol_rank=1)
    heads, members, delegations = {}, {}, {}
    for code, name, head_name in (("kz", "Kazakhstan", ("Erlan", "Karin")), ("pk", "Pakistan", ("Aisha", "Khan")),
                                  ("uz", "Uzbekistan", ("Bobur", "Aliev")),
                                  ("tm", "Turkmenistan", ("Merdan", "Orazov"))):
        head = make_delegate(event, government, given=head_name[0], family=head_name[1], photo=False,
                             email=f"head.{code}@example.org")
        member = make_delegate(event, government, given="Member", family=name, photo=False,
                               email=f"member.{code}@example.org")
        delegation = Delegation(event=event, name=name, country=code.upper(), category=government,
                                head_user_id=head.user_id)
        db.session.add(delegation)
        db.session.flush()
        head.delegation_id = member.delegation_id = delegation.id
        heads[code], members[code], delegations[code] = head.user, member.user, delegation
    heads["pk"].locale = "ru"
    plenary = Room(event=event, name="Plenary Hall", capacity=500, position=0)
    hall = Room(event=event, name="Hall B", capacity=60, position=1)
    small = Room(event=event, name="Bilateral Room 1", capacity=12, position=2)
    large = Room(event=event, name="Bilateral Room 2", capacity=30, position=3)
    db.session.add_all([plenary, hall, small, large])
    db.session.flush()

    def add(room, start, end, title, type_=SessionType.panel):
        session = AgendaSession(event=event, room=room, title=title, starts_at=start, ends_at=end, type=type_,
                                visibility=Visibility.published, sdgs=[], languages=["en"], category_ids=[])
        db.session.add(session)
        db.session.flush()
        return session

    sessions = {"opening": add(plenary, at(9, 0, 1), at(10, 0, 1), "Opening plenary", SessionType.plenary),
                "panel": add(hall, at(10, 30, 1), at(12, 0, 1), "Water panel")}
    db.session.add(SpeakerAssignment(event_id=event.id, session_id=sessions["panel"].id, user_id=heads["kz"].id,
                                     role=AssignmentRole.chair, state=AssignmentState.accepted))
    protocol = make_user("protocol@example.org", given_name="Pro", family_name="Tocol")
    grant(protocol, event, "protocol")
    interpreter = make_user("interpreter@example.org", given_name="Inna", family_name="Terp")
    grant(interpreter, event, "viewer").interpreter = True
    rooms = {"small": services.keep_room(event, small.id, 8, Layout.square, actor=protocol),
             "large": services.keep_room(event, large.id, 20, Layout.square, actor=protocol)}
    publish_agenda(event, actor=None)
    db.session.commit()
    return World(event, delegations["kz"], delegations["pk"], delegations["uz"], delegations["tm"], heads, members,
                 protocol, interpreter, rooms, sessions)


def requested(world, requester="pk", counterpart="kz", **changes):
    """Pakistan asks Kazakhstan (by default) for a meeting on the second day."""
    bilateral = services.request_bilateral(world.event, getattr(world, requester), getattr(world, counterpart),
                                           request_data(**changes), actor=world.heads[requester])
    db.session.commit()
    return bilateral


def accepted(world, requester="pk", counterpart="kz", **changes):
    bilateral = requested(world, requester, counterpart, **changes)
    slot = services.suggestions(bilateral)[0]
    services.accept(bilateral, slot.starts_at, actor=world.heads[counterpart])
    db.session.commit()
    return bilateral


def confirmed(world, room="small", requester="pk", counterpart="kz", **changes):
    bilateral = accepted(world, requester, counterpart, **changes)
    services.confirm(bilateral, world.rooms[room], actor=world.protocol)
    db.session.commit()
    return bilateral


__all__ = ["EventRole", "SECRET_TOPIC", "World", "accepted", "at", "confirmed", "request_data", "requested"]
