"""The translator round trip reaches every organiser-written text: the choices of a
question and the wording of visa-support letters are counted, exported, imported after
a preview and then read in the new language."""
from __future__ import annotations

from datetime import date

from lxml import etree

from app.checkin import services as onsite
from app.checkin.services import letters
from app.extensions import db
from app.registration import services as registration
from app.registration.models import Question, QuestionKind
from tests.checkin.conftest import make_delegate, pdf_text
from tests.factories import flashes, login, make_category, make_user, page
from tests.organiser.test_translations import (XLF, _cell, _confirm, _export, _fill_xliff, _upload,  # noqa: F401
                                               secretariat, summit)


def _trip(event) -> Question:
    question = registration.add_question(
        event, label={"en": "Which field trip?", "ru": "Какая экскурсия?", "kk": "Қай экскурсия?"},
        kind=QuestionKind.choice, required=False, position=0, actor=None,
        choices=[{"key": "c1", "en": "Lake Burabay", "ru": "Озеро Бурабай"}, {"key": "c2", "en": "City tour"}])
    db.session.commit()
    return question


def _summary(response) -> dict[str, str]:
    return {li.get("data-what"): li.text_content() for li in page(response).xpath('//ul[@id="import-summary"]/li')}


def test_question_choices_are_counted_exported_and_imported_into_the_registration_form(app, client, summit,
                                                                                          secretariat):
    event = summit[0]
    question = _trip(event)
    doc = page(client.get("/e/astana/manage/translations"))
    assert _cell(doc, "choice", "kk", "missing") == 2 and _cell(doc, "choice", "ru", "missing") == 1
    link = doc.xpath(f'//tr[@data-unit="choice.{question.id}.c2"]//a/@href')[0]
    assert link == f"/e/astana/manage/questions/{question.id}"
    row = doc.xpath(f'//tr[@data-unit="choice.{question.id}.c2"]')[0].text_content()
    assert "Which field trip?" in row and "(Choice)" in row and "City tour" in row

    root = etree.fromstring(_export(client, lang="kk", format="xliff", scope="todo").data)
    units = {tu.get("id"): tu for tu in root.iter(f"{XLF}trans-unit")}
    assert units[f"choice.{question.id}.c1"].find(f"{XLF}source").text == "Lake Burabay"
    filled = _fill_xliff(etree.tostring(root), {f"choice.{question.id}.c1": "Бурабай көлі",
                                                 f"choice.{question.id}.c2": "Қала турын"})
    preview = _upload(client, filled, "astana-kk.xlf")
    assert _summary(preview)["new"].endswith(": 2")
    assert "2 translations applied." in flashes(_confirm(client, preview))

    db.session.expire_all()
    stored = db.session.get(Question, question.id)
    assert [(key, text.get("kk"), text.get("ru")) for key, text in stored.choice_items] == [
        ("c1", "Бурабай көлі", "Озеро Бурабай"), ("c2", "Қала турын", "")]
    delegate = app.test_client()
    login(delegate, make_user())
    form = page(delegate.get("/e/astana/register?lang=kk"))
    options = [(o.get("value"), o.text) for o in form.xpath(f'//select[@name="q_{question.id}"]/option')][1:]
    assert options == [("c1", "Бурабай көлі"), ("c2", "Қала турын")]
    assert _cell(page(client.get("/e/astana/manage/translations")), "choice", "kk", "missing") == 0

    # The English choice reworded on the question's page: its translations are now stale.
    client.post(f"/e/astana/manage/questions/{question.id}", data={
        "label-en": "Which field trip?", "choices-en": "Lake Burabay and Shchuchinsk\nCity tour",
        "submit": "Save question"})
    doc = page(client.get("/e/astana/manage/translations"))
    assert _cell(doc, "choice", "kk", "stale") == 1 and _cell(doc, "choice", "ru", "stale") == 1
    po_catalog = _export(client, lang="kk", format="po", scope="todo").get_data(as_text=True)
    assert f'msgctxt "choice.{question.id}.c1"' in po_catalog and "#, fuzzy" in po_catalog


def test_letter_wording_round_trip_reaches_the_kazakh_letter(app, client, summit, secretariat):
    event = summit[0]
    onsite.update_settings(event, {
        "letter_signatory_title": {"en": "Head of the Secretariat"},
        "letter_body": {"en": "{addressee}\n\nDear consul, {name} takes part in {event}."},
    }, actor=secretariat)
    category = make_category(event, name={"en": "Government"})
    person = make_delegate(event, category, given="Farrukh", family="Iqbal", honorific="Mr", nationality="PK",
                           visa_letter_needed=True, passport_number="AB1234567", passport_expiry=date(2031, 5, 1),
                           date_of_birth=date(1980, 2, 3))
    letter = letters.issue_letter(person, actor=secretariat)
    db.session.commit()
    doc = page(client.get("/e/astana/manage/translations"))
    assert _cell(doc, "letter", "kk", "missing") == 2
    settings_id = onsite.settings_for(event).id
    exported = _export(client, lang="kk", format="xliff", scope="todo").data
    ids = {tu.get("id") for tu in etree.fromstring(exported).iter(f"{XLF}trans-unit")}
    assert {f"letter.{settings_id}.letter_signatory_title", f"letter.{settings_id}.letter_body"} <= ids

    # A body naming a placeholder the letter does not fill is refused; the rest is applied.
    filled = _fill_xliff(exported, {f"letter.{settings_id}.letter_signatory_title": "Хатшылық басшысы",
                                    f"letter.{settings_id}.letter_body": "{addressee}\n\nҚұрметті консул, {nme}."})
    preview = _upload(client, filled, "astana-kk.xlf")
    assert _summary(preview)["new"].endswith(": 1") and _summary(preview)["refused"].endswith(": 1")
    assert "Unknown placeholders" in page(preview).xpath('//ul[@id="import-refused"]')[0].text_content()
    row = page(preview).xpath(f'//tr[@data-unit="letter.{settings_id}.letter_signatory_title"]')[0].text_content()
    assert "Visa-support letter (Signatory's position)" in row and "Хатшылық басшысы" in row
    _confirm(client, preview)
    db.session.expire_all()
    kazakh = " ".join(pdf_text(letters.letter_pdf(letter, "kk"))[0].split())
    assert "Хатшылық басшысы" in kazakh and "Head of the Secretariat" not in kazakh
    assert "Head of the Secretariat" in " ".join(pdf_text(letters.letter_pdf(letter, "en"))[0].split())
    # A body with the letter's own placeholders goes in.
    good = _fill_xliff(exported, {f"letter.{settings_id}.letter_body": "{addressee}\n\nҚұрметті консул, {name} "
                                                                          "«{event}» іс-шарасына қатысады."})
    _confirm(client, _upload(client, good, "astana-kk.xlf"))
    kazakh = " ".join(pdf_text(letters.letter_pdf(letter, "kk"))[0].split())
    assert "Құрметті консул, Мырза Farrukh Iqbal «Астана саммиті» іс-шарасына қатысады." in kazakh
