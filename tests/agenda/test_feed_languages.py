"""The public feeds in the reader's language: ?lang=, else Accept-Language, else the
event's own language; each language with its own cached body, ETag and validation."""
from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from icalendar import Calendar
from lxml import etree

from app.agenda import services as svc
from app.agenda.models import SessionType, Visibility
from app.extensions import db
from app.utils.translated import Translated
from tests.agenda.conftest import at

SPECS = Path(__file__).parent / "specs"
FEEDS = ("/e/astana/schedule.json", "/e/astana/schedule.xml", "/e/astana/agenda.ics")
TITLE = {"en": "Water security in Central Asia", "ru": "Водная безопасность в Центральной Азии",
         "kk": "Орталық Азиядағы су қауіпсіздігі"}
EVENT = {"en": "Astana Water Summit", "ru": "Астанинский водный саммит", "kk": "Астана су саммиті"}
ROOM = {"en": "Plenary hall", "ru": "Пленарный зал", "kk": "Пленарлық зал"}


@pytest.fixture
def multilingual(summit):
    event, rooms, tracks = summit
    event.title = Translated(EVENT, "en")
    rooms[0].name = Translated(ROOM, "en")
    tracks[0].name = Translated({"en": "Water", "ru": "Вода", "kk": "Су"}, "en")
    session = svc.create_session(event, {
        "title": Translated(TITLE, "en"), "type": SessionType.plenary, "track": tracks[0], "room": rooms[0],
        "starts_at": at(9), "ends_at": at(10), "abstract": Translated({"en": "About water.", "kk": "Су туралы."}, "en"),
        "sdgs": [6], "languages": ["kk", "ru", "en"], "visibility": Visibility.published}, actor=None)
    svc.create_session(event, {
        "title": "Green bonds workshop", "type": SessionType.workshop, "track": tracks[1], "room": rooms[1],
        "starts_at": at(11), "ends_at": at(12), "abstract": "", "sdgs": [], "languages": ["en"],
        "visibility": Visibility.published}, actor=None)
    svc.publish_agenda(event, actor=None)
    db.session.commit()
    return event, session


def _xml_titles(body: bytes) -> list[str]:
    return sorted(e.findtext("title") for e in etree.fromstring(body).iter("event"))


def test_schedule_xml_in_kazakh_validates_and_carries_kazakh_titles(client, multilingual):
    response = client.get("/e/astana/schedule.xml?lang=kk")
    document = etree.fromstring(response.data)
    schema = etree.XMLSchema(etree.parse(str(SPECS / "frab-schedule.xsd")))
    assert schema.validate(document), schema.error_log
    assert document.findtext("conference/title") == EVENT["kk"]
    # A session with no Kazakh title falls back to the version it was written in.
    assert _xml_titles(response.data) == ["Green bonds workshop", TITLE["kk"]]
    rooms = {r.get("name") for r in document.iter("room")}
    assert ROOM["kk"] in rooms
    assert response.headers["Content-Language"] == "kk"


def test_schedule_json_follows_accept_language(client, multilingual):
    data = json.loads(client.get("/e/astana/schedule.json", headers={"Accept-Language": "ru-RU,ru;q=0.9"}).data)
    conference = data["schedule"]["conference"]
    titles = {e["title"] for day in conference["days"] for room in day["rooms"].values() for e in room}
    assert conference["title"] == EVENT["ru"]
    assert TITLE["ru"] in titles
    assert ROOM["ru"] in {r["name"] for r in conference["rooms"]}


def test_lang_in_the_address_wins_over_accept_language(client, multilingual):
    response = client.get("/e/astana/schedule.xml?lang=kk", headers={"Accept-Language": "ru"})
    assert TITLE["kk"] in _xml_titles(response.data)


def test_feed_without_a_language_asked_is_in_the_events_own_language(client, multilingual):
    event, _session = multilingual
    event.languages = ["kk", "ru", "en"]
    db.session.commit()
    response = client.get("/e/astana/agenda.ics", headers={"Accept-Language": "de"})
    summaries = {str(e["SUMMARY"]) for e in Calendar.from_ical(response.data).walk("VEVENT")}
    assert TITLE["kk"] in summaries
    assert response.headers["Content-Language"] == "kk"


def test_feed_language_does_not_follow_the_signed_in_readers_session(client, multilingual):
    client.get("/e/astana/agenda?lang=ru")  # remembered in the session for pages
    response = client.get("/e/astana/agenda.ics", headers={"Accept-Language": "en"})
    summaries = {str(e["SUMMARY"]) for e in Calendar.from_ical(response.data).walk("VEVENT")}
    assert TITLE["en"] in summaries


