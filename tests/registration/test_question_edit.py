"""A question's wording and choices changed after it was added, in any language of the
event: the registration form follows, earlier answers keep their meaning, and the
translations of a reworded text are marked as out of date."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.registration import services
from app.registration.models import Question, QuestionKind
from tests.factories import (audit_actions, field_error, flashes, grant, login, make_category, make_event, make_user,
                             page)


def _secretariat(client, event):
    user = make_user()
    grant(user, event, "secretariat")
    db.session.commit()
    login(client, user)
    return user


def _trip(event) -> Question:
    question = services.add_question(event, label={"en": "Which field trip?"}, kind=QuestionKind.choice,
                                     choices=[{"key": "c1", "en": "Lake Burabay"}, {"key": "c2", "en": "City tour"},
                                              {"key": "c3", "en": "No trip"}],
                                     required=False, position=0, actor=None)
    db.session.commit()
    return question


def _options(client, event, question, lang):
    doc = page(client.get(f"/e/{event.slug}/register?lang={lang}"))
    return [(o.get("value"), o.text) for o in doc.xpath(f'//select[@name="q_{question.id}"]/option')][1:]


def test_help_text_given_when_adding_a_question_is_kept_and_shown(app, client, db):
    event = make_event(languages=["en", "kk"])
    make_category(event, "Delegate")
    _secretariat(client, event)
    response = client.post(f"/e/{event.slug}/manage/categories", data={
        "question-label-en": "Dietary needs", "question-help-en": "For the lunches and the gala dinner.",
        "question-help-kk": "Түскі ас пен гала-кешке арналған.", "question-kind": "text",
        "question-submit": "Add question"})
    assert response.status_code == 302
    question = db.session.scalar(select(Question).where(Question.event_id == event.id))
    assert question.help.texts == {"en": "For the lunches and the gala dinner.",
                                   "kk": "Түскі ас пен гала-кешке арналған."}
    assert "Түскі ас пен гала-кешке арналған." in client.get(f"/e/{event.slug}/register?lang=kk").get_data(as_text=True)


def test_kazakh_wording_and_choices_added_later_reach_the_registration_form(app, client, db):
    event = make_event(languages=["en", "ru", "kk"])
    make_category(event, "Delegate")
    question = _trip(event)
    _secretariat(client, event)
    listing = page(client.get(f"/e/{event.slug}/manage/categories"))
    assert listing.xpath(f'//a[@href="/e/{event.slug}/manage/questions/{question.id}"]')
    form = page(client.get(f"/e/{event.slug}/manage/questions/{question.id}"))
    assert form.xpath('//textarea[@name="choices-en"]')[0].text_content() == "Lake Burabay\nCity tour\nNo trip"
    assert not form.xpath('//select[@name="kind"]')  # the kind stays: answers keep their meaning
    response = client.post(f"/e/{event.slug}/manage/questions/{question.id}", data={
        "label-en": "Which field trip?", "label-kk": "Қай экскурсия?", "help-kk": "Бір нұсқаны таңдаңыз.",
        "choices-en": "Lake Burabay\nCity tour\nNo trip", "choices-kk": "Бурабай көлі\nҚала турын\nЭкскурсиясыз",
        "position": "0", "submit": "Save question"})
    assert response.status_code == 302
    assert "Question saved." in flashes(client.get(response.headers["Location"]))
    assert "question.update" in audit_actions()
    db.session.expire_all()
    visitor = app.test_client()
    login(visitor, make_user())
    assert _options(visitor, event, question, "kk") == [("c1", "Бурабай көлі"), ("c2", "Қала турын"),
                                                        ("c3", "Экскурсиясыз")]
    assert _options(visitor, event, question, "ru") == [("c1", "Lake Burabay"), ("c2", "City tour"), ("c3", "No trip")]
    kazakh = visitor.get(f"/e/{event.slug}/register?lang=kk").get_data(as_text=True)
    assert "Қай экскурсия?" in kazakh and "Бір нұсқаны таңдаңыз." in kazakh


def test_a_reworded_choice_keeps_its_key_and_its_translation_is_marked_stale(app, client, db):
    event = make_event(languages=["en", "kk"])
    make_category(event, "Delegate")
    question = _trip(event)
    _secretariat(client, event)
    url = f"/e/{event.slug}/manage/questions/{question.id}"
    client.post(url, data={"label-en": "Which field trip?", "choices-en": "Lake Burabay\nCity tour\nNo trip",
                           "choices-kk": "Бурабай көлі\nҚала турын\nЭкскурсиясыз", "submit": "Save question"})
    # "City tour" is reworded in place and a new choice added at the end.
    response = client.post(url, data={"label-en": "Which field trip?", "choices-en":
                                      "Lake Burabay\nWalking tour of Astana\nNo trip\nKorgalzhyn reserve",
                                      "choices-kk": "Бурабай көлі\nҚала турын\nЭкскурсиясыз",
                                      "submit": "Save question"})
    assert response.status_code == 302
    db.session.expire_all()
    items = db.session.get(Question, question.id).choice_items
    assert [key for key, _text in items] == ["c1", "c2", "c3", "c4"]
    assert items[1][1].get("en") == "Walking tour of Astana"
    # The Kazakh line under the reworded choice was written for the old English text.
    assert items[1][1].is_stale("kk") and not items[0][1].is_stale("kk") and not items[2][1].is_stale("kk")
    assert not items[3][1].has("kk")
    form = page(client.get(url))
    assert form.xpath('//textarea[@name="choices-kk"]')[0].text_content() == "Бурабай көлі\nҚала турын\nЭкскурсиясыз"
    panel = form.xpath('//textarea[@name="choices-kk"]/ancestor::*[@data-translated-panel="kk"]')[0]
    assert panel.get("data-note") == "stale"


def test_a_choice_question_keeps_at_least_two_choices_and_other_events_questions_are_out_of_reach(app, client, db):
    event = make_event(languages=["en", "kk"])
    question = _trip(event)
    other = make_event(languages=["en"])
    _secretariat(client, other)
    assert client.get(f"/e/{other.slug}/manage/questions/{question.id}").status_code == 404
    client = app.test_client()
    _secretariat(client, event)
    response = client.post(f"/e/{event.slug}/manage/questions/{question.id}",
                           data={"label-en": "Which field trip?", "choices-en": "Only one", "submit": "Save question"})
    assert response.status_code == 200
    assert "Give at least two choices" in field_error(response, "choices")
    db.session.expire_all()
    assert len(db.session.get(Question, question.id).choices) == 3


def test_a_choice_taken_out_leaves_the_others_their_keys(app, client, db):
    event = make_event(languages=["en", "kk"])
    question = _trip(event)
    _secretariat(client, event)
    client.post(f"/e/{event.slug}/manage/questions/{question.id}",
                data={"label-en": "Which field trip?", "choices-en": "City tour\nNo trip", "submit": "Save question"})
    db.session.expire_all()
    assert [(key, text.get("en")) for key, text in db.session.get(Question, question.id).choice_items] == [
        ("c2", "City tour"), ("c3", "No trip")]
