from __future__ import annotations

from datetime import timedelta

from app.agenda import services as svc
from tests.agenda.conftest import DAY1, add_session, at


def test_find_conflicts_lists_each_kind(summit):
    event, rooms, _ = summit
    a = add_session(event, rooms[1], at(10), at(11), title="A")
    b = add_session(event, rooms[1], at(10, 30), at(11, 30), title="B")
    early = add_session(event, rooms[2], at(7), at(8, 30), title="Early")
    late = add_session(event, rooms[0], at(9, day=DAY1 + timedelta(days=5)), at(10, day=DAY1 + timedelta(days=5)),
                       title="Late")
    crowded = add_session(event, rooms[2], at(14), at(15), title="Crowded", capacity=80)
    found = {(c.kind, c.severity, c.session_ids) for c in svc.find_conflicts(event)}
    assert found == {
        ("room", "error", (a.id, b.id)),
        ("hours", "warning", (early.id,)),
        ("dates", "warning", (late.id,)),
        ("capacity", "warning", (crowded.id,)),
    }


def test_find_conflicts_message_names_room_and_sessions(summit):
    event, rooms, _ = summit
    add_session(event, rooms[1], at(10), at(11), title="A")
    add_session(event, rooms[1], at(10, 30), at(11, 30), title="B")
    assert [c.message for c in svc.find_conflicts(event)] == ["Hall A holds “A” and “B” at the same time."]
