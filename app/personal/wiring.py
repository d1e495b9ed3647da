"""How the personal agenda reacts to other domains: connected once by the app factory."""
from __future__ import annotations

from app.agenda.services import agenda_published
from app.personal import personal_data
from app.personal.services import promote_after_publication, tell_followers
from app.privacy import providers as privacy


def connect(app) -> None:
    """A publication tells the delegates who follow changed sessions, and gives freed
    workshop places to those waiting."""
    agenda_published.connect(tell_followers, weak=False)
    agenda_published.connect(promote_after_publication, weak=False)
    # Personal data rights: this domain exports, erases and anonymises its own records.
    privacy.register_export("personal", personal_data.export)
    privacy.register_erasure("personal", personal_data.erase_person)
    privacy.register_event_anonymiser("personal", personal_data.anonymise_event)
