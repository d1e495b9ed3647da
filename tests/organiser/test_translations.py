"""The secretariat's translation pages: what is missing or stale per language, export
for a translator as XLIFF or PO, and import with a preview and an explicit confirm."""
from __future__ import annotations

import base64
import zlib
from io import BytesIO

import pytest
from babel.messages.pofile import read_po, write_po
from lxml import etree

from app.agenda import services as agenda_services
from app.agenda.models import AgendaSession
from app.extensions import db
from app.utils.translated import Translated
from tests.agenda.conftest import ZONE, DAY1, add_session, at
from tests.factories import (audit_actions, field_error, flashes, grant, login_session, make_category, make_event,
                             make_user, page)

XLF = "{urn:oasis:names:tc:xliff:document:1.2}"


@pytest.fixture
def summit(db):
    from app.agenda.models import Room

    event = make_event("astana", timezone=ZONE, start_date=DAY1, end_date=DAY1, languages=["en", "ru", "kk"],
                       title={"en": "Astana Summit", "ru": "Астанинский саммит", "kk": "Астана саммиті"})
    room = Room(event=event, name={"en": "Plenary hall", "ru": "Пленарный зал"}, position=0)
    db.session.add(room)
    db.session.flush()
    water = add_session(event, room, at(9), at(10),
                        title={"en": "Water security", "ru": "Водная безопасность", "kk": "Су қауіпсіздігі"})
    finance = add_session(event, room, at(11), at(12), title={"en": "Green finance"},
                          abstract={"en": "Money for **green** projects."})
    make_category(event, name={"en": "Delegate", "ru": "Делегат"})
    db.session.flush()
    return event, room, water, finance


@pytest.fixture
def secretariat(client, summit):
    user = make_user("secretariat@example.org")
    grant(user, summit[0], "secretariat")
    db.session.commit()
    login_session(client, user)
    return user


def _cell(doc, kind, lang, what) -> int:
    return int(doc.xpath(f'//table[@id="translation-status"]//tr[@data-kind="{kind}"]'
                         f'/td[@data-lang="{lang}"][@data-what="{what}"]')[0].text_content())


def test_status_counts_missing_and_stale_texts_per_kind_and_language(client, summit, secretariat):
    event, room, water, finance = summit
    # The English title changes after translation: both translations become stale.
    water.title = water.title.with_text("en", "Water security in Central Asia")
    db.session.commit()
    doc = page(client.get("/e/astana/manage/translations"))
    # Sessions: titles (2) and one abstract.
    assert _cell(doc, "session", "kk", "missing") == 2  # finance's title and abstract
    assert _cell(doc, "session", "kk", "stale") == 1  # water's title
    assert _cell(doc, "session", "ru", "missing") == 2
    assert _cell(doc, "session", "ru", "stale") == 1
    assert _cell(doc, "room", "kk", "missing") == 1 and _cell(doc, "room", "ru", "missing") == 0
    assert _cell(doc, "category", "kk", "missing") == 1
    assert _cell(doc, "event", "kk", "missing") == 1  # the city, "Astana", in English only
    # The list links each text to where it is edited; complete texts are not listed.
    todo = doc.xpath('//table[@id="translation-todo"]//tr/@data-unit')
    assert f"session.{water.id}.title" in todo and f"event.{event.id}.title" not in todo
    link = doc.xpath(f'//tr[@data-unit="session.{finance.id}.title"]//a/@href')[0]
    assert link == f"/e/astana/manage/agenda/sessions/{finance.id}"
    stale_row = doc.xpath(f'//tr[@data-unit="session.{water.id}.title"]')[0].text_content()
    assert "stale" in stale_row


def test_status_page_runs_the_same_number_of_queries_however_many_texts(client, summit, secretariat,
                                                                           count_queries):
    from tests.factories import queries_for

    event, room, *_ = summit
    before = queries_for(client, "/e/astana/manage/translations", count_queries)
    for hour in (13, 14, 15, 16):
        add_session(event, room, at(hour), at(hour, 45), title={"en": f"Panel {hour}"})
    make_category(event, name={"en": "Observer"})
    assert queries_for(client, "/e/astana/manage/translations", count_queries) == before


