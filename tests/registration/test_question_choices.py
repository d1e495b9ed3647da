"""Question choices in every language of the event, each with a stable key: the form
shows them in the reader's language, answers keep their meaning."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.registration import services
from app.registration.models import Question, QuestionKind, Registration
from tests.factories import grant, login, make_category, make_event, make_user, page
from tests.registration.conftest import details, form_data


def _officer(client, event):
    user = make_user()
    grant(user, event, "secretariat")
    db.session.commit()
    login(client, user)
    return user


def test_choices_written_in_three_languages_are_read_in_the_readers_language(app, client, db):
    event = make_event(languages=["en", "ru", "kk"])
    category = make_category(event, "Delegate")
    _officer(client, event)
    response = client.post(f"/e/{event.slug}/manage/categories", data={
        "question-label-en": "Which field trip?", "question-label-kk": "Қай экскурсия?", "question-kind": "choice",
        "question-choices-en": "Lake Burabay\nCity tour", "question-choices-ru": "Озеро Бурабай\nЭкскурсия по городу",
        "question-choices-kk": "Бурабай көлі\nҚала турын", "question-submit": "Add question"})
    assert response.status_code == 302
    question = db.session.scalar(select(Question).where(Question.event_id == event.id))
    assert question.choices == [
        {"key": "c1", "en": "Lake Burabay", "ru": "Озеро Бурабай", "kk": "Бурабай көлі"},
        {"key": "c2", "en": "City tour", "ru": "Экскурсия по городу", "kk": "Қала турын"}]

    delegate = make_user()
    db.session.commit()
    visitor = app.test_client()
    login(visitor, delegate)
    doc = page(visitor.get(f"/e/{event.slug}/register?lang=kk"))
    options = [(o.get("value"), o.text) for o in doc.xpath(f'//select[@name="q_{question.id}"]/option')]
    assert options == [("", "—"), ("c1", "Бурабай көлі"), ("c2", "Қала турын")]
    response = visitor.post(f"/e/{event.slug}/register", data=form_data(category, **{f"q_{question.id}": "c2"}))
    assert response.status_code == 302
    registration = db.session.scalar(select(Registration).where(Registration.user_id == delegate.id))
    assert registration.answers[str(question.id)] == "c2"
    # Read back in the reader's language: the organiser in Russian, the delegate in Kazakh.
    detail = page(client.get(f"/e/{event.slug}/manage/registrations/{registration.id}?lang=ru"))
    assert "Экскурсия по городу" in detail.text_content()
    assert "Қала турын" in page(visitor.get(f"/e/{event.slug}/my-registration?lang=kk")).text_content()


def test_choices_written_before_languages_keep_the_answers_they_have(db):
    event = make_event()
    category = make_category(event, "Delegate")
    question = services.add_question(event, label="Trip", kind=QuestionKind.multi, choices=["Burabay", "City tour"],
                                     required=False, position=0, actor=None)
    user = make_user()
    registration = services.create_registration(event, user, details(), category=category, actor=user)
    registration.answers = {str(question.id): ["City tour"]}
    db.session.flush()
    assert services.answer_text(question, ["City tour"]) == "City tour"
    question.choices = _migration()._to_objects(question.choices, "en")
    db.session.flush()
    assert question.choices == [{"key": "Burabay", "en": "Burabay"}, {"key": "City tour", "en": "City tour"}]
    assert services.answer_text(question, registration.answers[str(question.id)]) == "City tour"


def _migration():
    path = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0018_i18n_screens.py"
    spec = importlib.util.spec_from_file_location("choices_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_turns_texts_into_keyed_choices_and_back():
    migration = _migration()
    objects = migration._to_objects(["Lake", "Tour"], "ru")
    assert objects == [{"key": "Lake", "ru": "Lake"}, {"key": "Tour", "ru": "Tour"}]
    assert migration._to_texts(objects, "ru") == ["Lake", "Tour"]
