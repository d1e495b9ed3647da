from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from app.agenda import services as svc
from app.agenda.models import AgendaSession, Publication, SessionType, Visibility
from app.audit.models import AuditEntry
from app.events.models import EventRole, EventRoleName
from app.extensions import db
from app.policy import can
from tests.agenda.conftest import DAY1, add_session, at
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


def test_render_markdown_keeps_formatting_and_escapes_html():
    html = str(svc.render_markdown("**Bold** and [site](https://example.org) <b>raw</b>"))
    assert html == ('<p><strong>Bold</strong> and <a href="https://example.org" rel="noopener noreferrer nofollow">'
                    'site</a> &lt;b&gt;raw&lt;/b&gt;</p>\n')


def test_render_markdown_drops_script_links():
    assert str(svc.render_markdown("[x](javascript:alert(1))")) == "<p>[x](javascript:alert(1))</p>\n"


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


def test_speaker_hooks_are_empty_without_speakers_domain(summit):
    event, rooms, _ = summit
    s = add_session(event, rooms[0], at(9), at(10))
    assert svc.public_speakers([s]) == {}
    assert svc.speakers_by_session([s.id]) == {}


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


def test_publish_snapshot_leaves_out_drafts(summit):
    event, rooms, _ = summit
    shown = add_session(event, rooms[0], at(9), at(10), title="Shown")
    add_session(event, rooms[1], at(9), at(10), title="Hidden", visibility=Visibility.draft)
    publication = svc.publish_agenda(event, actor=None)
    assert publication.version == 1
    assert [s["title"] for s in publication.snapshot["sessions"]] == ["Shown"]
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
    summary = [(c["kind"], c["title"]) for c in second.changes]
    assert summary == [("removed", "Removed"), ("changed", "New name"), ("moved", "Moved"), ("added", "Added")]
    move = second.changes[2]
    assert move["before"] == {"room": "Plenary", "starts_at": "2027-04-21T04:00:00+00:00",
                              "ends_at": "2027-04-21T05:00:00+00:00", "local": "2027-04-21 09:00–10:00"}
    assert move["after"]["room"] == "Hall A"
    assert move["after"]["local"] == "2027-04-21 11:00–12:00"
    assert second.changes[3]["session_id"] == added.id


def test_pending_changes_empty_right_after_publishing(summit):
    event, rooms, _ = summit
    add_session(event, rooms[0], at(9), at(10))
    svc.publish_agenda(event, actor=None)
    assert svc.pending_changes(event) == []


def test_public_agenda_hides_restricted_sessions_from_other_categories(summit):
    event, rooms, _ = summit
    add_session(event, rooms[0], at(9), at(10), title="Open")
    add_session(event, rooms[1], at(9), at(10), title="Ministers", visibility=Visibility.restricted,
                category_ids=[3])
    publication = svc.publish_agenda(event, actor=None)
    assert [s.title for s in svc.public_agenda(publication).sessions] == ["Open"]
    assert [s.title for s in svc.public_agenda(publication, categories=frozenset({3})).sessions] == [
        "Open", "Ministers"]
    assert [s.title for s in svc.public_agenda(publication, categories=None).sessions] == ["Open", "Ministers"]


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
