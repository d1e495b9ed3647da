"""Organisers' changes to an event's footprint choices: audited, and followed by
computing every trip again when a choice that changes the figures moved: at once for
an event of up to INLINE_TRIPS trips, else by the job workers' periodic
`recompute_waiting` (every RECOMPUTE_MINUTES minutes; `flask footprint-recompute
--pending` does the same by hand), so that no organiser waits on a request that long."""
from __future__ import annotations

from sqlalchemy import func, select

from app.audit.services import audited_update, record
from app.events.models import Event
from app.extensions import db
from app.footprint.models import FootprintSettings, Trip
from app.footprint.services.settings import RECOMPUTE_FIELDS, SETTINGS_FIELDS, check_settings, saved_settings
from app.footprint.services.trips import recompute_event
from app.utils.time import utcnow

INLINE_TRIPS = 3000
RECOMPUTE_MINUTES = 2


def update_settings(event, data: dict, *, actor) -> str:
    """Save the event's footprint choices. Returns "recomputed" (every figure computed
    again), "pending" (left to the background command) or "saved"."""
    check_settings(event, data)
    settings = saved_settings(event)
    changes = audited_update(settings, data, SETTINGS_FIELDS, actor=actor, action="footprint.settings",
                             event=event, summary=event.title)
    if not any(name in changes for name in RECOMPUTE_FIELDS):
        return "saved"
    return request_recompute(event, settings)


def recompute_on_request(event, *, actor) -> str:
    """An organiser asks for every figure to be computed again; audited."""
    record(actor=actor, action="footprint.recompute", obj=event, event=event, summary=event.title)
    return request_recompute(event)


def request_recompute(event, settings=None) -> str:
    """Compute every trip of `event` again now if it is small, else mark it for the background."""
    settings = settings or saved_settings(event)
    trips = db.session.scalar(select(func.count(Trip.id)).where(Trip.event_id == event.id)) or 0
    if trips > INLINE_TRIPS:
        settings.recompute_requested_at = utcnow()
        db.session.flush()
        return "pending"
    recompute_event(event)
    settings.recompute_requested_at = None
    db.session.flush()
    return "recomputed"


def follow_latest_set() -> int:
    """After a new factor set is stored: every event with trips that follows the latest
    set (chose none) is marked to be computed again by `flask footprint-recompute
    --pending`. Returns how many."""
    chosen = set(db.session.scalars(select(FootprintSettings.event_id)
                                    .where(FootprintSettings.factor_set_id.is_not(None))))
    marked = 0
    for event in db.session.scalars(select(Event).where(Event.id.in_(select(Trip.event_id).distinct()))):
        if event.id in chosen:
            continue
        saved_settings(event).recompute_requested_at = utcnow()
        marked += 1
    db.session.flush()
    return marked


def pending_events() -> list[int]:
    """Ids of the events waiting for their trips to be computed again, oldest request first."""
    return list(db.session.scalars(select(FootprintSettings.event_id)
                                   .where(FootprintSettings.recompute_requested_at.is_not(None))
                                   .order_by(FootprintSettings.recompute_requested_at)))


def recompute_pending(event) -> int:
    """Compute `event` again (batched) and clear its request. Returns the trips counted."""
    counted = recompute_event(event)
    saved_settings(event).recompute_requested_at = None
    db.session.flush()
    return counted


def recompute_waiting(on_done=None) -> int:
    """Every event waiting for its figures, each computed again and committed on its own
    (the job workers' periodic task and `flask footprint-recompute --pending`). An event is
    claimed by locking its settings row, skipped when another worker holds it (a run longer
    than its period meets the next one), so two workers never rewrite the same trips.
    `on_done(event, trips)` hears of each event computed. Returns how many were computed."""
    done = 0
    for event_id in pending_events():
        settings = db.session.scalar(
            select(FootprintSettings).where(FootprintSettings.event_id == event_id,
                                            FootprintSettings.recompute_requested_at.is_not(None))
            .with_for_update(skip_locked=True))
        if settings is None:  # computed meanwhile, or being computed by another worker
            db.session.rollback()
            continue
        event = db.session.get(Event, event_id)
        trips = recompute_pending(event)
        db.session.commit()
        done += 1
        if on_done is not None:
            on_done(event, trips)
    return done

