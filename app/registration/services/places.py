"""Capacity and the waitlist.

A registration "holds a place" while it is approved (or back in review after an
approved delegate changed their name, or offered a place from the waitlist). Every
change to who holds a place first takes the place lock (`lock_places`), so
concurrent submissions never approve more delegates than the capacity allows.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app.audit.services import record
from app.extensions import db
from app.registration.models import Category, Registration, RegistrationSettings, RegistrationState, WaitlistMode
from app.registration.services.errors import IllegalTransition
from app.registration.services.settings import settings_for
from app.registration.services.transitions import ALLOWED, notify_delegate, transition
from app.utils.locks import serialising
from app.utils.time import utcnow


@serialising("places")
def lock_places(event, category: Category, registration: Registration | None = None) -> None:
    """Serialise every change to who holds a place in `category` (and in the event,
    when the event has a capacity), until the transaction ends.

    PostgreSQL: SELECT ... FOR UPDATE on the settings row, then the category row,
    always in that order, so two transactions never wait on each other in a circle.
    SQLite: a write to the category row; SQLite allows one writer at a time, so
    the write holds every other writer back until this transaction ends.
    """
    settings = settings_for(event)
    if db.session.get_bind().dialect.name == "postgresql":
        if settings.capacity is not None:
            db.session.execute(select(RegistrationSettings.id).where(RegistrationSettings.id == settings.id)
                               .with_for_update(key_share=True))
        # NO KEY UPDATE: registrations referencing the category hold KEY SHARE locks on
        # its row (foreign key checks); a plain FOR UPDATE would deadlock against them.
        db.session.execute(select(Category.id).where(Category.id == category.id).with_for_update(key_share=True))
    else:
        db.session.execute(update(Category).where(Category.id == category.id)
                           .values(lock_version=Category.lock_version + 1)
                           .execution_options(synchronize_session=False))
    if registration is not None and registration.id is not None:
        # Another transaction may have promoted or changed it while we waited.
        db.session.refresh(registration, ["state", "holds_place", "offered_at"])


def places_taken(category: Category) -> int:
    return db.session.scalar(select(func.count(Registration.id)).where(
        Registration.category_id == category.id, Registration.holds_place.is_(True))) or 0


def has_free_place(event, category: Category) -> bool:
    """Counted after the lock is held, so the answer stays true until commit."""
    capacity = db.session.scalar(select(Category.capacity).where(Category.id == category.id))
    if capacity is not None and places_taken(category) >= capacity:
        return False
    event_capacity = settings_for(event).capacity
    if event_capacity is not None:
        taken = db.session.scalar(select(func.count(Registration.id)).where(
            Registration.event_id == event.id, Registration.holds_place.is_(True))) or 0
        if taken >= event_capacity:
            return False
    return True


def approve_or_waitlist(registration: Registration, *, actor, message: str = "") -> RegistrationState:
    """Approve if a place is free (or already held), otherwise waitlist. Returns the new state."""
    lock_places(registration.event, registration.category, registration)
    if RegistrationState.approved not in ALLOWED[registration.state]:
        raise IllegalTransition(registration.state, RegistrationState.approved)
    if registration.holds_place or has_free_place(registration.event, registration.category):
        registration.holds_place = True
        transition(registration, RegistrationState.approved, actor=actor, message=message)
    elif registration.state != RegistrationState.waitlisted:
        transition(registration, RegistrationState.waitlisted, actor=actor, message=message)
    return registration.state


def fill_free_places(event, category: Category, *, actor) -> list[Registration]:
    """Give freed places to the waitlist, first come first served.

    Without an event capacity only `category` can have gained a place. With one,
    a place freed anywhere may go to any category's waitlist; the settings lock
    (held by the caller through `lock_places`) makes locking other categories
    safe. Promoted delegates are approved, or offered the place when the event
    says so; either way they are emailed.
    """
    settings = settings_for(event)
    stmt = (select(Registration).where(Registration.event_id == event.id,
                                       Registration.state == RegistrationState.waitlisted,
                                       Registration.offered_at.is_(None))
            .order_by(Registration.waitlisted_at, Registration.id).limit(500))
    if settings.capacity is None:
        stmt = stmt.where(Registration.category_id == category.id)
    promoted = []
    locked = {category.id}
    for candidate in db.session.scalars(stmt).all():
        if candidate.category_id not in locked:
            lock_places(event, candidate.category)
            locked.add(candidate.category_id)
        if not has_free_place(event, candidate.category):
            if settings.capacity is None:
                break
            continue
        candidate.holds_place = True
        if settings.waitlist_mode == WaitlistMode.offer:
            candidate.offered_at = utcnow()
            db.session.flush()
            record(actor=actor, action="registration.offer", obj=candidate, event=event,
                   summary=candidate.full_name)
            notify_delegate(candidate, "registration_offer")
        else:
            transition(candidate, RegistrationState.approved, actor=actor,
                       message=_l("A place became free and it is yours."))
        promoted.append(candidate)
    return promoted


def release_place(registration: Registration, *, actor) -> None:
    if registration.holds_place:
        registration.holds_place = False
        db.session.flush()
        fill_free_places(registration.event, registration.category, actor=actor)


def places_taken_by_category(event) -> dict[int, int]:
    """{category id: places held}, one aggregate query."""
    return dict(db.session.execute(
        select(Registration.category_id, func.count(Registration.id))
        .where(Registration.event_id == event.id, Registration.holds_place.is_(True))
        .group_by(Registration.category_id)).tuples().all())
