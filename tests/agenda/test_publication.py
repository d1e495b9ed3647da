from __future__ import annotations

import pytest
from sqlalchemy import select

from app.agenda import services as svc
from app.agenda.models import Publication, Visibility
from app.audit.models import AuditEntry
from app.extensions import db
from app.utils.translated import as_text
from tests.agenda.conftest import add_session, at


def test_publish_snapshot_leaves_out_drafts(summit):
    event, rooms, _ = summit
    shown = add_session(event, rooms[0], at(9), at(10), title="Shown")
    add_session(event, rooms[1], at(9), at(10), title="Hidden", visibility=Visibility.draft)
    publication = svc.publish_agenda(event, actor=None)
    assert publication.version == 1
    assert [as_text(s["title"]) for s in publication.snapshot["sessions"]] == ["Shown"]
    assert [c["kind"] for c in publication.changes] == ["added"]
    assert publication.changes[0]["session_id"] == shown.id


def test_publish_refuses_open_room_conflicts_unless_they_are_accepted(summit):
    event, rooms, _ = summit
    add_session(event, rooms[1], at(9), at(10), title="A")
    add_session(event, rooms[1], at(9, 30), at(10, 30), title="B")
    with pytest.raises(svc.ConflictsOpen) as refused:
        svc.publish_agenda(event, actor=None)
    assert [c.message for c in refused.value.conflicts] == ["Hall A holds “A” and “B” at the same time."]
    assert db.session.scalar(select(Publication.id)) is None
    with pytest.raises(svc.ConflictsOpen):
        svc.publish_agenda(event, actor=None, accept_conflicts="0123456789abcdef")
    publication = svc.publish_agenda(event, actor=None, accept_conflicts=refused.value.key)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "agenda.publish"))
    assert (publication.version, entry.changes["conflicts_open"]) == (1, [None, 1])


def test_publish_records_what_moved_since_last_publication(summit):
    event, rooms, _ = summit
    moved = add_session(event, rooms[0], at(9), at(10), title="Moved")
    removed = add_session(event, rooms[1], at(9), at(10), title="Removed")
    renamed = add_session(event, rooms[2], at(9), at(10), title="Old name")
    svc.publish_agenda(event, actor=None)
    svc.move_session(moved, room=rooms[1], starts_at=at(11), ends_at=at(12), actor=None)
    svc.delete_session(removed, actor=None)
    svc.update_session(renamed, {"title": "New name"}, actor=None)
    added = add_session(event, rooms[2], at(14), at(15), title="Added")
    second = svc.publish_agenda(event, actor=None)
    assert second.version == 2
    summary = [(c["kind"], as_text(c["title"])) for c in second.changes]
    assert summary == [("removed", "Removed"), ("changed", "New name"), ("moved", "Moved"), ("added", "Added")]
    move = second.changes[2]
    assert as_text(move["before"].pop("room")) == "Plenary"
    assert move["before"] == {"starts_at": "2027-04-21T04:00:00+00:00",
                              "ends_at": "2027-04-21T05:00:00+00:00", "local": "2027-04-21 09:00–10:00"}
    assert as_text(move["after"]["room"]) == "Hall A"
    assert move["after"]["local"] == "2027-04-21 11:00–12:00"
    assert second.changes[3]["session_id"] == added.id


def test_pending_changes_empty_right_after_publishing(summit):
    event, rooms, _ = summit
    add_session(event, rooms[0], at(9), at(10))
    svc.publish_agenda(event, actor=None)
    assert svc.pending_changes(event) == []
