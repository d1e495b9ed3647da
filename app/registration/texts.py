"""Registration texts that translators work on (see app/utils/textkinds.py)."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.registration.models import Category, Question
from app.utils.textkinds import TextKind


def _categories(event) -> list[Category]:
    return list(db.session.scalars(select(Category).where(Category.event_id == event.id)
                                   .order_by(Category.position, Category.id)))


def _questions(event) -> list[Question]:
    return list(db.session.scalars(select(Question).where(Question.event_id == event.id)
                                   .order_by(Question.position, Question.id)))


KINDS = (
    TextKind("category", _l("Registration categories"), ("name", "description"),
             load=_categories, describe=lambda c: c.name,
             edit_url=lambda event, c: url_for("registration.manage_category", slug=event.slug, category_id=c.id)),
    TextKind("question", _l("Registration questions"), ("label", "help"),
             load=_questions, describe=lambda q: q.label,
             edit_url=lambda event, _q: url_for("registration.manage_categories", slug=event.slug)),
)
