"""Choices written per language without keys (as the demo seed writes them), are offered in the reader's
language; the answer kept is the choice as first written, whatever the reader's language."""
from __future__ import annotations

from flask_babel import force_locale
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from app.registration.forms import _question_field
from app.registration.models import Question, QuestionKind

CHOICES = [{"en": "Korgalzhyn nature reserve", "ru": "Коргалжынский заповедник", "kk": "Қорғалжын қорығы"},
           "No field visit"]


def _form(kind, data=None):
    class Form(FlaskForm):
        pass

    Form.answer = _question_field(Question(label="Field visit", kind=kind, choices=CHOICES, required=False))
    return Form(formdata=MultiDict(data or {}), meta={"csrf": False})


def test_choices_are_offered_in_the_readers_language(app):
    with app.test_request_context(), force_locale("kk"):
        html = str(_form(QuestionKind.choice).answer)
    assert 'value="Korgalzhyn nature reserve"' in html and ">Қорғалжын қорығы<" in html
    assert "{" not in html


def test_an_answer_given_in_kazakh_is_kept_as_first_written(app):
    with app.test_request_context(), force_locale("kk"):
        form = _form(QuestionKind.multi, [("answer", "Korgalzhyn nature reserve"), ("answer", "No field visit")])
        assert form.validate(), form.errors
        assert form.answer.data == ["Korgalzhyn nature reserve", "No field visit"]
