"""Personal data rights: the person's copy of their data, erasure on request, and
the anonymisation of an event's personal data once its retention period is over.

Every domain does its own part through what it registered in `providers`; the
account, the outbox and the audit log (below the domains) are called directly.
Functions flush, never commit; organiser actions are audited.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, union, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.accounts.personal_data import account_data, anonymise_account
from app.audit.services import entries_about, pseudonymise, record
from app.events.models import Event, EventRole
from app.extensions import db
from app.mail.services import forget_messages, messages_to, queue_email
from app.privacy import providers
from app.privacy.models import ErasureRequest, ErasureState, EventRetention
from app.utils.refusals import Refusal
from app.utils.time import utcnow

DEFAULT_GRACE_DAYS = 14
DEFAULT_RETENTION_DAYS = 365


class PrivacyError(Refusal):
    """A request about personal data that cannot be done as asked."""


# --- Pseudonyms --------------------------------------------------------------------

def pseudonym(user_id: int) -> str:
    """A stable stand-in for a person's name, the same in every entry, that nobody can
    turn back into the person without the installation's secret key."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"person:{user_id}".encode(), hashlib.sha256).hexdigest()[:8].upper()
    return f"Person-{digest}"


# --- The person's copy of their data ---------------------------------------------------

def export_data(user: User) -> dict:
    """Everything Kurultai holds about `user`: the account, each domain's section, the
    emails written to them and the audit entries by or about them. A fixed number of
    queries whatever how much they did."""
    sections: dict = {}
    objects = [("User", str(user.id))]
    for _name, fn in sorted(providers.EXPORTS.items()):
        part = dict(fn(user))
        objects += [tuple(ref) for ref in part.pop("_audit_objects", [])]
        sections.update(part)
    requests = db.session.scalars(select(ErasureRequest).where(ErasureRequest.user_id == user.id)
                                  .order_by(ErasureRequest.id))
    return {
        "generated_at": utcnow(),
        "account": account_data(user),
        "organiser_roles": [{"event": slug, "role": role.value, "granted_at": at} for slug, role, at in
                            db.session.execute(select(Event.slug, EventRole.role, EventRole.granted_at)
                                               .join(Event, Event.id == EventRole.event_id)
                                               .where(EventRole.user_id == user.id).order_by(EventRole.id))],
        **sections,
        "erasure_requests": [{"state": r.state.value, "requested_at": r.requested_at, "due_at": r.due_at,
                              "decided_at": r.decided_at, "reason": r.reason} for r in requests],
        "emails": messages_to(user),
        "audit_entries": entries_about(actor_id=user.id, objects=objects),
    }


# --- Erasure on request ----------------------------------------------------------------

def grace_days() -> int:
    return int(current_app.config.get("PRIVACY_ERASURE_GRACE_DAYS", DEFAULT_GRACE_DAYS))


def pending_request(user: User) -> ErasureRequest | None:
    return db.session.scalar(select(ErasureRequest).where(ErasureRequest.user_id == user.id,
                                                          ErasureRequest.state == ErasureState.pending))


def request_erasure(user: User, *, actor) -> ErasureRequest:
    """The person asks to be erased; it happens after the grace period unless they
    cancel it or the secretariat acts first. They are told by email."""
    if pending_request(user) is not None:
        raise PrivacyError(_l("You have already asked for your data to be erased."))
    if user.is_admin:
        raise PrivacyError(_l("A platform administrator's account cannot be erased: ask another "
                              "administrator to remove your administrator rights first."))
    now = utcnow()
    req = ErasureRequest(user_id=user.id, pseudonym=pseudonym(user.id), requested_at=now,
                         due_at=now + timedelta(days=grace_days()))
    try:
        with db.session.begin_nested():
            db.session.add(req)
    except IntegrityError:
        # The same request sent twice at once: the other one was recorded.
        raise PrivacyError(_l("You have already asked for your data to be erased.")) from None
    record(actor=actor, action="privacy.erasure_requested", obj=req, summary=req.pseudonym)
    queue_email(to=user.email, template="erasure_requested", locale=user.locale, user=user, request=req)
    return req


def cancel_erasure(req: ErasureRequest, *, actor) -> None:
    _decide(req, ErasureState.cancelled, actor)
    record(actor=actor, action="privacy.erasure_cancelled", obj=req, summary=req.pseudonym)


def refuse_erasure(req: ErasureRequest, reason: str, *, actor) -> None:
    """The secretariat keeps the data for now (a legal duty, an open matter), and says why."""
    if not reason.strip():
        raise PrivacyError(_l("Say why the data must be kept: the person is told."))
    _decide(req, ErasureState.refused, actor)
    req.reason = reason.strip()[:500]
    db.session.flush()
    record(actor=actor, action="privacy.erasure_refused", obj=req, summary=req.pseudonym)
    if req.user is not None:
        queue_email(to=req.user.email, template="erasure_refused", locale=req.user.locale, user=req.user,
                    request=req)


def erase(req: ErasureRequest, *, actor) -> None:
    """Erase the person now: each domain anonymises its records (aggregates keep
    counting them), the outbox forgets their messages, audit entries name a pseudonym,
    and the account no longer names or lets in anyone. They get a last email."""
    _decide(req, ErasureState.done, actor)
    user = req.user
    address, locale = user.email, user.locale
    names = [user.email, user.formal_name, user.display_name, f"{user.family_name} {user.given_name}",
             user.given_name + " " + user.family_name]
    for _name, fn in sorted(providers.ERASURES.items()):
        names.extend(fn(user, req.pseudonym, actor) or [])
    forget_messages(user=user, address=address)
    pseudonymise(names, req.pseudonym, objects=[("User", str(user.id))],
                 fields={"email", "given_name", "family_name", "honorific", "organisation", "position"})
    anonymise_account(user, req.pseudonym)
    db.session.flush()
    record(actor=actor, action="privacy.erased", obj=req, summary=req.pseudonym)
    queue_email(to=address, template="erasure_done", locale=locale, request=req)


