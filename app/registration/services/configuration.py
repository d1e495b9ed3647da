"""The organisers' configuration of registration: categories, custom questions
and the event's registration settings; every change audited."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.audit.services import audited_update, record
from app.extensions import db
from app.registration.models import Category, Question, QuestionKind, RegistrationSettings
from app.registration.services.errors import RegistrationError
from app.registration.services.places import fill_free_places, lock_places
from app.registration.services.settings import settings_for
from app.registration.signals import participant_list_toggled


CATEGORY_FIELDS = ("name", "description", "approval", "invite_only", "capacity", "protocol_rank", "position",
                   "active")


SETTINGS_FIELDS = ("capacity", "waitlist_mode", "invited_preapproved", "passport_retention_days",
                   "invitation_days", "participant_list")


def category_name_taken(event, name, *, exclude: Category | None = None) -> bool:
    """True when another category of `event` has this name in any language."""
    stmt = select(Category).where(Category.event_id == event.id)
    if exclude is not None:
        stmt = stmt.where(Category.id != exclude.id)
    return any(other.name.clashes_with(name) for other in db.session.scalars(stmt))


def save_category(event, category: Category | None, data: dict, *, actor) -> Category:
    """Create or change a category; audited. A larger capacity fills free places from the waitlist.
    Refused when another category of the event has the name."""
    if "name" in data and category_name_taken(event, data["name"], exclude=category):
        raise RegistrationError(_l("Another category already has this name."), field="name")
    created = category is None
    if created:
        category = Category(event_id=event.id)
        db.session.add(category)
    audited_update(category, data, CATEGORY_FIELDS, actor=actor,
                   action="category.create" if created else "category.update", event=event,
                   summary=data.get("name") or category.name or "")
    if not created:
        lock_places(event, category)
        fill_free_places(event, category, actor=actor)
    return category


def update_settings(event, data: dict, *, actor) -> RegistrationSettings:
    """Change the event's registration settings; audited. Opening or closing the
    participant list is announced (`participant_list_toggled`): the public agenda's
    menu links to it."""
    settings = settings_for(event)
    was_listed = bool(settings.participant_list)
    audited_update(settings, data, SETTINGS_FIELDS, actor=actor, action="registration.settings", event=event)
    if was_listed != bool(settings.participant_list):
        participant_list_toggled.send(event)
    return settings


QUESTION_FIELDS = ("label", "help", "choices", "required", "position")


def add_question(event, *, label: str, kind: QuestionKind, choices: list, required: bool, position: int,
                 actor, help="") -> Question:
    """A custom question on the form and in exports; audited."""
    question = Question(event_id=event.id, label=label, help=help or "", kind=kind,
                        choices=choices if kind in (QuestionKind.choice, QuestionKind.multi) else [],
                        required=required, position=position)
    db.session.add(question)
    db.session.flush()
    record(actor=actor, action="question.create", obj=question, event=event, summary=str(question.label))
    return question


def update_question(question: Question, data: dict, *, actor) -> dict:
    """Change a question's wording (in any language), choices, whether it is required and
    its order; its kind stays, so the answers already given keep their meaning. Audited."""
    if question.kind not in (QuestionKind.choice, QuestionKind.multi):
        data = {key: value for key, value in data.items() if key != "choices"}
    return audited_update(question, data, QUESTION_FIELDS, actor=actor, action="question.update",
                          event=question.event, summary=str(data.get("label") or question.label)[:250])


def set_question_active(question: Question, active: bool, *, actor) -> None:
    """Hide or show a question; answers already given are kept."""
    audited_update(question, {"active": active}, ("active",), actor=actor, action="question.update",
                   event=question.event, summary=question.label)
