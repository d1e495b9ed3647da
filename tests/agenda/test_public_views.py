"""The public agenda, the session page and the four feeds."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from icalendar import Calendar
from lxml import etree

from app.agenda import services as svc
from app.agenda.models import AgendaSession, Room, SessionType, Visibility
from app.extensions import db
from tests.agenda.conftest import DAY1, add_session, at
from tests.factories import grant, login, login_session, make_event, make_user, page

SPECS = Path(__file__).parent / "specs"
FEEDS = ("/e/astana/schedule.json", "/e/astana/schedule.xml", "/e/astana/agenda.ics")


@pytest.fixture
def published(summit):
    """A small published agenda: a plenary at 09:00 Astana time, a workshop, a restricted meeting, a draft."""
    event, rooms, tracks = summit
    opening = add_session(event, rooms[0], at(9), at(10), title="Opening plenary", type=SessionType.plenary,
                          track=tracks[0], sdgs=[6, 13], abstract="Welcome to **Astana**.")
    workshop = add_session(event, rooms[1], at(11), at(12, 30), title="Green bonds workshop",
                           type=SessionType.workshop, track=tracks[1], sdgs=[13],
                           languages=["ru", "en"])
    add_session(event, rooms[2], at(14), at(15), title="Ministerial roundtable", visibility=Visibility.restricted,
                category_ids=[7])
    add_session(event, rooms[2], at(16), at(17), title="Unfinished idea", visibility=Visibility.draft)
    add_session(event, rooms[0], at(9, day=DAY1 + timedelta(days=1)), at(10, day=DAY1 + timedelta(days=1)),
                title="Тестовая сессия")
    publication = svc.publish_agenda(event, actor=None)
    db.session.commit()
    return event, opening, workshop, publication


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_public_agenda_lists_published_sessions_by_day(client, published):
    response = client.get("/e/astana/agenda")
    page = _text(response)
    assert response.status_code == 200
    assert ("Opening plenary" in page, "Green bonds workshop" in page, "Ministerial roundtable" in page,
            "Unfinished idea" in page) == (True, True, False, False)
    assert "Wednesday 21 April" in page
    assert "Thursday 22 April" in page


def test_public_agenda_shows_event_time_with_utc_in_title(client, published):
    page = _text(client.get("/e/astana/agenda"))
    assert ('<time datetime="2027-04-21T04:00:00Z" class="local-time" title="2027-04-21T04:00:00Z">09:00</time>'
            in page)


@pytest.mark.parametrize("query, expected", [
    ("type=workshop", ["Green bonds workshop"]),
    ("sdg=6", ["Opening plenary"]),
    ("q=bonds", ["Green bonds workshop"]),
    ("q=astana", ["Opening plenary"]),
    ("type=nonsense&sdg=99&room=x&track=", ["Opening plenary", "Green bonds workshop", "Тестовая сессия"]),
])
def test_public_agenda_filters_without_javascript(client, published, query, expected):
    page = _text(client.get(f"/e/astana/agenda?{query}"))
    shown = [t for t in ("Opening plenary", "Green bonds workshop", "Тестовая сессия") if f">{t}</a>" in page]
    assert shown == expected


def test_public_agenda_filters_by_track_and_room(client, published):
    event, opening, workshop, _ = published
    page = _text(client.get(f"/e/astana/agenda?track={workshop.track_id}"))
    assert (">Green bonds workshop</a>" in page, ">Opening plenary</a>" in page) == (True, False)
    page = _text(client.get(f"/e/astana/agenda?room={opening.room_id}"))
    assert (">Green bonds workshop</a>" in page, ">Opening plenary</a>" in page) == (False, True)


def test_restricted_session_shows_for_organisers(client, published):
    event = published[0]
    user = make_user()
    grant(user, event, "viewer")
    db.session.commit()
    login(client, user)
    assert "Ministerial roundtable" in _text(client.get("/e/astana/agenda"))


def test_restricted_session_shows_to_approved_delegates_of_its_category_only(client):
    """The registration decides: approved delegates of an allowed category see the
    restricted session; a submitted, waitlisted or cancelled registration does not."""
    from app.registration import services as registration
    from tests.registration.conftest import details
    from tests.factories import make_category

    event = make_event("astana", start_date=DAY1, end_date=DAY1 + timedelta(days=2))
    room = Room(event=event, name="Plenary")
    db.session.add(room)
    ministers, experts = make_category(event, "Ministers"), make_category(event, "Experts")
    add_session(event, room, at(9), at(10), title="Open session")
    add_session(event, room, at(14), at(15), title="Ministerial roundtable", visibility=Visibility.restricted,
                category_ids=[ministers.id])
    svc.publish_agenda(event, actor=None)
    seen = {}
    for name, category, decide in [("approved minister", ministers, registration.approve_registration),
                                   ("submitted minister", ministers, None),
                                   ("cancelled minister", ministers, registration.cancel_registration),
                                   ("approved expert", experts, registration.approve_registration)]:
        user = make_user()
        record = registration.create_registration(event, user, details(), category=category, actor=user)
        if decide is not None:
            decide(record, actor=user)
        db.session.commit()
        login_session(client, user)
        seen[name] = ">Ministerial roundtable</a>" in _text(client.get("/e/astana/agenda"))
    assert seen == {"approved minister": True, "submitted minister": False, "cancelled minister": False,
                    "approved expert": False}


def test_session_page_shows_time_room_and_calendar_link(client, published):
    event, opening, *_ = published
    response = client.get(f"/e/astana/sessions/{opening.id}")
    page = _text(response)
    assert response.status_code == 200
    assert "Opening plenary" in page
    assert '<time datetime="2027-04-21T04:00:00Z" class="local-time" title="2027-04-21T04:00:00Z">Wednesday 21 April, 09:00</time>' in page
    assert "Welcome to <strong>Astana</strong>." in page
    assert f'href="/e/astana/sessions/{opening.id}.ics"' in page
    assert "Speakers will be announced." in page


def test_session_page_hides_drafts_restricted_and_other_events(client, published):
    ids = {s.title: s.id for s in db.session.query(AgendaSession)}
    assert client.get(f"/e/astana/sessions/{ids['Unfinished idea']}").status_code == 404
    assert client.get(f"/e/astana/sessions/{ids['Ministerial roundtable']}").status_code == 404
    assert client.get("/e/astana/sessions/999999").status_code == 404
    assert client.get("/e/nowhere/sessions/1").status_code == 404


def test_schedule_json_validates_against_frab_schema(client, published):
    response = client.get("/e/astana/schedule.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    schema = json.loads((SPECS / "frab-schedule.schema.json").read_text())
    document = response.get_json()
    jsonschema.validate(document, schema)
    conference = document["schedule"]["conference"]
    assert (conference["acronym"], conference["time_zone_name"], conference["daysCount"]) == (
        "astana", "Asia/Almaty", 3)


def test_schedule_json_times_are_utc_correct(client, published):
    event, opening, *_ = published
    document = client.get("/e/astana/schedule.json").get_json()
    day = document["schedule"]["conference"]["days"][0]
    item = day["rooms"]["Plenary"][0]
    assert (item["title"], item["start"], item["duration"], item["guid"]) == (
        "Opening plenary", "09:00", "01:00", opening.uid)
    assert datetime.fromisoformat(item["date"]).astimezone(UTC) == datetime(2027, 4, 21, 4, 0, tzinfo=UTC)
    assert item["date"] == "2027-04-21T09:00:00+05:00"


def test_schedule_xml_validates_against_frab_xsd(client, published):
    response = client.get("/e/astana/schedule.xml")
    assert response.status_code == 200
    schema = etree.XMLSchema(etree.parse(str(SPECS / "frab-schedule.xsd")))
    document = etree.fromstring(response.data)
    assert schema.validate(document), schema.error_log
    event = document.find("day/room/event")
    assert (event.findtext("title"), event.findtext("start"), event.findtext("date")) == (
        "Opening plenary", "09:00", "2027-04-21T09:00:00+05:00")


def test_agenda_ics_has_utc_times_zone_and_stable_uids(client, published):
    event, opening, *_ = published
    response = client.get("/e/astana/agenda.ics")
    assert response.mimetype == "text/calendar"
    raw = _text(response)
    assert "DTSTART:20270421T040000Z" in raw
    assert "X-WR-TIMEZONE:Asia/Almaty" in raw
    assert "TZID:Asia/Almaty" in raw
    calendar = Calendar.from_ical(response.data)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert sorted(events) == ["Green bonds workshop", "Opening plenary", "Тестовая сессия"]
    first = events["Opening plenary"]
    assert (str(first["UID"]), int(first["SEQUENCE"]), first.decoded("DTSTART")) == (
        f"{opening.uid}@kurultai", 0, datetime(2027, 4, 21, 4, 0, tzinfo=UTC))


def test_session_ics_sequence_rises_when_session_moves(client, published):
    event, opening, *_ = published
    before = Calendar.from_ical(client.get(f"/e/astana/sessions/{opening.id}.ics").data)
    svc.move_session(opening, room=opening.room, starts_at=at(10), ends_at=at(11), actor=None)
    svc.publish_agenda(event, actor=None)
    db.session.commit()
    after = Calendar.from_ical(client.get(f"/e/astana/sessions/{opening.id}.ics").data)
    (old,), (new,) = before.walk("VEVENT"), after.walk("VEVENT")
    assert (str(old["UID"]), int(old["SEQUENCE"])) == (str(new["UID"]), 0)
    assert int(new["SEQUENCE"]) == 1
    assert new.decoded("DTSTART") == datetime(2027, 4, 21, 5, 0, tzinfo=UTC)


@pytest.mark.parametrize("url", FEEDS)
def test_feeds_answer_conditional_requests_with_304(client, published, url):
    first = client.get(url)
    assert first.status_code == 200
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    again = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert (again.status_code, again.data) == (200, first.data)


@pytest.mark.parametrize("url", FEEDS)
def test_feeds_change_etag_after_publication(client, published, url):
    event, opening, *_ = published
    etag = client.get(url).headers["ETag"]
    svc.update_session(opening, {"title": "Opening plenary (moved)"}, actor=None)
    db.session.commit()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304  # draft change: nothing public
    svc.publish_agenda(event, actor=None)
    db.session.commit()
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "Opening plenary (moved)" in _text(response)


@pytest.mark.parametrize("url", FEEDS + ("/e/astana/agenda",))
def test_public_pages_of_unknown_event_are_404(client, published, url):
    assert client.get(url.replace("/astana/", "/nowhere/")).status_code == 404


def test_feeds_404_before_first_publication(client, summit):
    for url in FEEDS:
        assert client.get(url).status_code == 404


def test_unpublished_event_agenda_is_hidden_from_public(client, published):
    event = published[0]
    event.published = False
    db.session.commit()
    assert client.get("/e/astana/agenda").status_code == 404
    assert client.get("/e/astana/schedule.json").status_code == 404


def _grow(event, rooms, count):
    """`count` published sessions spread over the rooms and three days."""
    for n in range(count):
        day = DAY1 + timedelta(days=n % 3)
        slot = (n // 3) // len(rooms)
        start = at(8, 0, day) + timedelta(minutes=5 * slot)
        add_session(event, rooms[n % len(rooms)], start, start + timedelta(minutes=5), title=f"Session {n}")
    # Sessions share rooms here: published as they are, double bookings and all.
    svc.publish_agenda(event, actor=None, accept_conflicts=svc.conflicts_key(svc.open_conflicts(event)))
    db.session.commit()


@pytest.mark.parametrize("url", ("/e/astana/agenda",) + FEEDS)
def test_public_queries_do_not_grow_with_sessions(app, client, summit, count_queries, url):
    from app.agenda import cache

    event, rooms, _ = summit
    counts = []
    for total in (10, 1000):
        db.session.execute(AgendaSession.__table__.delete())
        _grow(event, rooms, total)
        cache.clear_memory()
        app.extensions["public_page_cache"].forget()
        with count_queries() as cold:
            assert client.get(url).status_code == 200
        with count_queries() as warm:
            assert client.get(url).status_code == 200
        counts.append((cold.count, warm.count))
    assert counts[0] == counts[1]
    assert counts[0][1] == 1  # a warm request reads only the event and its publication


def test_agenda_page_for_logged_in_user_is_not_the_shared_page(client, published):
    user = make_user(given_name="Aigerim")
    db.session.commit()
    _text(client.get("/e/astana/agenda"))
    login(client, user)
    page = _text(client.get("/e/astana/agenda"))
    assert "Aigerim" in page


def test_agenda_pdf_downloads_published_agenda(client, published):
    from app.agenda import exports

    try:
        exports._font_paths()
    except exports.FontMissing as missing:
        pytest.skip(str(missing))
    response = client.get("/e/astana/agenda.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data[:5] == b"%PDF-"
    assert response.headers["Content-Disposition"] == 'attachment; filename="astana-agenda.pdf"'
    assert client.get("/e/astana/agenda.pdf", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_agenda_pdf_in_kazakh_writes_each_day_in_kazakh_order(client, published):
    from app.agenda import exports
    from tests.checkin.conftest import pdf_text

    try:
        exports._font_paths()
    except exports.FontMissing as missing:
        pytest.skip(str(missing))
    response = client.get("/e/astana/agenda.pdf?lang=kk")
    lines = [" ".join(line.replace("\u202f", " ").split()) for text in pdf_text(response.data)
             for line in text.splitlines()]

    # Year, day, month, then the weekday: not the English "сәрсенбі 21 сәуір 2027".
    assert [line for line in lines if "сәуір" in line] == [
        "Бағдарлама · 2027 ж. 21–23 сәуір · Astana", "2027 ж. 21 сәуір, сәрсенбі",
        "2027 ж. 22 сәуір, бейсенбі"]


def test_agenda_page_has_print_and_download_links(client, published):
    page = _text(client.get("/e/astana/agenda"))
    assert 'href="/e/astana/agenda.pdf"' in page
    assert 'href="/e/astana/agenda.ics"' in page


def test_session_page_names_its_languages_in_the_readers_language(client, published):
    _event, _opening, workshop, _ = published
    english = page(client.get(f"/e/astana/sessions/{workshop.id}"))
    russian = page(client.get(f"/e/astana/sessions/{workshop.id}?lang=ru"))
    languages = '//dt[normalize-space()="{}"]/following-sibling::dd[1]'
    assert english.xpath(languages.format("Languages"))[0].text_content() == "Russian, English"
    assert russian.xpath(languages.format("Языки"))[0].text_content() == "Русский, английский"


def test_a_change_keeping_the_publication_renders_the_agenda_without_reading_its_snapshot_again(
        app, published, count_queries):
    """A speaker confirming (the pages render again, the publication stays) does not load the
    published snapshot again: this process has read it out once."""
    from app.agenda.cache import invalidate_public_cache
    from app.speakers.models import AssignmentRole, AssignmentState, SpeakerAssignment

    event, opening, _workshop, _publication = published
    first = app.test_client().get("/e/astana/agenda").get_data(as_text=True)
    speaker = make_user("speaker@example.org", given_name="Dinara", family_name="Sultanbekova")
    db.session.add(SpeakerAssignment(event_id=event.id, session_id=opening.id, user_id=speaker.id,
                                     role=AssignmentRole.keynote, position=0, state=AssignmentState.accepted))
    invalidate_public_cache(event)
    db.session.commit()
    db.session.close()  # a worker's next request starts with nothing loaded
    with count_queries() as queries:
        again = app.test_client().get("/e/astana/agenda").get_data(as_text=True)
    assert "Dinara Sultanbekova" in again and "Dinara Sultanbekova" not in first
    assert not [q for q in queries.statements if "snapshot" in q]
    # A new publication is read out afresh.
    event, room = db.session.merge(event), db.session.merge(opening).room
    add_session(event, room, at(18), at(19), title="Closing ceremony")
    svc.publish_agenda(event, actor=None)
    db.session.commit()
    assert "Closing ceremony" in app.test_client().get("/e/astana/agenda").get_data(as_text=True)