def _decide(req: ErasureRequest, state: ErasureState, actor) -> None:
    """Move a pending request to `state`, or refuse if it is no longer pending. One
    conditional UPDATE: when the secretariat and the daily command act at once, the
    second waits for the first to commit and then finds nothing to do."""
    claimed = db.session.execute(
        update(ErasureRequest).where(ErasureRequest.id == req.id, ErasureRequest.state == ErasureState.pending)
        .values(state=state, decided_at=utcnow(), decided_by_id=getattr(actor, "id", None))
        .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        raise PrivacyError(_l("This request has already been dealt with."))
    db.session.refresh(req)


def due_requests(now=None) -> list[ErasureRequest]:
    now = now or utcnow()
    return list(db.session.scalars(select(ErasureRequest).where(
        ErasureRequest.state == ErasureState.pending, ErasureRequest.due_at <= now).order_by(ErasureRequest.id)))


def pending_in_event(event: Event) -> list[ErasureRequest]:
    """Pending requests of people the event knows (its team, registrations, speakers)."""
    known = [select(EventRole.user_id).where(EventRole.event_id == event.id)]
    known += [fn(event) for _name, fn in sorted(providers.PEOPLE.items())]
    return list(db.session.scalars(
        select(ErasureRequest).where(ErasureRequest.state == ErasureState.pending,
                                     ErasureRequest.user_id.in_(union(*known)))
        .order_by(ErasureRequest.due_at, ErasureRequest.id)))


# --- Event anonymisation ----------------------------------------------------------------

def retention_for(event: Event) -> EventRetention:
    """The event's retention row, created with the configured default when missing."""
    retention = db.session.scalar(select(EventRetention).where(EventRetention.event_id == event.id))
    if retention is None:
        # Two first requests may race to create the row: the loser reads the winner's.
        try:
            with db.session.begin_nested():
                retention = EventRetention(event_id=event.id, retention_days=retention_days(event))
                db.session.add(retention)
        except IntegrityError:
            retention = db.session.scalar(select(EventRetention).where(EventRetention.event_id == event.id))
    return retention


def retention_days(event: Event) -> int:
    """Days the event keeps personal data after its last day (without writing anything)."""
    days = db.session.scalar(select(EventRetention.retention_days).where(EventRetention.event_id == event.id))
    return days if days is not None else int(current_app.config.get("PRIVACY_EVENT_RETENTION_DAYS",
                                                                    DEFAULT_RETENTION_DAYS))


def anonymise_from(event: Event, retention: EventRetention) -> date:
    """The first day the event's personal data may be anonymised."""
    return event.end_date + timedelta(days=retention.retention_days + 1)


def set_retention(event: Event, days: int, *, actor) -> None:
    retention = retention_for(event)
    if not 0 <= days <= 3650:
        raise PrivacyError(_l("Between 0 and 3650 days."))
    before = retention.retention_days
    retention.retention_days = days
    db.session.flush()
    record(actor=actor, action="privacy.retention", obj=event, event=event,
           before={"retention_days": before}, after={"retention_days": days})


def anonymise_event(event: Event, *, actor, today: date | None = None) -> dict[str, int]:
    """Anonymise the event's personal data (each domain its own); aggregate figures and
    the published agenda stay. Refused before the retention period is over."""
    retention = retention_for(event)
    today = today or utcnow().date()
    if today < anonymise_from(event, retention):
        raise PrivacyError(_l("The event's personal data is kept until %(day)s.",
                              day=anonymise_from(event, retention).isoformat()))
    # Claimed by one conditional UPDATE: a second anonymisation at the same time waits,
    # then finds it done.
    claimed = db.session.execute(
        update(EventRetention).where(EventRetention.id == retention.id, EventRetention.anonymised_at.is_(None))
        .values(anonymised_at=utcnow(), anonymised_by_id=getattr(actor, "id", None))
        .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        raise PrivacyError(_l("This event's personal data has already been anonymised."))
    db.session.refresh(retention)
    counts = {name: fn(event, actor) for name, fn in sorted(providers.EVENT_ANONYMISERS.items())}
    counts["emails"] = forget_messages(event=event)
    db.session.flush()
    record(actor=actor, action="privacy.event_anonymised", obj=event, event=event,
           summary=", ".join(f"{name}: {n}" for name, n in counts.items()))
    return counts


def due_events(today: date | None = None) -> list[Event]:
    """Events past their retention period and not yet anonymised."""
    today = today or utcnow().date()
    due = []
    for event in db.session.scalars(select(Event).where(Event.end_date < today).order_by(Event.id)):
        retention = retention_for(event)
        if retention.anonymised_at is None and today >= anonymise_from(event, retention):
            due.append(event)
    return due


def purge_personal_data(today: date | None = None) -> dict[str, int]:
    """What the daily command does: erase the requests whose grace period is over and
    anonymise the events whose retention period is over. {what: how many}."""
    erased = 0
    for req in due_requests():
        if req.user is not None:
            erase(req, actor=None)
            erased += 1
    events = due_events(today)
    for event in events:
        anonymise_event(event, actor=None, today=today)
    return {"erased": erased, "events": len(events)}