@pytest.mark.parametrize("url", FEEDS)
def test_each_language_has_its_own_body_and_etag_and_says_it_varies(client, multilingual, url):
    answers = {}
    for lang in ("en", "ru", "kk"):
        first = client.get(url, headers={"Accept-Language": lang})          # runs Flask
        again = client.get(url, headers={"Accept-Language": lang})          # from the HTTP cache
        asked = client.get(f"{url}?lang={lang}")                            # through Flask, cached body
        assert first.data == again.data == asked.data
        assert first.headers["ETag"] == again.headers["ETag"] == asked.headers["ETag"]
        assert "Accept-Language" in first.headers["Vary"]
        assert TITLE[lang].encode() in first.data.replace(b"\r\n ", b"")  # iCalendar folds long lines
        answers[lang] = first
    assert len({a.headers["ETag"] for a in answers.values()}) == 3
    # A validator of one language does not answer another with 304.
    ru_etag = answers["ru"].headers["ETag"]
    assert client.get(url, headers={"Accept-Language": "kk", "If-None-Match": ru_etag}).status_code == 200
    assert client.get(url, headers={"Accept-Language": "ru", "If-None-Match": ru_etag}).status_code == 304
    assert client.get(f"{url}?lang=ru", headers={"If-None-Match": ru_etag}).status_code == 304


def test_http_cache_without_a_matching_language_serves_the_events_language(app, client, multilingual):
    event, _session = multilingual
    event.languages = ["ru", "en", "kk"]
    db.session.commit()
    first = client.get("/e/astana/schedule.xml")
    again = client.get("/e/astana/schedule.xml", headers={"Accept-Language": "fr"})
    english = client.get("/e/astana/schedule.xml", headers={"Accept-Language": "en"})
    assert TITLE["ru"] in _xml_titles(first.data) and first.data == again.data
    assert TITLE["en"] in _xml_titles(english.data)


def test_session_calendar_file_in_the_readers_language(client, multilingual):
    _event, session = multilingual
    url = f"/e/astana/sessions/{session.id}.ics"
    kk = client.get(url, headers={"Accept-Language": "kk"})
    ru = client.get(f"{url}?lang=ru")
    summary = lambda r: [str(e["SUMMARY"]) for e in Calendar.from_ical(r.data).walk("VEVENT")]  # noqa: E731
    assert summary(kk) == [TITLE["kk"]] and summary(ru) == [TITLE["ru"]]
    assert kk.headers["ETag"] != ru.headers["ETag"]
    assert "Accept-Language" in kk.headers["Vary"]
    assert client.get(url, headers={"Accept-Language": "kk", "If-None-Match": kk.headers["ETag"]}).status_code == 304
    assert client.get(url, headers={"Accept-Language": "ru", "If-None-Match": kk.headers["ETag"]}).status_code == 200


def _pdf_lines(response) -> list[str]:
    from tests.checkin.conftest import pdf_text

    return [" ".join(line.replace("\u202f", " ").split()) for text in pdf_text(response.data)
            for line in text.splitlines()]


@pytest.mark.parametrize("lang, track", [("kk", "Су"), ("ru", "Вода"), ("en", "Water")])
def test_agenda_pdf_in_the_readers_language(client, multilingual, caplog, lang, track):
    from app.agenda import exports

    try:
        exports._font_paths()
    except exports.FontMissing as missing:
        pytest.skip(str(missing))
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        response = client.get(f"/e/astana/agenda.pdf?lang={lang}")
    assert "missing the following glyphs" not in caplog.text  # every Kazakh and Russian letter drawn
    lines = _pdf_lines(response)
    text = "\n".join(lines)
    assert lines[0] == EVENT[lang]
    assert TITLE[lang] in text
    assert any(line.startswith(f"{ROOM[lang]} · {track} ·") for line in lines)
    assert "Green bonds workshop" in text  # no version in this language: the one it was written in
    others = [TITLE[other] for other in TITLE if other != lang]
    assert not any(title in text for title in others)
    assert response.headers["Content-Language"] == lang


def test_agenda_pdf_each_language_cached_apart(client, multilingual):
    from app.agenda import exports

    try:
        exports._font_paths()
    except exports.FontMissing as missing:
        pytest.skip(str(missing))
    kk = client.get("/e/astana/agenda.pdf", headers={"Accept-Language": "kk"})
    ru = client.get("/e/astana/agenda.pdf", headers={"Accept-Language": "ru"})
    assert kk.headers["ETag"] != ru.headers["ETag"]
    assert TITLE["ru"] in "\n".join(_pdf_lines(ru)) and TITLE["kk"] in "\n".join(_pdf_lines(kk))
    assert client.get("/e/astana/agenda.pdf?lang=kk", headers={"If-None-Match": kk.headers["ETag"]}).status_code == 304
