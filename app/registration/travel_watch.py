"""Tells other domains, within the flush that writes them, which registrations changed
in what a trip depends on (`signals.travel_facts_changed`). Connected by the wiring."""
from __future__ import annotations

from sqlalchemy import event as sa_event, inspect
from sqlalchemy.orm import Session

from app.registration.models import Delegation, Registration
from app.registration.signals import travel_facts_changed

# What a trip's figure and its groups are computed from.
WATCHED = ("state", "event_id", "user_id", "category_id", "delegation_id", "country", "nationality", "travel_origin",
           "travel_legs", "travel_return", "arrival_at", "departure_at", "arrival_date", "departure_date")


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
    ids |= {obj.id for obj in session.dirty if isinstance(obj, Registration) and _changed(obj, WATCHED)}
    delegations = [obj.id for obj in session.dirty
                   if isinstance(obj, Delegation) and _changed(obj, ("country", "category_id"))]
    if delegations:
        ids |= set(session.execute(Registration.__table__.select().with_only_columns(Registration.id)
                                   .where(Registration.delegation_id.in_(delegations))).scalars())
    if ids:
        travel_facts_changed.send(frozenset(ids), removed=frozenset())


def connect_session_hooks() -> None:
    """Called by the wiring (idempotent)."""
    for name, hook in (("before_flush", _before_flush), ("after_flush", _after_flush)):
        if not sa_event.contains(Session, name, hook):
            sa_event.listen(Session, name, hook)
