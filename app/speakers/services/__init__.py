"""Speaker rules, one module per concern:

- `assignments`: answer links, inviting people to sessions, their answers, reminders,
  and the lists of assignments;
- `profiles`: public profiles, photos, availability and travel;
- `proposals`: needs, proposed session texts and slides;
- `directory`: the public speaker directory and the organisers' export;
- `errors`: the refusals (`SpeakerError` and its kinds);
- `agenda_answers`: what the agenda and the access rules ask of speakers (registered
  as providers by `app.speakers.wiring`).

The names other code uses are re-exported here, so `services.assign_speaker(...)` and
`from app.speakers.services import assign_speaker` keep working. Modules of the
package import each other directly, never through this file.
"""
from app.speakers.services.assignments import (ASSIGNMENT_FIELDS, INVITED_ACCOUNT_MARK, LINK_DAYS_DEFAULT,
                                               OPEN_FLAG_DAYS, REMIND_INTERVAL, TRANSITIONS, accept,
                                               activate_invited_account, all_assignments, answer_by_link,
                                               answer_token, answer_url, answers_open, assign_speaker,
                                               assignment_from_token, assignments_of_session, co_speakers,
                                               counts_by_session, decline, invite_new_speaker, is_overdue,
                                               link_days, my_assignments, needs_password, open_assignments,
                                               remind, remind_open, remove_assignment, search_people,
                                               state_counts, transition, update_assignment, withdraw)
from app.speakers.services.directory import (EXPORT_COLUMNS, DirectoryEntry, directory_entries, export_table, listed_entry,
                                             local_day, record_export)
from app.speakers.services.errors import IllegalTransition, SpeakerError
from app.speakers.services.profiles import (BIO_MAX, MAX_LINKS, PROFILE_FIELDS, TRAVEL_FIELDS, USER_FIELDS,
                                            bio_html, check_bio, ensure_profile, live_registration,
                                            profile_for, profiles_by_user, registration_has_visa_data,
                                            replace_photo, save_profile, update_profile, update_travel)
from app.speakers.services.proposals import (NEEDS_FIELDS, add_slides, decide_proposal, pending_proposals,
                                             propose_change, proposals_by_session, proposals_of_session,
                                             slides_by_assignment, update_needs)

__all__ = [
    "ASSIGNMENT_FIELDS", "INVITED_ACCOUNT_MARK", "LINK_DAYS_DEFAULT", "OPEN_FLAG_DAYS", "REMIND_INTERVAL",
    "TRANSITIONS", "accept", "activate_invited_account", "all_assignments", "answer_by_link", "answer_token",
    "answer_url", "answers_open", "assign_speaker", "assignment_from_token", "assignments_of_session",
    "co_speakers", "counts_by_session", "decline", "invite_new_speaker", "is_overdue", "link_days",
    "my_assignments", "needs_password", "open_assignments", "remind", "remind_open", "remove_assignment",
    "search_people", "state_counts", "transition", "update_assignment", "withdraw",
    "EXPORT_COLUMNS", "DirectoryEntry", "directory_entries", "export_table", "listed_entry", "local_day", "record_export",
    "IllegalTransition", "SpeakerError",
    "BIO_MAX", "MAX_LINKS", "PROFILE_FIELDS", "TRAVEL_FIELDS", "USER_FIELDS", "bio_html", "check_bio",
    "ensure_profile", "live_registration", "profile_for", "profiles_by_user", "registration_has_visa_data",
    "replace_photo", "save_profile", "update_profile", "update_travel",
    "NEEDS_FIELDS", "add_slides", "decide_proposal", "pending_proposals", "propose_change",
    "proposals_by_session", "proposals_of_session", "slides_by_assignment", "update_needs",
]
