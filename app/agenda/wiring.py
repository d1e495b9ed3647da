"""How the agenda reacts to other domains: connected once by the app factory."""
from __future__ import annotations

from app.agenda.cache import invalidate_public_cache, on_event_changed
from app.events.services import event_changed
from app.registration.signals import participant_list_toggled


def connect(app) -> None:
    """The event's title, dates or zone show in every public body, and its menu links
    to the participant list while it is open: render them again when these change."""
    event_changed.connect(on_event_changed, weak=False)
    participant_list_toggled.connect(invalidate_public_cache, weak=False)
