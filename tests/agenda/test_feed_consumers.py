"""The public feeds as calendar and schedule apps read them: cancelled sessions, raised
sequences, plain-text descriptions, every language, speakers' profiles, the place,
and cross-origin reads."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
from icalendar import Calendar
from lxml import etree

from app.agenda import services as svc
from app.agenda.feedhistory import carry_history
from app.agenda.models import SessionType, Visibility
from app.extensions import db
from app.speakers.models import AssignmentRole, AssignmentState, SpeakerAssignment, SpeakerProfile
from app.utils.time import utcnow
from tests.agenda.conftest import at
from tests.factories import make_user

SPECS = Path(__file__).parent / "specs"
FEEDS = ("/e/astana/schedule.json", "/e/astana/schedule.xml", "/e/astana/agenda.ics")
ABSTRACT = """Welcome to **Astana** and the _summit_.

The day covers:

- water [security](https://www.unwater.org)
- green finance"""


@pytest.fixture
def published(summit):
    event, rooms, tracks = summit
    event.venue, event.city = "Palace of Independence", "Astana"
    opening = svc.create_session(event, {
        "title": "Opening plenary", "type": SessionType.plenary, "track": tracks[0], "room": rooms[0],
        "starts_at": at(9), "ends_at": at(10), "abstract": ABSTRACT, "sdgs": [6], "languages": ["kk", "ru", "en"],
        "visibility": Visibility.published}, actor=None)
    workshop = svc.create_session(event, {
        "title": "Green bonds workshop", "type": SessionType.workshop, "track": tracks[1], "room": rooms[1],
        "starts_at": at(11), "ends_at": at(12), "abstract": "", "sdgs": [], "languages": ["en"],
        "visibility": Visibility.published}, actor=None)
    svc.publish_agenda(event, actor=None)
    db.session.commit()
    return event, opening, workshop


def _events(client, url="/e/astana/agenda.ics") -> dict:
    calendar = Calendar.from_ical(client.get(url).data)
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def _republish(event):
    svc.publish_agenda(event, actor=None)
    db.session.commit()


# --- iCalendar -----------------------------------------------------------------------------

def test_ics_description_is_plain_text_not_markdown(client, published):
    opening = _events(client)["Opening plenary"]
    assert str(opening["DESCRIPTION"]) == (
        "Welcome to Astana and the summit.\n\nThe day covers:\n\n"
        "- water security (https://www.unwater.org)\n- green finance")


def test_removed_session_stays_in_the_feed_cancelled_with_a_higher_sequence(client, published):
    event, opening, workshop = published
    before = _events(client)["Green bonds workshop"]
    svc.delete_session(workshop, actor=None)
    _republish(event)
    events = _events(client)
    after = events["Green bonds workshop"]
    assert (str(after["UID"]), str(after["STATUS"]), int(after["SEQUENCE"])) == (
        str(before["UID"]), "CANCELLED", int(before["SEQUENCE"]) + 1)
    assert after.decoded("DTSTART") == before.decoded("DTSTART")
    assert str(events["Opening plenary"]["STATUS"]) == "CONFIRMED"
    # Still there one publication later, and never in the schedule apps' feeds.
    _republish(event)
    assert str(_events(client)["Green bonds workshop"]["STATUS"]) == "CANCELLED"
    assert "Green bonds workshop" not in client.get("/e/astana/schedule.json").get_data(as_text=True)


def test_session_sent_back_to_draft_is_cancelled_and_returns_with_a_higher_sequence(client, published):
    event, opening, workshop = published
    svc.update_session(workshop, {"visibility": Visibility.draft}, actor=None)
    _republish(event)
    cancelled = _events(client)["Green bonds workshop"]
    svc.update_session(workshop, {"visibility": Visibility.published}, actor=None)
    _republish(event)
    back = _events(client)["Green bonds workshop"]
    assert [(str(e["STATUS"]), int(e["SEQUENCE"])) for e in (cancelled, back)] == [("CANCELLED", 1),
                                                                                 ("CONFIRMED", 2)]


def test_removed_sessions_leave_the_feed_after_the_event_and_the_grace_period(published):
    event, opening, workshop = published
    previous = svc.current_publication(event).snapshot
    removed_at = utcnow()
    snapshot = {k: v for k, v in previous.items() if k != "sessions"}
    snapshot["sessions"] = [s for s in previous["sessions"] if s["id"] != workshop.id]
    carry_history(event, previous, snapshot, removed_at)
    assert [r["id"] for r in snapshot["removed"]] == [workshop.id]
    later = dict(snapshot, removed=list(snapshot["removed"]))
    carry_history(event, snapshot, later, removed_at + timedelta(days=29))
    assert [r["id"] for r in later["removed"]] == [workshop.id]
    far = dict(snapshot, removed=list(snapshot["removed"]))
    carry_history(event, snapshot, far, removed_at + timedelta(days=31) + timedelta(days=400))
    assert far["removed"] == []


@pytest.mark.parametrize("change", [{"title": "Opening plenary of the summit"}, {"abstract": "New text."},
                                    {"languages": ["en"]}])
def test_sequence_rises_whenever_a_published_session_changes(client, published, change):
    event, opening, _workshop = published
    svc.update_session(opening, change, actor=None)
    _republish(event)
    after = {int(e["SEQUENCE"]) for e in _events(client).values() if str(e["UID"]).startswith(opening.uid)}
    _republish(event)  # nothing changed: the sequence stays
    again = {int(e["SEQUENCE"]) for e in _events(client).values() if str(e["UID"]).startswith(opening.uid)}
    assert (after, again) == ({1}, {1})


# --- frab ---------------------------------------------------------------------------------

def _with_speaker(event, opening, *, bio="Hydrologist, **20 years** on the Aral Sea.", photo="abc.jpg"):
    speaker = make_user("speaker@example.org", given_name="Dinara", family_name="Sultanbekova")
    db.session.add(SpeakerAssignment(event_id=event.id, session_id=opening.id, user_id=speaker.id,
                                     role=AssignmentRole.keynote, position=0, state=AssignmentState.accepted))
    db.session.add(SpeakerProfile(event_id=event.id, user_id=speaker.id, bio=bio, photo_filename=photo, links=[]))
    db.session.commit()
    return speaker


def test_schedule_json_gives_every_language_speaker_profiles_and_the_place(client, published):
    event, opening, _workshop = published
    speaker = _with_speaker(event, opening)
    document = client.get("/e/astana/schedule.json").get_json()
    jsonschema.validate(document, json.loads((SPECS / "frab-schedule.schema.json").read_text()))
    conference = document["schedule"]["conference"]
    item = next(e for day in conference["days"] for room in day["rooms"].values() for e in room
                if e["title"] == "Opening plenary")
    (person,) = item["persons"]
    assert (item["language"], person["biography"], person["avatar"]) == (
        "kk, ru, en", "Hydrologist, 20 years on the Aral Sea.",
        f"https://summit.test/e/astana/speakers/{speaker.id}/photo")
    assert conference["meta"] == {"venue": "Palace of Independence", "city": "Astana"}


def test_schedule_json_leaves_out_a_missing_photo_and_biography(client, published):
    event, opening, _workshop = published
    _with_speaker(event, opening, bio="", photo="")
    document = client.get("/e/astana/schedule.json").get_json()
    jsonschema.validate(document, json.loads((SPECS / "frab-schedule.schema.json").read_text()))
    item = next(e for day in document["schedule"]["conference"]["days"] for room in day["rooms"].values()
                for e in room if e["title"] == "Opening plenary")
    assert sorted(item["persons"][0]) == ["guid", "id", "public_name", "role"]


def test_schedule_xml_gives_every_language(client, published):
    document = etree.fromstring(client.get("/e/astana/schedule.xml").data)
    schema = etree.XMLSchema(etree.parse(str(SPECS / "frab-schedule.xsd")))
    assert schema.validate(document), schema.error_log
    languages = {e.findtext("title"): e.findtext("language") for e in document.iter("event")}
    assert languages == {"Opening plenary": "kk, ru, en", "Green bonds workshop": "en"}


# --- cross-origin reads ---------------------------------------------------------------------

@pytest.mark.parametrize("url", FEEDS)
def test_open_feeds_may_be_read_from_any_site_fresh_cached_and_not_modified(client, published, url):
    fresh = client.get(url)          # runs Flask and fills the HTTP cache
    cached = client.get(url)         # answered by the HTTP cache
    not_modified = client.get(url, headers={"If-None-Match": fresh.headers["ETag"]})
    assert [(r.status_code, r.headers.get("Access-Control-Allow-Origin")) for r in (fresh, cached, not_modified)] == [
        (200, "*"), (200, "*"), (304, "*")]


def test_open_feeds_send_the_header_to_signed_in_readers_too(client, published):
    from tests.factories import login

    login(client, make_user())
    response = client.get("/e/astana/schedule.json")
    again = client.get("/e/astana/schedule.json", headers={"If-None-Match": response.headers["ETag"]})
    assert [(r.status_code, r.headers.get("Access-Control-Allow-Origin")) for r in (response, again)] == [
        (200, "*"), (304, "*")]


@pytest.mark.parametrize("url", ["/e/astana/agenda", "/e/astana/agenda.pdf"])
def test_pages_that_are_not_feeds_are_not_opened_to_other_sites(client, published, url):
    from app.agenda import exports

    if url.endswith(".pdf"):
        try:
            exports._font_paths()
        except exports.FontMissing as missing:
            pytest.skip(str(missing))
    assert [client.get(url).headers.get("Access-Control-Allow-Origin") for _ in range(2)] == [None, None]


def test_session_restricted_to_a_category_is_cancelled_for_the_public(client, published):
    event, opening, workshop = published
    svc.update_session(workshop, {"visibility": Visibility.restricted, "category_ids": [7]}, actor=None)
    _republish(event)
    cancelled = _events(client)["Green bonds workshop"]
    assert (str(cancelled["STATUS"]), int(cancelled["SEQUENCE"])) == ("CANCELLED", 1)
    everything = svc.public_agenda(svc.current_publication(event), categories=None)
    assert ([s.title for s in everything.sessions], everything.cancelled) == (
        ["Opening plenary", "Green bonds workshop"], [])
