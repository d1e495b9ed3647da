from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.agenda import services as svc
from app.agenda.models import SessionType, Visibility
from app.audit.models import AuditEntry
from app.extensions import db
from app.policy import can
from tests.agenda.conftest import add_session, at
from tests.factories import grant, make_event, make_user


def _data(room, start, end, **extra):
    data = {"title": "Water diplomacy", "type": SessionType.panel, "room": room, "track": None, "sdgs": [6],
            "starts_at": start, "ends_at": end, "abstract": "", "languages": ["en"], "capacity": None,
            "signup_required": False, "visibility": Visibility.published, "category_ids": []}
    data.update(extra)
    return data


def test_create_session_stores_astana_morning_as_utc(summit):
    event, rooms, _ = summit
    session = svc.create_session(event, _data(rooms[0], at(9), at(10)), actor=None)
    stored = svc.sessions_of(event)[0]
    assert stored.id == session.id
    assert stored.starts_at == datetime(2027, 4, 21, 4, 0, tzinfo=UTC)
    assert stored.ends_at == datetime(2027, 4, 21, 5, 0, tzinfo=UTC)


def test_create_session_refuses_room_double_booking(summit):
    event, rooms, _ = summit
    add_session(event, rooms[1], at(10), at(11), title="Glacier monitoring")
    with pytest.raises(svc.AgendaError) as refused:
        svc.create_session(event, _data(rooms[1], at(10, 30), at(11, 30)), actor=None)
    assert refused.value.field == "room_id"
    assert refused.value.message == "Hall A is already booked from 10:00 to 11:00 by “Glacier monitoring”."


def test_create_session_allows_back_to_back_sessions(summit):
    event, rooms, _ = summit
    add_session(event, rooms[1], at(10), at(11))
    svc.create_session(event, _data(rooms[1], at(11), at(12)), actor=None)
    assert len(svc.sessions_of(event)) == 2


def test_create_session_allows_same_time_in_another_room(summit):
    event, rooms, _ = summit
    add_session(event, rooms[1], at(10), at(11))
    svc.create_session(event, _data(rooms[2], at(10), at(11)), actor=None)
    assert len(svc.sessions_of(event)) == 2


@pytest.mark.parametrize("start, end, message", [
    (at(11), at(10), "The session must end after it starts."),
    (at(10), at(10), "The session must end after it starts."),
    (at(10), at(10, 3), "A session lasts at least 5 minutes."),
    (at(8), at(8) + timedelta(hours=30), "A session may last at most 12 hours."),
])
def test_create_session_refuses_bad_times(summit, start, end, message):
    event, rooms, _ = summit
    with pytest.raises(svc.AgendaError) as refused:
        svc.create_session(event, _data(rooms[0], start, end), actor=None)
    assert (refused.value.field, refused.value.message) == ("ends_at", message)


def test_create_session_refuses_room_of_another_event(summit, db):
    event, _rooms, _ = summit
    other = make_event("other")
    from app.agenda.models import Room

    foreign = Room(event=other, name="Elsewhere")
    db.session.add(foreign)
    db.session.flush()
    with pytest.raises(svc.AgendaError) as refused:
        svc.create_session(event, _data(foreign, at(9), at(10)), actor=None)
    assert (refused.value.field, refused.value.message) == ("room_id", "Choose a room of this event.")


@pytest.mark.parametrize("abstract", [
    "Hello <script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#115;cript:alert(1))",
    "<a href='javascript:void(0)'>x</a>",
    "<SCRIPT src=//evil.example></SCRIPT>",
])
def test_create_session_refuses_scripts_in_abstract(summit, abstract):
    event, rooms, _ = summit
    with pytest.raises(svc.AgendaError) as refused:
        svc.create_session(event, _data(rooms[0], at(9), at(10), abstract=abstract), actor=None)
    assert (refused.value.field, refused.value.message) == (
        "abstract", "Scripts and script links are not allowed in the abstract.")


