"""The organiser's agenda pages: forms, the drag-and-drop endpoint, scopes and publishing."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.agenda.models import AgendaSession, Publication, Room, Track, Visibility
from app.extensions import db
from tests.agenda.conftest import add_session, at
from tests.factories import field_error, flashes, grant, login, make_event, make_user, page

BASE = "/e/astana/manage/agenda"


def _form(room, **overrides):
    data = {"title": "Water diplomacy", "type": "panel", "track_id": "", "room_id": str(room.id),
            "starts_at": "2027-04-21T09:00", "ends_at": "2027-04-21T10:30", "abstract": "", "capacity": "",
            "visibility": "published"}
    data.update(overrides)
    return data


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_manage_timetable_needs_login(client, summit):
    response = client.get(BASE)
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


def test_manage_timetable_shows_sessions_of_the_day(client, summit, programme):
    event, rooms, _ = summit
    add_session(event, rooms[1], at(10), at(11), title="Glacier monitoring")
    db.session.commit()
    login(client, programme)
    response = client.get(BASE + "?day=2027-04-21")
    assert response.status_code == 200
    assert "Glacier monitoring" in _text(response)
    assert 'data-start="2027-04-21T10:00"' in _text(response)


def test_manage_timetable_ignores_a_malformed_day(client, summit, programme):
    login(client, programme)
    assert client.get(BASE + "?day=not-a-day").status_code == 200


def test_create_session_form_stores_event_time_as_utc(client, summit, programme):
    event, rooms, _ = summit
    login(client, programme)
    response = client.post(BASE + "/sessions/new", data=_form(rooms[0]))
    assert response.status_code == 302
    session = db.session.scalar(select(AgendaSession))
    assert (session.title, session.starts_at, session.ends_at) == (
        "Water diplomacy", datetime(2027, 4, 21, 4, 0, tzinfo=UTC), datetime(2027, 4, 21, 5, 30, tzinfo=UTC))


@pytest.mark.parametrize("overrides, message", [
    ({"ends_at": "2027-04-21T08:00"}, "The session must end after it starts."),
    ({"ends_at": "2027-04-21T09:00"}, "The session must end after it starts."),
    ({"ends_at": "2027-04-22T15:00"}, "A session may last at most 12 hours."),
    ({"room_id": "99999"}, "Choose a room of this event."),
    ({"room_id": "abc"}, "Choose a room of this event."),
    ({"track_id": "99999"}, "Choose a track of this event."),
    ({"abstract": "Hi <script>alert(1)</script>"}, "Scripts and script links are not allowed in the abstract."),
    ({"abstract": "[x](javascript:alert(1))"}, "Scripts and script links are not allowed in the abstract."),
    ({"starts_at": "tomorrow"}, "Not a valid datetime value."),
    ({"type": "party"}, "Not a valid choice."),
    ({"sdgs": "42"}, "Choose only from the list."),
    ({"visibility": "restricted"}, "A restricted session needs at least one category."),
    ({"visibility": "restricted", "categories": "99999"}, "Choose only from the list."),
    ({"categories": "ministers"}, "Invalid choice(s): one or more data inputs could not be coerced."),
    ({"capacity": "-3"}, "Number must be between 0 and 100000."),
])
def test_create_session_form_bad_input_gives_field_error(client, summit, programme, overrides, message):
    event, rooms, _ = summit
    login(client, programme)
    response = client.post(BASE + "/sessions/new", data=_form(rooms[0], **overrides))
    assert response.status_code == 200
    assert message in _text(response)
    assert db.session.scalar(select(AgendaSession)) is None


def test_restricted_session_form_offers_the_events_registration_categories(client, summit, programme):
    from tests.factories import make_category

    event, rooms, _ = summit
    ministers = make_category(event, "Ministers")
    closed = make_category(event, "Former observers", active=False)
    make_category(make_event("elsewhere"), "Not this event's")
    db.session.commit()
    login(client, programme)
    page = _text(client.get(BASE + "/sessions/new"))
    assert [name in page for name in ("Ministers", "Former observers", "Not this event's")] == [True, True, False]
    response = client.post(BASE + "/sessions/new", data=_form(rooms[0], visibility="restricted",
                                                              categories=[str(closed.id), str(ministers.id)]))
    assert response.status_code == 302
    session = db.session.scalar(select(AgendaSession))
    assert (session.visibility, session.category_ids) == (Visibility.restricted, sorted([ministers.id, closed.id]))
    page = _text(client.get(f"{BASE}/sessions/{session.id}"))
    assert f'value="{ministers.id}" checked' in page


def test_create_session_form_refuses_double_booking_with_clear_message(client, summit, programme):
    event, rooms, _ = summit
    add_session(event, rooms[0], at(9, 30), at(10), title="Press briefing")
    db.session.commit()
    login(client, programme)
    response = client.post(BASE + "/sessions/new", data=_form(rooms[0]))
    assert response.status_code == 200
    assert "Plenary is already booked from 09:30 to 10:00 by “Press briefing”." in _text(response)


def test_session_of_another_event_is_not_found(client, summit, programme):
    other = make_event("elsewhere")
    room = Room(event=other, name="Far away")
    db.session.add(room)
    db.session.flush()
    foreign = add_session(other, room, at(9), at(10), title="Not yours")
    db.session.commit()
    login(client, programme)
    assert client.get(f"{BASE}/sessions/{foreign.id}").status_code == 404
    assert client.post(f"{BASE}/sessions/{foreign.id}", data=_form(room)).status_code == 404
    assert client.post(f"{BASE}/sessions/{foreign.id}/move.json",
                       json={"room_id": room.id, "start": "2027-04-21T09:00", "end": "2027-04-21T10:00"}
                       ).status_code == 404
    assert client.post(f"{BASE}/sessions/{foreign.id}/delete").status_code == 404
    db.session.expire_all()
    assert db.session.get(AgendaSession, foreign.id).title == "Not yours"


def test_move_json_moves_session_and_reports_conflicts(client, summit, programme):
    event, rooms, _ = summit
    session = add_session(event, rooms[0], at(9), at(10), title="Mover")
    db.session.commit()
    login(client, programme)
    response = client.post(f"{BASE}/sessions/{session.id}/move.json",
                           json={"room_id": rooms[2].id, "start": "2027-04-21T19:30", "end": "2027-04-21T20:30"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["session"] == {"id": session.id, "room_id": rooms[2].id, "sequence": 1,
                               "start": "2027-04-21T19:30", "end": "2027-04-21T20:30"}
    assert body["conflicts"] == {str(session.id): [
        "“Mover” is outside the opening hours of Hall B (08:00–20:00)."]}
    db.session.expire_all()
    moved = db.session.get(AgendaSession, session.id)
    assert (moved.room_id, moved.starts_at) == (rooms[2].id, datetime(2027, 4, 21, 14, 30, tzinfo=UTC))


def test_move_json_refuses_double_booking_with_409(client, summit, programme):
    event, rooms, _ = summit
    add_session(event, rooms[1], at(11), at(12), title="Occupant")
    session = add_session(event, rooms[0], at(9), at(10), title="Mover")
    db.session.commit()
    login(client, programme)
    response = client.post(f"{BASE}/sessions/{session.id}/move.json",
                           json={"room_id": rooms[1].id, "start": "2027-04-21T11:30", "end": "2027-04-21T12:30"})
    assert response.status_code == 409
    assert response.get_json() == {"error": {"code": 409, "message":
                                             "Hall A is already booked from 11:00 to 12:00 by “Occupant”."}}
    db.session.expire_all()
    assert db.session.get(AgendaSession, session.id).room_id == rooms[0].id


@pytest.mark.parametrize("payload, status", [
    (None, 400),
    ({"room_id": "1", "start": "2027-04-21T09:00", "end": "2027-04-21T10:00"}, 400),
    ({"room_id": 99999, "start": "2027-04-21T09:00", "end": "2027-04-21T10:00"}, 400),
    ({"room_id": 1, "start": "nine", "end": "2027-04-21T10:00"}, 400),
    ({"room_id": 1, "start": "2027-04-21T09:00", "end": "2027-04-22T15:00"}, 400),
    ({"room_id": 1, "start": "2027-04-21T09:00", "end": "2027-04-21T09:00"}, 400),
    ([1, 2, 3], 400),
])
def test_move_json_bad_input_is_a_clear_400(client, summit, programme, payload, status):
    event, rooms, _ = summit
    session = add_session(event, rooms[0], at(9), at(10))
    db.session.commit()
    login(client, programme)
    if payload is None:
        response = client.post(f"{BASE}/sessions/{session.id}/move.json", data="{oops",
                               content_type="application/json")
    else:
        response = client.post(f"{BASE}/sessions/{session.id}/move.json", json=payload)
    assert response.status_code == status
    assert response.get_json()["error"]["message"]


def test_move_form_is_the_keyboard_way_to_move(client, summit, programme):
    event, rooms, _ = summit
    session = add_session(event, rooms[0], at(9), at(10))
    db.session.commit()
    login(client, programme)
    assert client.get(f"{BASE}/sessions/{session.id}/move").status_code == 200
    response = client.post(f"{BASE}/sessions/{session.id}/move", data={
        "room_id": str(rooms[1].id), "starts_at": "2027-04-22T14:00", "ends_at": "2027-04-22T15:00"})
    assert response.status_code == 302
    db.session.expire_all()
    moved = db.session.get(AgendaSession, session.id)
    assert (moved.room_id, moved.starts_at, moved.sequence) == (
        rooms[1].id, datetime(2027, 4, 22, 9, 0, tzinfo=UTC), 1)


def test_track_scoped_programme_reads_other_tracks_only(client, summit):
    event, rooms, tracks = summit
    user = make_user()
    grant(user, event, "programme").track_ids = [tracks[0].id]
    mine = add_session(event, rooms[0], at(9), at(10), title="Mine", track=tracks[0])
    theirs = add_session(event, rooms[1], at(9), at(10), title="Theirs", track=tracks[1])
    db.session.commit()
    login(client, user)
    page = client.get(f"{BASE}/sessions/{theirs.id}")
    assert page.status_code == 200
    assert "This session belongs to a track you do not edit: you can read it only." in _text(page)
    assert client.post(f"{BASE}/sessions/{theirs.id}", data=_form(rooms[1])).status_code == 403
    assert client.post(f"{BASE}/sessions/{theirs.id}/move.json", json={
        "room_id": rooms[2].id, "start": "2027-04-21T11:00", "end": "2027-04-21T12:00"}).status_code == 404
    response = client.post(f"{BASE}/sessions/{mine.id}/move.json", json={
        "room_id": rooms[2].id, "start": "2027-04-21T11:00", "end": "2027-04-21T12:00"})
    assert response.status_code == 200
    # moving their own session into a track they do not hold is refused
    response = client.post(f"{BASE}/sessions/{mine.id}", data=_form(rooms[0], track_id=str(tracks[1].id)))
    assert "You may only move sessions into your tracks." in _text(response)
    assert client.get(f"{BASE}/rooms/new").status_code == 404
    assert client.post(f"{BASE}/publish").status_code == 403


def test_viewer_reads_timetable_but_cannot_edit(client, summit):
    event, rooms, _ = summit
    user = make_user()
    grant(user, event, "viewer")
    session = add_session(event, rooms[0], at(9), at(10))
    db.session.commit()
    login(client, user)
    assert client.get(BASE).status_code == 200
    assert client.get(BASE + "/list").status_code == 200
    assert client.get(BASE + "/sessions/new").status_code == 403
    assert client.post(f"{BASE}/sessions/{session.id}/move.json", json={}).status_code == 403


def test_viewer_timetable_does_not_invite_dragging(client, summit, programme):
    event, rooms, _ = summit
    viewer = make_user("viewer@example.org")
    grant(viewer, event, "viewer")
    add_session(event, rooms[0], at(9), at(10), title="Opening plenary")
    db.session.commit()
    affordances = ("tt-editable", "tt-resize", "draggable=", "data-move-url", "Drag a session", "js/timetable.js")

    def offered(user):
        login(client, user)
        page = _text(client.get(BASE + "?day=2027-04-21"))
        client.post("/account/logout")
        return [a for a in affordances if a in page], "Open a session to see its details." in page

    assert offered(viewer) == ([], True)
    assert offered(programme) == (list(affordances), False)


def test_conflicts_page_lists_double_booking(client, summit, programme):
    event, rooms, _ = summit
    add_session(event, rooms[1], at(10), at(11), title="A")
    add_session(event, rooms[1], at(10, 30), at(11, 30), title="B")
    db.session.commit()
    login(client, programme)
    response = client.get(BASE + "/conflicts")
    assert "Hall A holds “A” and “B” at the same time." in _text(response)


def _double_booked_speaker(event, rooms):
    """Dr Imran Qureshi, due in two overlapping sessions: (first, second)."""
    from app.speakers.models import AssignmentState
    from tests.speakers.conftest import assign

    first = add_session(event, rooms[0], at(10), at(11), title="Glacier monitoring")
    second = add_session(event, rooms[1], at(10, 30), at(11, 30), title="Green bonds")
    speaker = make_user("i.qureshi@example.org", honorific="Dr", given_name="Imran", family_name="Qureshi")
    assign(first, speaker, state=AssignmentState.accepted)
    assign(second, speaker)
    return first, second


def test_conflicts_page_and_grid_name_the_double_booked_speaker(client, summit, programme):
    event, rooms, _ = summit
    first, second = _double_booked_speaker(event, rooms)
    db.session.commit()
    login(client, programme)
    message = "Dr Imran Qureshi is due in “Glacier monitoring” and “Green bonds” at the same time."
    conflicts = page(client.get(BASE + "/conflicts"))
    grid = page(client.get(BASE + "?day=2027-04-21"))
    assert [" ".join(li.xpath("string(.)").split()).split(" open ")[0]
            for li in conflicts.xpath('//li[contains(@class, "conflict-speaker")]')] == ["Warning " + message]
    assert [grid.xpath(f'string(//*[@id="session-{s.id}"]//*[@class="tt-flag-text"])') for s in (first, second)] == [
        message, message]


def test_conflicts_name_the_speaker_in_russian_and_kazakh(client, summit, programme):
    event, rooms, _ = summit
    _double_booked_speaker(event, rooms)
    db.session.commit()
    login(client, programme)
    said = {}
    for lang in ("ru", "kk"):
        client.get(f"/language/{lang}")
        said[lang] = " ".join(page(client.get(BASE + "/conflicts")).xpath(
            'string(//li[contains(@class, "conflict-speaker")])').split())
    assert "Д-р Imran Qureshi: сессии «Glacier monitoring» и «Green bonds» совпадают по времени." in said["ru"]
    assert "Imran Qureshi: «Glacier monitoring» және «Green bonds» сессиялары бір уақытқа түседі." in said["kk"]


def test_publish_with_open_conflicts_lists_them_and_needs_publish_anyway(client, summit, programme):
    event, rooms, _ = summit
    _double_booked_speaker(event, rooms)
    add_session(event, rooms[2], at(14), at(15), title="Side event A")
    add_session(event, rooms[2], at(14, 30), at(15, 30), title="Side event B")
    db.session.commit()
    login(client, programme)
    listed = ["Hall B holds “Side event A” and “Side event B” at the same time.",
              "Dr Imran Qureshi is due in “Glacier monitoring” and “Green bonds” at the same time."]

    def open_conflicts(response):
        return [li.text.strip() for li in page(response).xpath('//*[@id="open-conflicts"]//li')]

    preview = client.get(BASE + "/publish")
    assert open_conflicts(preview) == listed
    seen = page(preview).xpath('string(//input[@name="conflicts_seen"]/@value)')

    refused = client.post(BASE + "/publish", data={"conflicts_seen": seen})
    assert (refused.status_code, open_conflicts(refused), field_error(refused, "publish_anyway")) == (
        200, listed, "Tick “Publish anyway” to publish with these conflicts open.")
    assert db.session.scalar(select(Publication.version)) is None

    published = client.post(BASE + "/publish", data={"conflicts_seen": seen, "publish_anyway": "y"})
    assert published.status_code == 302
    assert db.session.scalar(select(Publication.version)) == 1


def test_publish_anyway_covers_only_the_conflicts_shown(client, summit, programme):
    event, rooms, _ = summit
    db.session.commit()
    login(client, programme)
    preview = client.get(BASE + "/publish")
    assert page(preview).xpath('//*[@id="open-conflicts"]') == []
    seen = page(preview).xpath('string(//input[@name="conflicts_seen"]/@value)')
    _double_booked_speaker(event, rooms)  # someone double-books a speaker meanwhile
    db.session.commit()
    response = client.post(BASE + "/publish", data={"conflicts_seen": seen, "publish_anyway": "y"})
    assert (response.status_code, field_error(response, "publish_anyway")) == (
        200, "Tick “Publish anyway” to publish with these conflicts open.")
    assert db.session.scalar(select(Publication.version)) is None


def test_room_and_track_crud(client, summit, programme):
    event, rooms, tracks = summit
    login(client, programme)
    response = client.post(BASE + "/rooms/new", data={"name": "Hall C", "capacity": "80", "opens_at": "08:00",
                                                      "closes_at": "19:00", "interpretation_languages": ["en", "ru"]})
    assert response.status_code == 302
    room = db.session.scalar(select(Room).where(Room.name == "Hall C"))
    assert (room.capacity, room.interpretation_languages) == (80, ["en", "ru"])
    response = client.post(BASE + "/rooms/new", data={"name": "Late", "opens_at": "19:00", "closes_at": "08:00"})
    assert "The room must close after it opens." in _text(response)
    response = client.post(BASE + "/tracks/new", data={"name": "E-governance", "colour": "#00838f",
                                                       "sdgs": ["11", "16"]})
    assert response.status_code == 302
    track = db.session.scalar(select(Track).where(Track.name == "E-governance"))
    assert track.sdgs == [11, 16]
    response = client.post(BASE + "/tracks/new", data={"name": "Bad", "colour": "red;}"})
    assert "Use a colour like #1565c0." in _text(response)
    assert client.post(f"{BASE}/rooms/{room.id}/delete").status_code == 302
    assert db.session.scalar(select(Room).where(Room.name == "Hall C")) is None



def _audit_actions(event) -> list[str]:
    from app.audit.models import AuditEntry

    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.event_id == event.id)
                                   .order_by(AuditEntry.id)))


@pytest.mark.parametrize("kind, model, added, renamed, told", [
    ("room", Room, {"name": "Hall C", "opens_at": "08:00", "closes_at": "19:00"},
     {"name": "Hall D", "opens_at": "08:00", "closes_at": "19:00"},
     ["Room “Hall C” added.", "Room “Hall D” saved.", "Room deleted."]),
    ("track", Track, {"name": "E-governance", "colour": "#00838f"}, {"name": "Digital government", "colour": "#00838f"},
     ["Track “E-governance” added.", "Track “Digital government” saved.", "Track deleted."]),
])
def test_room_and_track_pages_say_what_they_did_and_audit_it(client, summit, programme, kind, model, added,
                                                              renamed, told):
    event, _, _ = summit
    login(client, programme)
    listing = f"{BASE}/{kind}s"
    client.get(listing)  # shows the welcome
    response = client.post(listing + "/new", data=added)
    assert response.headers["Location"] == listing
    said = flashes(client.get(listing))
    row = db.session.scalar(select(model).where(model.name == added["name"]))
    said += flashes(client.post(f"{listing}/{row.id}", data=renamed, follow_redirects=True))
    said += flashes(client.post(f"{listing}/{row.id}/delete", follow_redirects=True))
    assert said == told
    assert _audit_actions(event) == [f"agenda.{kind}.create", f"agenda.{kind}.update", f"agenda.{kind}.delete"]


@pytest.mark.parametrize("kind, fields, taken, in_use", [
    ("room", {}, "Another room already has this name.", "1 sessions are placed in this room: move them first."),
    ("track", {"colour": "#000000"}, "Another track already has this name.",
     "1 sessions belong to this track: move them first."),
])
def test_room_and_track_pages_show_a_refusal_where_it_belongs(client, summit, programme, kind, fields, taken,
                                                               in_use):
    event, rooms, tracks = summit
    used, other = (rooms if kind == "room" else tracks)[:2]
    add_session(event, rooms[0], at(9), at(10), track=tracks[0])
    db.session.commit()
    login(client, programme)
    listing = f"{BASE}/{kind}s"
    client.get(listing)  # shows the welcome
    data = {"name": other.name, **fields}
    for url in (listing + "/new", f"{listing}/{used.id}"):
        response = client.post(url, data=data)
        assert (response.status_code, field_error(response, "name")) == (200, taken)
    response = client.post(f"{listing}/{used.id}/delete")
    assert response.headers["Location"] == listing
    assert flashes(client.get(listing)) == [in_use]
    assert _audit_actions(event) == []


def test_publish_makes_draft_public_at_once(client, summit, programme):
    event, rooms, _ = summit
    add_session(event, rooms[0], at(9), at(10), title="Opening plenary")
    db.session.commit()
    assert "has not been published yet" in _text(client.get("/e/astana/agenda"))
    login(client, programme)
    preview = client.get(BASE + "/publish")
    assert "Opening plenary" in _text(preview)
    response = client.post(BASE + "/publish")
    assert response.status_code == 302
    assert db.session.scalar(select(Publication.version)) == 1
    assert "Opening plenary" in _text(client.get("/e/astana/agenda"))
    # a draft change stays private until the next publication
    session = db.session.scalar(select(AgendaSession))
    client.post(f"{BASE}/sessions/{session.id}", data=_form(rooms[0], title="Renamed plenary",
                                                             starts_at="2027-04-21T09:00", ends_at="2027-04-21T10:00"),
                follow_redirects=True)
    page = _text(client.get("/e/astana/agenda"))
    assert ("Opening plenary" in page, "Renamed plenary" in page) == (True, False)
    client.post(BASE + "/publish", follow_redirects=True)
    page = _text(client.get("/e/astana/agenda"))
    assert ("Opening plenary" in page, "Renamed plenary" in page) == (False, True)


def test_every_agenda_page_renders_for_programme(client, summit, programme):
    event, rooms, tracks = summit
    session = add_session(event, rooms[0], at(9), at(10), track=tracks[0], abstract="**Bold**")
    db.session.commit()
    login(client, programme)
    for path in ("", "/list", "/conflicts", "/rooms", "/tracks", "/publish", "/sessions/new",
                 f"/sessions/{session.id}", f"/sessions/{session.id}/move", f"/rooms/{rooms[0].id}",
                 f"/tracks/{tracks[0].id}", "/rooms/new", "/tracks/new"):
        assert client.get(BASE + path).status_code == 200, path


def test_sdg_boxes_name_each_goal_in_every_language(client, summit, programme):
    event, rooms, tracks = summit
    tracks[0].sdgs = [6, 13]
    db.session.commit()
    login(client, programme)
    named = {}
    for lang in ("en", "ru", "kk"):
        client.get(f"/language/{lang}")
        form = page(client.get(BASE + "/sessions/new"))
        boxes = form.xpath('//fieldset[@id="sdgs"]//input[@type="checkbox"]')
        labels = [form.xpath(f'string(//label[@for="{box.get("id")}"])') for box in boxes]
        badges = [" ".join(b.text_content().split()) for b in page(client.get(BASE + "/tracks")).xpath(
            '//span[contains(@class, "sdg-badge")]')]
        named[lang] = (len(labels), labels[5], labels[12], badges)
    assert named == {
        "en": (17, "6 — Clean water and sanitation", "13 — Climate action",
               ["SDG 6 — Clean water and sanitation", "SDG 13 — Climate action"]),
        "ru": (17, "6 — Чистая вода и санитария", "13 — Борьба с изменением климата",
               ["ЦУР 6 — Чистая вода и санитария", "ЦУР 13 — Борьба с изменением климата"]),
        "kk": (17, "6 — Таза су және санитария", "13 — Климаттың өзгеруіне қарсы күрес",
               ["ТДМ 6 — Таза су және санитария", "ТДМ 13 — Климаттың өзгеруіне қарсы күрес"]),
    }
