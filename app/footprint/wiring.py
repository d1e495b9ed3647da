"""How the footprint follows registration: connected once by the app factory."""
from __future__ import annotations

from flask import render_template

from app.footprint.services import on_travel_facts_changed, trip_view
from app.policy import can
from app.registration.providers import provide_footprint_panel
from app.registration.signals import travel_facts_changed


def footprint_panel(registration, viewer):
    """The trip's footprint on a registration page, for those who may see it."""
    if not can(viewer, "footprint.trip", registration):
        return None
    own = trip_view(registration)
    if own is None:
        return None
    return render_template("footprint/_trip.html", own=own, registration=registration,
                           event=registration.event, mine=registration.user_id == getattr(viewer, "id", None))


def connect(app) -> None:
    """A trip's figure and the event's totals follow every change registration
    announces; the registration page shows the trip's figure."""
    travel_facts_changed.connect(on_travel_facts_changed, weak=False)
    provide_footprint_panel(footprint_panel)
