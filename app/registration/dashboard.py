"""Registration figures for the organiser dashboards: each one aggregate query
(GROUP BY in the database), whatever the number of registrations."""
from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import and_, func, or_, select

from app.accounts.labels import formal_name
from app.accounts.models import User
from app.extensions import db
from app.registration.models import Category, Delegation, Invitation, InvitationState, Registration, RegistrationState
from app.registration.keys import duplicate_groups
from app.utils.db import local_day_sql
from app.utils.time import utcnow

RS = RegistrationState
# Registrations that hold or wait for a place.
LIVE = (RS.submitted, RS.approved, RS.waitlisted)
# Categories ranked this high or higher (a lower number) are met by protocol: ministers,
# ambassadors. Heads of delegation are always met.
VIP_RANK = 20


def as_date(value) -> date:
    """A day as the database returns it (SQLite: text, PostgreSQL: a date)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _reference(event) -> datetime:
    return datetime.combine(event.start_date, time(12), tzinfo=UTC)


def summary(event) -> list[tuple[int, RegistrationState, str, int]]:
    """(category id, state, country, registrations) groups: one scan of the event's
    registrations that the state, category and country figures share."""
    return [tuple(row) for row in db.session.execute(
        select(Registration.category_id, Registration.state, Registration.country, func.count())
        .where(Registration.event_id == event.id)
        .group_by(Registration.category_id, Registration.state, Registration.country)).all()]


def state_counts(event, rows=None) -> dict[RegistrationState, int]:
    """Registrations per state (every state, zero included), from `summary` rows."""
    counts = {state: 0 for state in RS}
    for _cid, state, _country, n in (summary(event) if rows is None else rows):
        counts[state] += n
    return counts


def category_state_counts(event, rows=None) -> list[tuple[int, str, dict[RegistrationState, int]]]:
    """(category id, name, {state: count}) for each category, in the category order."""
    result = {cid: (cid, name, {s: 0 for s in RS}) for cid, name in db.session.execute(
        select(Category.id, Category.name).where(Category.event_id == event.id)
        .order_by(Category.position, Category.id))}
    for cid, state, _country, n in (summary(event) if rows is None else rows):
        if cid in result:
            result[cid][2][state] += n
    return list(result.values())


def registrations_per_day(event) -> list[tuple[date, int]]:
    """Registrations sent per day (in the event's time zone), drafts left out."""
    day = local_day_sql(func.coalesce(Registration.submitted_at, Registration.created_at), event.timezone,
                        _reference(event))
    rows = db.session.execute(
        select(day, func.count())
        .where(Registration.event_id == event.id, Registration.state != RS.draft)
        .group_by(day).order_by(day)).all()
    return [(as_date(d), n) for d, n in rows if d is not None]


def countries(event, rows=None) -> list[tuple[str, int]]:
    """Approved delegates per country they represent."""
    counts: dict[str, int] = {}
    for _cid, state, country, n in (summary(event) if rows is None else rows):
        if state == RS.approved and country:
            counts[country] = counts.get(country, 0) + n
    return list(counts.items())


def delegations(event) -> list[dict]:
    """Each delegation in protocol order with its head, quota and registrations per state
    (two queries: the delegations, and their registrations counted through the index)."""
    result: dict[int, dict] = {}
    for did, name, country, quota, honorific, given, family in db.session.execute(
            select(Delegation.id, Delegation.name, Delegation.country, Delegation.quota,
                   User.honorific, User.given_name, User.family_name)
            .outerjoin(User, User.id == Delegation.head_user_id).where(Delegation.event_id == event.id)
            .order_by(Delegation.protocol_rank, Delegation.name, Delegation.id)):
        result[did] = {"id": did, "name": name, "country": country, "quota": quota,
                       "head": formal_name(honorific or "", given or "", family or ""), "states": {s: 0 for s in RS}}
    for did, state, n in db.session.execute(
            select(Registration.delegation_id, Registration.state, func.count())
            .where(Registration.delegation_id.in_(select(Delegation.id).where(Delegation.event_id == event.id)))
            .group_by(Registration.delegation_id, Registration.state)):
        if did in result:
            result[did]["states"][state] = n
    for entry in result.values():
        entry["used"] = sum(entry["states"][s] for s in LIVE)
    return list(result.values())


def invitation_counts(event) -> dict[str, int]:
    """Invitations sent (not revoked), opened (or answered) and accepted."""
    row = db.session.execute(
        select(func.count(Invitation.id),
               func.count(Invitation.id).filter(or_(Invitation.opened_at.is_not(None),
                                                    Invitation.state == InvitationState.registered)),
               func.count(Invitation.id).filter(Invitation.state == InvitationState.registered))
        .where(Invitation.event_id == event.id, Invitation.state != InvitationState.revoked)).one()
    return {"sent": row[0], "opened": row[1], "accepted": row[2]}


def review_queue(event, limit: int = 15) -> tuple[int, list[dict]]:
    """(how many wait for a decision, the `limit` oldest with how long they have waited)."""
    waiting = (Registration.event_id == event.id, Registration.state == RS.submitted)
    total = db.session.scalar(select(func.count(Registration.id)).where(*waiting)) or 0
    since = func.coalesce(Registration.submitted_at, Registration.created_at)
    rows = db.session.execute(
        select(Registration.id, Registration.given_name, Registration.family_name, Category.name, since)
        .join(Category, Category.id == Registration.category_id)
        .where(*waiting).order_by(since, Registration.id).limit(limit)).all()
    now = utcnow()
    return total, [{"id": rid, "name": f"{given} {family}".strip() or f"#{rid}", "category": category, "since": at,
                    "age_days": max((now - at.replace(tzinfo=at.tzinfo or UTC)).days, 0)}
                   for rid, given, family, category, at in rows]


def waitlist_by_category(event) -> list[tuple[int, str, int]]:
    rows = db.session.execute(
        select(Category.id, Category.name, func.count(Registration.id))
        .join(Registration, and_(Registration.category_id == Category.id, Registration.state == RS.waitlisted))
        .where(Category.event_id == event.id)
        .group_by(Category.id, Category.name, Category.position).order_by(Category.position, Category.id)).all()
    return [tuple(row) for row in rows]


def duplicate_count(event) -> int:
    """Groups of live registrations that look like the same person (two queries over
    the flagged rows)."""
    return duplicate_groups(event)


def travel_incomplete(event) -> int:
    """Approved delegates without an arrival time or a hotel."""
    return db.session.scalar(select(func.count(Registration.id)).where(*travel_incomplete_clause(event))) or 0


def travel_incomplete_clause(event) -> tuple:
    return (Registration.event_id == event.id, Registration.state == RS.approved,
            or_(Registration.arrival_at.is_(None), Registration.hotel == ""))


def vip_arrivals(event) -> list[tuple[date, str, int]]:
    """Approved heads of delegation and delegates of the highest-ranked categories
    arriving per day (from their travel details): (day, "heads" or "vip", count)."""
    day = local_day_sql(Registration.arrival_at, event.timezone, _reference(event))
    is_head = and_(Delegation.head_user_id.is_not(None), Delegation.head_user_id == Registration.user_id)
    rows = db.session.execute(
        select(day, is_head, func.count(Registration.id))
        .join(Category, Category.id == Registration.category_id)
        .outerjoin(Delegation, Delegation.id == Registration.delegation_id)
        .where(Registration.event_id == event.id, Registration.state == RS.approved,
               Registration.arrival_at.is_not(None), or_(is_head, Category.protocol_rank <= VIP_RANK))
        .group_by(day, is_head).order_by(day)).all()
    return [(as_date(d), "heads" if head else "vip", n) for d, head, n in rows if d is not None]

