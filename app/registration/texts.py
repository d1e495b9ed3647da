"""Registration texts that translators work on (see app/utils/textkinds.py)."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.registration.models import Category, Delegation, Question, QuestionKind
from app.utils.textkinds import TextKind


def _categories(event) -> list[Category]:
    return list(db.session.scalars(select(Category).where(Category.event_id == event.id)
                                   .order_by(Category.position, Category.id)))


def _questions(event) -> list[Question]:
    return list(db.session.scalars(select(Question).where(Question.event_id == event.id)
                                   .order_by(Question.position, Question.id)))


def _delegations(event) -> list[Delegation]:
    return list(db.session.scalars(select(Delegation).where(Delegation.event_id == event.id)
                                   .order_by(Delegation.protocol_rank, Delegation.id)))


def _choice_questions(event) -> list[Question]:
    return [q for q in _questions(event) if q.kind in (QuestionKind.choice, QuestionKind.multi) and q.choices]


def _store_choices(question: Question, changed: dict) -> dict:
    """The question's list of choices with the changed ones ({key: text}) in place."""
    return {"choices": [{"key": key, **changed.get(key, text).to_json()} for key, text in question.choice_items]}


KINDS = (
    TextKind("category", _l("Registration categories"), ("name", "description"),
             load=_categories, describe=lambda c: c.name,
             edit_url=lambda event, c: url_for("registration.manage_category", slug=event.slug, category_id=c.id)),
    TextKind("question", _l("Registration questions"), ("label", "help"),
             load=_questions, describe=lambda q: q.label,
             edit_url=lambda event, q: url_for("registration.manage_question", slug=event.slug, question_id=q.id)),
    TextKind("choice", _l("Choices of questions"), ("choices",), load=_choice_questions,
             describe=lambda q: q.label, texts=lambda q: q.choice_items, store=_store_choices,
             labels={"*": _l("Choice")},
             edit_url=lambda event, q: url_for("registration.manage_question", slug=event.slug, question_id=q.id)),
    TextKind("delegation", _l("Delegations"), ("name",), load=_delegations, describe=lambda d: d.name,
             edit_url=lambda event, d: url_for("registration.manage_delegation", slug=event.slug,
                                               delegation_id=d.id)),
)
