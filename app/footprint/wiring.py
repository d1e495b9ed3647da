"""How the footprint follows registration: connected once by the app factory."""
from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from app.events.signals import event_changed
from app.footprint import personal_data
from app.footprint.services import (on_travel_facts_changed, recompute_event, recompute_waiting, RECOMPUTE_MINUTES,
                                    trip_view)
from app.jobs import services as jobs
from app.policy import can
from app.privacy import providers as privacy
from app.registration.providers import provide_footprint_panel
from app.registration.signals import travel_facts_changed


def footprint_panel(registration, viewer):
    """The trip's footprint on a registration page, for those who may see it."""
    if not can(viewer, "footprint.trip", registration):
        return None
    own = trip_view(registration)
    if own is None:
        return None
    return Markup(render_template("footprint/_trip.html", own=own, registration=registration,
                                  event=registration.event, mine=registration.user_id == getattr(viewer, "id", None)))


# What every trip of an event is computed from: where it ends, and the dates that give
# the estimated hotel nights.
EVENT_FIELDS = ("city", "country", "start_date", "end_date", "timezone")


def on_event_changed(event, before=None, after=None, **_extra) -> None:
    if any((before or {}).get(name) != (after or {}).get(name) for name in EVENT_FIELDS):
        recompute_event(event)


def connect(app) -> None:
    """A trip's figure and the event's totals follow every change registration
    announces, and the whole event is computed again when its city or dates change;
    the registration page shows the trip's figure; a person's trips are in their copy of
    their data and lose their places on erasure or anonymisation."""
    travel_facts_changed.connect(on_travel_facts_changed, weak=False)
    event_changed.connect(on_event_changed, weak=False)
    provide_footprint_panel(footprint_panel)
    privacy.register_export("footprint", personal_data.export)
    privacy.register_erasure("footprint", personal_data.erase_person)
    privacy.register_event_anonymiser("footprint", personal_data.anonymise_event)
    # Events too large to compute again while the organiser waits (new factors, another
    # choice) are computed by the job workers, once per period however many run.
    jobs.register_schedule("footprint-recompute", recompute_waiting, period=f"minute:{RECOMPUTE_MINUTES}",
                           minute=f"*/{RECOMPUTE_MINUTES}")
