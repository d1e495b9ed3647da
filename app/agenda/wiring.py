"""How the agenda reacts to other domains: connected once by the app factory."""
from __future__ import annotations

from app.agenda.cache import on_event_changed
from app.events.services import event_changed


def connect(app) -> None:
    """The event's title, dates or zone show in every public body: render them again."""
    event_changed.connect(on_event_changed, weak=False)
