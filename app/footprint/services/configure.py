"""Organisers' changes to an event's footprint choices: audited, and followed by the
recomputation of every trip when a choice that changes the figures moved."""
from __future__ import annotations

from app.audit.services import audited_update
from app.footprint.services.settings import RECOMPUTE_FIELDS, SETTINGS_FIELDS, check_settings, saved_settings
from app.footprint.services.trips import recompute_event


def update_settings(event, data: dict, *, actor) -> bool:
    """Save the event's footprint choices; returns True when the figures were computed again."""
    check_settings(event, data)
    settings = saved_settings(event)
    changes = audited_update(settings, data, SETTINGS_FIELDS, actor=actor, action="footprint.settings",
                             event=event, summary=event.title)
    if any(name in changes for name in RECOMPUTE_FIELDS):
        recompute_event(event)
        return True
    return False