def test_only_the_secretariat_opens_the_translation_pages(client, summit):
    user = make_user("programme@example.org")
    grant(user, summit[0], "programme")
    db.session.commit()
    login_session(client, user)
    assert client.get("/e/astana/manage/translations").status_code == 403
    assert client.get("/e/astana/manage/translations/export?lang=kk").status_code == 403
    assert client.post("/e/astana/manage/translations/import").status_code == 403


def _export(client, **args):
    response = client.get("/e/astana/manage/translations/export", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response


def test_xliff_export_of_missing_kazakh_texts_flags_stale_ones(client, summit, secretariat):
    event, room, water, finance = summit
    water.title = water.title.with_text("en", "Water security in Central Asia")
    db.session.commit()
    response = _export(client, lang="kk", format="xliff", scope="todo")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="astana-kk.xlf"')
    root = etree.fromstring(response.data)
    file_el = root.find(f"{XLF}file")
    assert (file_el.get("source-language"), file_el.get("target-language")) == ("en", "kk")
    units = {tu.get("id"): tu for tu in root.iter(f"{XLF}trans-unit")}
    assert f"session.{finance.id}.title" in units and f"session.{finance.id}.abstract" in units
    assert f"event.{event.id}.title" not in units  # already in Kazakh
    assert units[f"session.{finance.id}.title"].find(f"{XLF}source").text == "Green finance"
    assert units[f"session.{finance.id}.title"].find(f"{XLF}target").get("state") == "needs-translation"
    stale = units[f"session.{water.id}.title"].find(f"{XLF}target")
    assert (stale.text, stale.get("state")) == ("Су қауіпсіздігі", "needs-review-translation")
    everything = etree.fromstring(_export(client, lang="kk", format="xliff", scope="all").data)
    assert f"event.{event.id}.title" in {tu.get("id") for tu in everything.iter(f"{XLF}trans-unit")}


def _fill_xliff(data: bytes, translations: dict[str, str]) -> bytes:
    """The exported file with targets filled in; an id not in the file is added as a new unit."""
    root = etree.fromstring(data)
    body = root.find(f"{XLF}file/{XLF}body")
    known = {tu.get("id") for tu in root.iter(f"{XLF}trans-unit")}
    for unit_id in set(translations) - known:
        tu = etree.SubElement(body, f"{XLF}trans-unit", id=unit_id)
        etree.SubElement(tu, f"{XLF}source").text = "Unknown"
        etree.SubElement(tu, f"{XLF}target")
    for tu in root.iter(f"{XLF}trans-unit"):
        if tu.get("id") in translations:
            target = tu.find(f"{XLF}target")
            target.text = translations[tu.get("id")]
            target.set("state", "translated")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _upload(client, data: bytes, name: str, lang: str = "kk"):
    return client.post("/e/astana/manage/translations/import",
                       data={"lang": lang, "file": (BytesIO(data), name)}, content_type="multipart/form-data")


def _confirm(client, preview_response):
    doc = page(preview_response)
    fields = {el.get("name"): el.get("value") for el in doc.xpath("//form//input[@type='hidden']")}
    return client.post("/e/astana/manage/translations/import/confirm", data=fields, follow_redirects=True)


def test_round_trip_missing_kazakh_texts_reach_the_public_agenda(app, client, summit, secretariat):
    event, room, water, finance = summit
    agenda_services.publish_agenda(event, actor=None)
    db.session.commit()
    exported = _export(client, lang="kk", format="xliff", scope="todo").data
    filled = _fill_xliff(exported, {f"session.{finance.id}.title": "Жасыл қаржы",
                                    f"room.{room.id}.name": "Пленарлық зал",
                                    "session.99999.title": "Белгісіз"})
    preview = _upload(client, filled, "astana-kk.xlf")
    assert preview.status_code == 200
    summary = {li.get("data-what"): li.text_content() for li in page(preview).xpath('//ul[@id="import-summary"]/li')}
    assert summary["new"].endswith(": 2") and summary["unknown"].endswith(": 1")
    assert summary["changed"].endswith(": 0")
    # Nothing is written before the confirmation.
    db.session.expire_all()
    assert not db.session.get(AgendaSession, finance.id).title.has("kk")
    response = _confirm(client, preview)
    assert "2 translations applied." in flashes(response)
    db.session.expire_all()
    assert db.session.get(AgendaSession, finance.id).title.get("kk") == "Жасыл қаржы"
    assert "translation.import" in audit_actions() and "translation.import_file" in audit_actions()
    # Seen on the public agenda in Kazakh once published; English readers still read English.
    agenda_services.publish_agenda(event, actor=None)
    db.session.commit()
    visitor = app.test_client()
    kazakh = visitor.get("/e/astana/agenda?lang=kk").get_data(as_text=True)
    assert "Жасыл қаржы" in kazakh and "Су қауіпсіздігі" in kazakh
    assert "Жасыл қаржы" not in visitor.get("/e/astana/agenda?lang=en").get_data(as_text=True)
    # Translated now: the status page no longer counts it (only the abstract is left in Kazakh).
    doc = page(client.get("/e/astana/manage/translations"))
    assert _cell(doc, "session", "kk", "missing") == 1 and _cell(doc, "room", "kk", "missing") == 0


def test_po_round_trip_and_stale_translations_marked_fuzzy(client, summit, secretariat):
    event, room, water, finance = summit
    water.title = water.title.with_text("en", "Water security in Central Asia")
    db.session.commit()
    response = _export(client, lang="ru", format="po", scope="todo")
    catalog = read_po(BytesIO(response.data))
    by_context = {m.context: m for m in catalog if m.id}
    assert by_context[f"session.{water.id}.title"].fuzzy
    assert not by_context[f"session.{finance.id}.title"].fuzzy
    by_context[f"session.{water.id}.title"].string = "Водная безопасность в Центральной Азии"
    by_context[f"session.{water.id}.title"].flags.discard("fuzzy")
    by_context[f"session.{finance.id}.title"].string = "Зелёные финансы"
    out = BytesIO()
    write_po(out, catalog)
    preview = _upload(client, out.getvalue(), "astana-ru.po", lang="ru")
    summary = {li.get("data-what"): li.text_content() for li in page(preview).xpath('//ul[@id="import-summary"]/li')}
    assert summary["new"].endswith(": 1") and summary["changed"].endswith(": 1")
    _confirm(client, preview)
    db.session.expire_all()
    title = db.session.get(AgendaSession, water.id).title
    assert title.get("ru") == "Водная безопасность в Центральной Азии" and not title.is_stale("ru")
    assert title.is_stale("kk")  # the Kazakh one is still to review


def test_a_translation_of_a_source_changed_since_the_export_is_not_applied(client, summit, secretariat):
    event, room, water, finance = summit
    exported = _export(client, lang="kk", format="xliff", scope="todo").data
    finance.title = finance.title.with_text("en", "Green and blended finance")
    db.session.commit()
    preview = _upload(client, _fill_xliff(exported, {f"session.{finance.id}.title": "Жасыл қаржы"}), "kk.xlf")
    summary = {li.get("data-what"): li.text_content() for li in page(preview).xpath('//ul[@id="import-summary"]/li')}
    assert summary["stale_source"].endswith(": 1") and summary["new"].endswith(": 0")
    assert "Apply these translations" not in preview.get_data(as_text=True)


@pytest.mark.parametrize("content, name, message", [
    (b"", "kk.xlf", "The file is empty."),
    (b"<xliff version='1.2'><file", "kk.xlf", "not valid XML"),
    (b"<?xml version='1.0'?><html/>", "kk.xlf", "not an XLIFF 1.2 file"),
    (b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file original="x" '
     b'source-language="en" target-language="ru" datatype="plaintext"><body/></file></xliff>', "ru.xlf",
     "not into"),
    (b'msgid "a"\nmsgstr "b"\nmsgid "unterminated\n', "kk.po", "cannot be read"),
    (b"just some words", "notes.txt", "Upload an XLIFF (.xlf) or PO (.po) file."),
    (b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><xliff version='1.2'><file target-language='kk'>"
     b"<body><trans-unit id='a'><source>&e;</source></trans-unit></body></file></xliff>", "kk.xlf", None),
])
def test_bad_files_get_a_clear_message_never_a_500(client, summit, secretariat, content, name, message):
    response = _upload(client, content, name)
    assert response.status_code in (200, 400)
    if message is not None:
        assert response.status_code == 400
        assert message in field_error(response, "file")
    assert "root:" not in response.get_data(as_text=True)


def test_a_file_over_the_size_limit_is_refused(client, summit, secretariat):
    response = _upload(client, b"<" + b"x" * (2 * 1024 * 1024 + 10), "kk.xlf")
    assert response.status_code == 400
    assert "too large" in field_error(response, "file")


def test_a_tampered_confirmation_changes_nothing(client, summit, secretariat):
    event, room, water, finance = summit
    bad = base64.b64encode(zlib.compress(b"not a file")).decode()
    response = client.post("/e/astana/manage/translations/import/confirm",
                           data={"lang": "kk", "filename": "kk.xlf", "content": bad}, follow_redirects=True)
    assert response.status_code == 200
    assert "The translations could not be applied: upload the file again." in flashes(response)
    response = client.post("/e/astana/manage/translations/import/confirm",
                           data={"lang": "de", "filename": "kk.xlf", "content": "!!"}, follow_redirects=True)
    assert "The translations could not be applied: upload the file again." in flashes(response)
    assert "translation.import_file" not in audit_actions()


def test_export_without_choices_gives_the_missing_texts_of_the_first_language(client, summit, secretariat):
    root = etree.fromstring(_export(client).data)
    assert root.find(f"{XLF}file").get("target-language") == "ru"


def test_an_event_in_one_language_has_nothing_to_translate(client, secretariat):
    event = make_event("solo", languages=["en"])
    grant(secretariat, event, "secretariat")
    db.session.commit()
    assert "nothing to translate" in client.get("/e/solo/manage/translations").get_data(as_text=True)
    assert client.get("/e/solo/manage/translations/export").status_code == 400


def test_translated_value_unchanged_import_reports_unchanged(client, summit, secretariat):
    event, room, water, finance = summit
    exported = _export(client, lang="kk", format="xliff", scope="all").data
    preview = _upload(client, exported, "kk.xlf")
    summary = {li.get("data-what"): li.text_content() for li in page(preview).xpath('//ul[@id="import-summary"]/li')}
    assert summary["unchanged"].endswith(": 2")  # the event's title and the water session's title
    assert summary["new"].endswith(": 0")
    assert Translated.coerce(water.title).get("kk") == "Су қауіпсіздігі"


def test_biographies_are_listed_with_the_speakers_name_and_a_link_to_their_page(client, summit, secretariat):
    from app.speakers.models import SpeakerProfile

    speaker = make_user("speaker@example.org", given_name="Dinara", family_name="Sultanbekova")
    db.session.add(SpeakerProfile(event_id=summit[0].id, user_id=speaker.id, links=[],
                                  bio={"en": "Hydrologist.", "ru": "Гидролог."}))
    db.session.commit()
    doc = page(client.get("/e/astana/manage/translations"))
    assert _cell(doc, "speaker", "kk", "missing") == 1 and _cell(doc, "speaker", "ru", "missing") == 0
    row = doc.xpath('//tr[starts-with(@data-unit, "speaker.")]')[0]
    assert row.xpath(".//a/@href") == [f"/e/astana/manage/speakers/people/{speaker.id}"]
