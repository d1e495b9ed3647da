"""Bilateral meetings' part of personal data rights (registered with app/privacy in the
wiring). A meeting stays, with its delegations, time and state (the figures count it);
who took part, who interpreted, who was the contact and what it was about go."""
from __future__ import annotations

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import aliased, selectinload

from app.bilaterals.models import Bilateral, BilateralAttendee, BilateralDeputy, InterpreterAssignment
from app.extensions import db
from app.registration.models import Delegation


def export(user) -> dict:
    """The meetings the person attends, interprets or is the contact of, and the delegations
    they ask for meetings for: four queries."""
    requester, counterpart = aliased(Delegation), aliased(Delegation)
    attends = select(BilateralAttendee.bilateral_id).where(BilateralAttendee.user_id == user.id)
    interprets = select(InterpreterAssignment.bilateral_id).where(InterpreterAssignment.user_id == user.id)
    rows = db.session.execute(
        select(Bilateral, requester.name, counterpart.name)
        .join(requester, requester.id == Bilateral.requester_id)
        .join(counterpart, counterpart.id == Bilateral.counterpart_id)
        .where(or_(Bilateral.id.in_(attends), Bilateral.id.in_(interprets),
                   func.lower(Bilateral.contact_email) == user.email.lower(), Bilateral.created_by_id == user.id))
        .options(selectinload(Bilateral.attendees), selectinload(Bilateral.interpreters))
        .order_by(Bilateral.id)).all()
    deputy_for = db.session.scalars(select(Delegation.name).join(BilateralDeputy,
                                                                 BilateralDeputy.delegation_id == Delegation.id)
                                    .where(BilateralDeputy.user_id == user.id).order_by(Delegation.id)).all()
    return {
        "bilateral_meetings": [{
            "event_id": b.event_id, "requester": req, "counterpart": cp, "state": b.state.value, "topic": b.topic,
            "starts_at": b.starts_at, "ends_at": b.ends_at, "contact_name": b.contact_name,
            "contact_email": b.contact_email, "requested_by_you": b.created_by_id == user.id,
            "attending": any(a.user_id == user.id for a in b.attendees),
            "interpreting": [i.pair for i in b.interpreters if i.user_id == user.id]}
            for b, req, cp in rows],
        "bilateral_deputy_for": list(deputy_for),
    }


def erase_person(user, pseudonym: str, actor) -> list[str]:
    """The person leaves every meeting and delegation's bilateral team; meetings naming
    them as contact lose the contact."""
    names = list(db.session.scalars(select(Bilateral.contact_name).where(
        func.lower(Bilateral.contact_email) == user.email.lower(), Bilateral.contact_name != "")))
    db.session.execute(update(Bilateral).where(func.lower(Bilateral.contact_email) == user.email.lower())
                       .values(contact_name="", contact_email=""))
    db.session.execute(update(Bilateral).where(Bilateral.created_by_id == user.id).values(created_by_id=None))
    for model in (BilateralAttendee, InterpreterAssignment, BilateralDeputy):
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.expire_all()
    return names


def anonymise_event(event, actor) -> int:
    """Each meeting keeps its delegations, time, room and state and loses its people,
    contact and topic."""
    ids = select(Bilateral.id).where(Bilateral.event_id == event.id)
    for model in (BilateralAttendee, InterpreterAssignment):
        db.session.execute(delete(model).where(model.bilateral_id.in_(ids)))
    db.session.execute(delete(BilateralDeputy).where(BilateralDeputy.delegation_id.in_(
        select(Delegation.id).where(Delegation.event_id == event.id))))
    count = db.session.execute(update(Bilateral).where(Bilateral.event_id == event.id).values(
        contact_name="", contact_email="", topic="", bump_reason="", created_by_id=None)).rowcount or 0
    db.session.expire_all()
    return count


def people(event):
    """The accounts taking part in the event's meetings."""
    return select(BilateralAttendee.user_id).join(Bilateral, Bilateral.id == BilateralAttendee.bilateral_id) \
        .where(Bilateral.event_id == event.id)
