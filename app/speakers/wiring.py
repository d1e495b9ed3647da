"""What the speakers domain tells the agenda: connected once by the app factory.

The agenda may not import this domain, so it asks through the providers in
`app.agenda.providers`: who speaks in which session, which speakers are double-booked
or unavailable, and what their public profiles say. The answers are queries of
`app.speakers.services.agenda_answers`.
"""
from __future__ import annotations

from app import policy
from app.agenda import providers
from app.privacy import providers as privacy
from app.speakers import personal_data
from app.speakers.conflicts import speaker_conflicts
from app.speakers.services.agenda_answers import (busy_speakers, confirmed_speakers, public_profiles,
                                                  speaker_is_listed, speaks_at_event, speaks_at_event_clause,
                                                  speaks_in_session)


def connect(app) -> None:
    """The agenda's and the access rules' questions about speakers are answered here."""
    policy.provide("speaks_at_event", speaks_at_event, clause=speaks_at_event_clause)
    policy.provide("speaks_in_session", speaks_in_session)
    policy.provide("speaker_is_listed", speaker_is_listed)
    providers.register_confirmed_speakers(confirmed_speakers)
    providers.register_busy_speakers(busy_speakers)
    providers.register_speaker_conflicts(speaker_conflicts)
    providers.register_speaker_profiles(public_profiles)
    # Personal data rights: this domain exports, erases and anonymises its own records.
    privacy.register_export("speakers", personal_data.export)
    privacy.register_erasure("speakers", personal_data.erase_person)
    privacy.register_event_anonymiser("speakers", personal_data.anonymise_event)
    privacy.register_people("speakers", personal_data.people)
