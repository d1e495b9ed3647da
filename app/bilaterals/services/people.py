"""Who stands for which delegation, who attends, who is told: the people of bilaterals."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.audit.services import record
from app.bilaterals.models import Bilateral, BilateralAttendee, BilateralDeputy
from app.events.models import EventRole, EventRoleName
from app.extensions import db
from app.mail.services import queue_for_user
from app.registration.models import Delegation, Registration, RegistrationState
from app.utils.refusals import Refusal
from app.utils.urls import external_url


class BilateralRefusal(Refusal):
    """A bilateral rule said no (message for the person, maybe under a form field)."""


def delegations_acted_for(event, user) -> list[Delegation]:
    """The delegations `user` heads or was allowed by their head to act for, in `event`."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    deputised = select(BilateralDeputy.delegation_id).where(BilateralDeputy.user_id == user.id)
    return list(db.session.scalars(select(Delegation).where(
        Delegation.event_id == event.id,
        or_(Delegation.head_user_id == user.id, Delegation.id.in_(deputised))).order_by(Delegation.name)))


def acts_for(user, delegation_id: int) -> bool:
    """Does `user` head or deputise for this delegation?"""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    head = db.session.scalar(select(Delegation.head_user_id).where(Delegation.id == delegation_id))
    if head == user.id:
        return True
    return db.session.scalar(select(BilateralDeputy.id).where(BilateralDeputy.delegation_id == delegation_id,
                                                              BilateralDeputy.user_id == user.id)) is not None


def sides_acted_for(user, bilateral: Bilateral) -> set[int]:
    """The delegation ids of `bilateral` that `user` may act for (one, both or none)."""
    return {d for d in (bilateral.requester_id, bilateral.counterpart_id) if acts_for(user, d)}


def attends(user, bilateral: Bilateral) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(BilateralAttendee.id).where(BilateralAttendee.bilateral_id == bilateral.id,
                                                                BilateralAttendee.user_id == user.id)) is not None


def has_bilaterals_page(user, event) -> bool:
    """The delegate's bilaterals page opens for heads, their deputies, attendees and
    approved members of a delegation."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(db.session.scalar(select(has_bilaterals_page_clause(user, event))))  # one query


def has_bilaterals_page_clause(user, event):
    """`has_bilaterals_page` of a logged-in user as an SQL condition (asked by every menu,
    with other facts in one query)."""
    deputised = select(BilateralDeputy.delegation_id).where(BilateralDeputy.user_id == user.id)
    acting = select(Delegation.id).where(Delegation.event_id == event.id, or_(
        Delegation.head_user_id == user.id, Delegation.id.in_(deputised))).exists()
    attending = select(BilateralAttendee.id).join(Bilateral).where(Bilateral.event_id == event.id,
                                                                   BilateralAttendee.user_id == user.id).exists()
    return or_(acting, attending)


def members(delegation: Delegation) -> list[Registration]:
    """The delegation's approved members with an account (who may attend)."""
    return list(db.session.scalars(select(Registration).options(joinedload(Registration.user)).where(
        Registration.delegation_id == delegation.id, Registration.state == RegistrationState.approved,
        Registration.user_id.is_not(None)).order_by(Registration.family_name, Registration.id)))


def set_attendees(bilateral: Bilateral, delegation: Delegation, user_ids: list[int], *, actor) -> None:
    """Who attends for one side: approved members of that delegation (its head always)."""
    allowed = {r.user_id for r in members(delegation)} | {delegation.head_user_id}
    wanted = set(user_ids) | ({delegation.head_user_id} if delegation.head_user_id else set())
    strangers = wanted - allowed
    if strangers:
        raise BilateralRefusal(_l("Only approved members of the delegation can attend."), "attendees")
    for attendee in list(bilateral.attendees):
        if attendee.delegation_id == delegation.id and attendee.user_id not in wanted:
            bilateral.attendees.remove(attendee)
    present = {a.user_id for a in bilateral.attendees}
    for user_id in sorted(wanted - present - {None}):
        bilateral.attendees.append(BilateralAttendee(user_id=user_id, delegation_id=delegation.id))
    db.session.flush()
    record(actor=actor, action="bilateral.attendees", obj=bilateral, event=bilateral.event,
           summary=f"{delegation.name}: {len(wanted)}")


def add_deputy(delegation: Delegation, user_id: int, *, actor) -> BilateralDeputy:
    """The head allows a member to ask for and answer bilaterals for the delegation."""
    if user_id not in {r.user_id for r in members(delegation)}:
        raise BilateralRefusal(_l("Choose an approved member of your delegation."), "user_id")
    existing = db.session.scalar(select(BilateralDeputy).where(BilateralDeputy.delegation_id == delegation.id,
                                                               BilateralDeputy.user_id == user_id))
    if existing is not None:
        return existing
    deputy = BilateralDeputy(delegation_id=delegation.id, user_id=user_id)
    db.session.add(deputy)
    db.session.flush()
    record(actor=actor, action="bilateral.deputy", obj=deputy, event=delegation.event, summary=delegation.name)
    return deputy


def remove_deputy(delegation: Delegation, user_id: int, *, actor) -> None:
    for deputy in db.session.scalars(select(BilateralDeputy).where(BilateralDeputy.delegation_id == delegation.id,
                                                                   BilateralDeputy.user_id == user_id)):
        db.session.delete(deputy)
        record(actor=actor, action="bilateral.deputy_removed", obj=deputy, event=delegation.event,
               summary=delegation.name)
    db.session.flush()


def deputies(delegation: Delegation) -> list[User]:
    return list(db.session.scalars(select(User).join(BilateralDeputy, BilateralDeputy.user_id == User.id).where(
        BilateralDeputy.delegation_id == delegation.id).order_by(User.email)))


def _side_people(delegation_ids: list[int]) -> list[User]:
    heads = select(Delegation.head_user_id).where(Delegation.id.in_(delegation_ids))
    deputised = select(BilateralDeputy.user_id).where(BilateralDeputy.delegation_id.in_(delegation_ids))
    return list(db.session.scalars(select(User).where(or_(User.id.in_(heads), User.id.in_(deputised)),
                                                      User.active.is_(True)).order_by(User.id)))


def protocol_team(event) -> list[User]:
    holders = select(EventRole.user_id).where(EventRole.event_id == event.id,
                                              EventRole.role == EventRoleName.protocol)
    return list(db.session.scalars(select(User).where(User.id.in_(holders), User.active.is_(True))
                                   .order_by(User.id)))


def tell(bilateral: Bilateral, what: str, *, protocol: bool = False, alternatives=(), **context) -> int:
    """Email both sides (their heads, deputies and attendees) about a step, each in their own
    language through the outbox; with `protocol`, the event's protocol team too. The
    confidential topic is never written into an email."""
    event = bilateral.event
    people = {u.id: u for u in _side_people([bilateral.requester_id, bilateral.counterpart_id])}
    for attendee in bilateral.attendees:
        if attendee.user is not None and attendee.user.is_active:
            people.setdefault(attendee.user_id, attendee.user)
    if protocol:
        for user in protocol_team(event):
            people.setdefault(user.id, user)
    for user_id in sorted(people):
        queue_for_user(people[user_id], "bilateral_step", event=event, bilateral=bilateral, what=what,
                       alternatives=list(alternatives),
                       url=external_url("bilaterals.detail", slug=event.slug, bilateral_id=bilateral.id),
                       **context)
    return len(people)
