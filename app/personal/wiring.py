"""How the personal agenda reacts to other domains: connected once by the app factory."""
from __future__ import annotations

from app.agenda.services import agenda_published
from app.personal.services import promote_after_publication, tell_followers


def connect(app) -> None:
    """A publication tells the delegates who follow changed sessions, and gives freed
    workshop places to those waiting."""
    agenda_published.connect(tell_followers, weak=False)
    agenda_published.connect(promote_after_publication, weak=False)
