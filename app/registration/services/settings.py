"""What every part of registration reads: the event's settings, its categories
and questions, a person's live registration."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.registration.models import Category, Question, Registration, RegistrationSettings, RegistrationState


def settings_for(event) -> RegistrationSettings:
    """The event's registration settings, created with defaults when missing."""
    settings = db.session.scalar(select(RegistrationSettings).where(RegistrationSettings.event_id == event.id))
    if settings is None:
        # Two first requests may race to create the row: the loser reads the winner's.
        try:
            with db.session.begin_nested():
                settings = RegistrationSettings(event_id=event.id)
                db.session.add(settings)
        except IntegrityError:
            settings = db.session.scalar(select(RegistrationSettings)
                                         .where(RegistrationSettings.event_id == event.id))
    return settings


def categories(event, *, public_only: bool = False) -> list[Category]:
    stmt = select(Category).where(Category.event_id == event.id, Category.active.is_(True))
    if public_only:
        stmt = stmt.where(Category.invite_only.is_(False))
    return list(db.session.scalars(stmt.order_by(Category.position, Category.id)))


def questions(event) -> list[Question]:
    return list(db.session.scalars(select(Question).where(Question.event_id == event.id, Question.active.is_(True))
                                   .order_by(Question.position, Question.id)))


def all_categories(event) -> list[Category]:
    """Every category of the event, switched off or not, as the organisers configure them."""
    return list(db.session.scalars(select(Category).where(Category.event_id == event.id)
                                   .order_by(Category.position, Category.id)))


def all_questions(event) -> list[Question]:
    """Every custom question of the event, switched off or not."""
    return list(db.session.scalars(select(Question).where(Question.event_id == event.id)
                                   .order_by(Question.position, Question.id)))


def has_live_registration(user, event) -> bool:
    """Whether `user` has a registration for `event` that is not cancelled (the menu's
    "My registration" or "Register")."""
    return db.session.scalar(select(has_live_registration_clause(user, event))) or False


def has_live_registration_clause(user, event):
    """`has_live_registration` as an SQL condition (read with the menu's other facts in one query)."""
    return select(Registration.id).where(Registration.event_id == event.id, Registration.user_id == user.id,
                                         Registration.state != RegistrationState.cancelled).exists()


def live_registration(event, user) -> Registration | None:
    """The person's registration for `event` that is not cancelled, if any."""
    if user is None or not getattr(user, "is_authenticated", True):
        return None
    return db.session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.user_id == user.id,
        Registration.state != RegistrationState.cancelled))
