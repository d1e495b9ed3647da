"""Registration figures on the organiser dashboard, one aggregate query each."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.registration.models import Category, Registration, RegistrationState


def _count_in(state: RegistrationState):
    def count(event) -> int:
        return db.session.scalar(select(func.count(Registration.id)).where(
            Registration.event_id == event.id, Registration.state == state)) or 0
    return count


def approved_by_category(event) -> list[tuple[str, str, int]]:
    """One figure per category: approved delegates, in one grouped query."""
    rows = db.session.execute(
        select(Category.id, Category.name, func.count(Registration.id))
        .outerjoin(Registration, (Registration.category_id == Category.id)
                   & (Registration.state == RegistrationState.approved))
        .where(Category.event_id == event.id, Category.active.is_(True))
        .group_by(Category.id, Category.name, Category.position).order_by(Category.position, Category.id)).all()
    return [(f"registration.category.{cid}", str(_l("Approved: %(category)s", category=name)), n)
            for cid, name, n in rows]


FIGURES = [
    ("registration.submitted", _l("Registrations to review"), _count_in(RegistrationState.submitted)),
    ("registration.approved", _l("Approved delegates"), _count_in(RegistrationState.approved)),
    ("registration.waitlisted", _l("On the waitlist"), _count_in(RegistrationState.waitlisted)),
    ("registration.by_category", _l("Approved by category"), approved_by_category),
]

