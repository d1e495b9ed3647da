"""Tells other domains, within the flush that writes them, which registrations changed
in what a trip depends on (`signals.travel_facts_changed`). Connected by the wiring."""
from __future__ import annotations

from sqlalchemy import event as sa_event, inspect
from sqlalchemy.orm import Session, object_session

from app.registration.models import Delegation, Registration
from app.registration.signals import travel_facts_changed

# What a trip's figure and its groups are computed from.
WATCHED = ("state", "event_id", "user_id", "category_id", "delegation_id", "country", "nationality", "travel_origin",
           "travel_legs", "travel_return", "arrival_at", "departure_at", "arrival_date", "departure_date")

# Personal data removed from a registration (an erasure, an event's anonymisation) is no
# new journey: the trip already counted keeps its figure, and the footprint forgets its
# places itself (app/footprint/personal_data.py).
FORGOTTEN = ("nationality", "travel_origin", "travel_legs", "arrival_at", "departure_at")
_STILL_WATCHED = tuple(name for name in WATCHED if name not in FORGOTTEN)
_FORGETTING = "registration_travel_forgotten"


def forget_quietly(registration: Registration) -> None:
    """`registration`'s travel details are being removed as personal data, not changed:
    until the transaction ends, only a change of anything else is announced."""
    object_session(registration).info.setdefault(_FORGETTING, set()).add(registration.id)


def _changed(obj, names) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _before_flush(session, _context, _instances) -> None:
    removed = {obj.id for obj in session.deleted if isinstance(obj, Registration) and obj.id is not None}
    if removed and travel_facts_changed.receivers:
        travel_facts_changed.send(frozenset(), removed=frozenset(removed))


def _after_flush(session, _context) -> None:
    if not travel_facts_changed.receivers:
        return
    ids = {obj.id for obj in session.new if isinstance(obj, Registration)}
    quiet = session.info.get(_FORGETTING, ())
    ids |= {obj.id for obj in session.dirty if isinstance(obj, Registration)
            and _changed(obj, _STILL_WATCHED if obj.id in quiet else WATCHED)}
    delegations = [obj.id for obj in session.dirty
                   if isinstance(obj, Delegation) and _changed(obj, ("country", "category_id"))]
    if delegations:
        ids |= set(session.execute(Registration.__table__.select().with_only_columns(Registration.id)
                                   .where(Registration.delegation_id.in_(delegations))).scalars())
    if ids:
        travel_facts_changed.send(frozenset(ids), removed=frozenset())


def _transaction_end(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_FORGETTING, None)


def connect_session_hooks() -> None:
    """Called by the wiring (idempotent)."""
    for name, hook in (("before_flush", _before_flush), ("after_flush", _after_flush),
                       ("after_transaction_end", _transaction_end)):
        if not sa_event.contains(Session, name, hook):
            sa_event.listen(Session, name, hook)