def test_update_session_bumps_sequence_only_when_it_moves(summit):
    event, rooms, _ = summit
    session = svc.create_session(event, _data(rooms[0], at(9), at(10)), actor=None)
    svc.update_session(session, {"title": "Renamed"}, actor=None)
    assert session.sequence == 0
    svc.move_session(session, room=rooms[1], starts_at=at(9), ends_at=at(10), actor=None)
    assert session.sequence == 1
    svc.move_session(session, room=rooms[1], starts_at=at(11), ends_at=at(12), actor=None)
    assert (session.sequence, session.room_id, session.starts_at) == (2, rooms[1].id, at(11))


def test_move_session_refuses_double_booking_and_keeps_place(summit, db):
    event, rooms, _ = summit
    add_session(event, rooms[1], at(10), at(11), title="Occupant")
    session = svc.create_session(event, _data(rooms[0], at(9), at(10)), actor=None)
    db.session.commit()
    with pytest.raises(svc.AgendaError):
        svc.move_session(session, room=rooms[1], starts_at=at(10), ends_at=at(11), actor=None)
    db.session.rollback()
    db.session.refresh(session)
    assert (session.room_id, session.starts_at) == (rooms[0].id, at(9))


def test_changes_are_audited(summit, db):
    event, rooms, _ = summit
    user = make_user()
    session = svc.create_session(event, _data(rooms[0], at(9), at(10)), actor=user)
    svc.move_session(session, room=rooms[1], starts_at=at(9), ends_at=at(10), actor=user)
    svc.delete_session(session, actor=user)
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["agenda.session.create", "agenda.session.update", "agenda.session.delete"]


def test_a_move_is_audited_as_a_change_of_room_and_the_session_follows(summit, db):
    event, rooms, _ = summit
    session = svc.create_session(event, _data(rooms[0], at(9), at(10)), actor=None)
    svc.move_session(session, room=rooms[1], starts_at=at(11), ends_at=at(12), actor=None)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "agenda.session.update"))
    assert (entry.summary, sorted(entry.changes)) == ("Water diplomacy", ["ends_at", "room_id", "starts_at"])
    assert entry.changes["room_id"] == [rooms[0].id, rooms[1].id]
    assert (session.room.name, session.sequence) == (rooms[1].name, 1)


# --- policy: track-scoped programme roles ---------------------------------------------

def _scoped(event, role, track_ids):
    user = make_user()
    grant(user, event, role)
    user.event_roles[0].track_ids = track_ids
    return user


def test_track_scoped_programme_edits_only_its_tracks(summit):
    event, rooms, tracks = summit
    user = _scoped(event, "programme", [tracks[0].id])
    mine = add_session(event, rooms[0], at(9), at(10), track=tracks[0])
    theirs = add_session(event, rooms[1], at(9), at(10), track=tracks[1])
    trackless = add_session(event, rooms[2], at(9), at(10))
    assert [can(user, "agenda.edit_session", s) for s in (mine, theirs, trackless)] == [True, False, False]
    assert can(user, "agenda.edit_structure", event) is False
    assert can(user, "agenda.view_draft", event) is True


@pytest.mark.parametrize("role, expected", [("programme", True), ("secretariat", True), ("viewer", False),
                                            ("accreditation", False)])
def test_unscoped_roles_edit_every_session(summit, role, expected):
    event, rooms, tracks = summit
    user = _scoped(event, role, [])
    session = add_session(event, rooms[0], at(9), at(10), track=tracks[1])
    assert can(user, "agenda.edit_session", session) is expected
    assert can(user, "agenda.edit_structure", event) is expected


def test_secretariat_with_a_track_list_is_not_limited(summit):
    event, rooms, tracks = summit
    user = _scoped(event, "secretariat", [tracks[0].id])
    session = add_session(event, rooms[0], at(9), at(10), track=tracks[1])
    assert can(user, "agenda.edit_session", session) is True
