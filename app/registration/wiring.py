"""How registration reacts to other domains and what it tells them: connected once
by the app factory."""
from __future__ import annotations

from app import policy
from app.accounts.services import email_verified
from app.jobs import services as jobs
from app.privacy import providers as privacy
from app.registration import keys, personal_data, photos, travel_watch
from app.registration.services import (has_live_registration, has_live_registration_clause, is_approved_delegate, participant_list_switched_on,
                                       participant_list_switched_on_clause, purge_passports,
                                       queue_all_travel_reminders, submit_drafts_on_verification)


def connect(app) -> None:
    """A proven address submits the drafts that waited for it; badge photo files
    are written and deleted when the change that names them commits; changes that a
    trip's footprint depends on are announced as they are flushed; likely duplicates
    are flagged as registrations are written; the access
    rules learn who is an approved delegate and whether the participant list is open."""
    email_verified.connect(submit_drafts_on_verification, weak=False)
    photos.connect_session_hooks()
    travel_watch.connect_session_hooks()
    keys.connect_session_hooks()
    policy.provide("participant_list_switched_on", participant_list_switched_on,
                   clause=participant_list_switched_on_clause)
    policy.provide("is_approved_delegate", is_approved_delegate)
    policy.provide("has_live_registration", has_live_registration, clause=has_live_registration_clause)
    # Personal data rights: this domain exports, erases and anonymises its own records.
    privacy.register_export("registration", personal_data.export)
    privacy.register_erasure("registration", personal_data.erase_person)
    privacy.register_event_anonymiser("registration", personal_data.anonymise_event)
    privacy.register_people("registration", personal_data.people)
    # Daily work of the job workers (UTC), once a day however many workers run; the
    # commands `flask purge-passports` and `flask travel-reminders SLUG` do the same by hand.
    jobs.register_schedule("purge-passports", purge_passports, period="day", minute="30", hour="2")
    jobs.register_schedule("travel-reminders", queue_all_travel_reminders, period="day", minute="0", hour="6")
