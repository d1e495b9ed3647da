from __future__ import annotations

import pytest
from sqlalchemy import select

from app.agenda import services as svc
from app.audit.models import AuditEntry
from app.extensions import db
from tests.factories import make_user
from tests.agenda.conftest import add_session, at


def test_delete_room_refused_while_sessions_use_it(summit):
    event, rooms, _ = summit
    add_session(event, rooms[0], at(9), at(10))
    with pytest.raises(svc.AgendaError) as refused:
        svc.delete_room(rooms[0], actor=None)
    assert refused.value.message == "1 sessions are placed in this room: move them first."


def test_create_room_refuses_duplicate_name(summit):
    event, _rooms, _ = summit
    with pytest.raises(svc.AgendaError) as refused:
        svc.create_room(event, {"name": "hall a"}, actor=None)
    assert (refused.value.field, refused.value.message) == ("name", "Another room already has this name.")


def test_room_and_track_changes_are_audited_with_what_changed(summit):
    event, rooms, tracks = summit
    user = make_user()
    svc.update_room(rooms[0], {"name": "Main hall", "capacity": rooms[0].capacity, "unknown": "ignored"}, actor=user)
    svc.update_track(tracks[0], {"name": tracks[0].name, "colour": "#00ff00"}, actor=user)
    entries = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert [(e.action, e.summary, e.actor_id) for e in entries] == [
        ("agenda.room.update", "Main hall", user.id), ("agenda.track.update", tracks[0].name, user.id)]
    assert entries[0].changes == {"name": [{"en": "Plenary"}, {"en": "Main hall"}]}
    assert list(entries[1].changes) == ["colour"]
