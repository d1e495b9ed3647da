"""Registration rules: the delegate's registration, officer decisions, capacity
and waitlist, invitations, delegations, the participant list, travel and
passport retention; one module per concern.

Every name other code uses is re-exported here, so `services.x(...)` keeps working.
Modules of this package import each other directly, never through this file.
Functions here flush but never commit: the caller commits once.
"""
from __future__ import annotations

from app.registration.services.errors import (AlreadyRegistered, IllegalTransition, RegistrationError)  # noqa: F401
from app.registration.services.settings import (all_categories, all_questions, categories,  # noqa: F401
                                                live_registration, questions, settings_for,
                                                has_live_registration, has_live_registration_clause)
from app.registration.services.transitions import (apply_details, AUDIT_FIELDS, clear_passport, DETAIL_FIELDS,
                                                   has_passport, invalidate_badge, notify_delegate, NULLABLE_FIELDS,
                                                   PASSPORT_FIELDS, REVIEW_FIELDS, transition,
                                                   TRAVEL_FIELDS)  # noqa: F401
from app.registration.services.places import (approve_or_waitlist, fill_free_places, has_free_place,
                                              lock_places, places_taken, places_taken_by_category,
                                              release_place)  # noqa: F401
from app.registration.services.invitations import (apply_invitation, claim_invitation, create_invitation,
                                                   import_invitations, invitation_by_token, invitations,
                                                   match_pending_invitation, MAX_CSV_ROWS, open_invitation,
                                                   OPEN_STATES, pending_invitation, resend_invitation,
                                                   revoke_invitation, same_address)  # noqa: F401
from app.registration.services.lifecycle import (accept_offer, approve_registration, bulk_decide,
                                                 cancel_registration, create_registration, decide, DECISIONS,
                                                 invitation_preapproves, new_registration, register_invited,
                                                 reject_registration, replace_photo, submit_drafts_on_verification,
                                                 submit_registration, submit_verified, update_registration,
                                                 waitlist_registration)  # noqa: F401
from app.registration.services.registering import Registered, register  # noqa: F401
from app.registration.services.review import (add_note, answer_text, EXPORT_COLUMNS, export_count, export_table,
                                              history, is_duplicate, notes, PASSPORT_COLUMNS, record_export,
                                              registration_query, SORTS)  # noqa: F401
from app.registration.services.configuration import (add_question, CATEGORY_FIELDS, category_name_taken,
                                                     QUESTION_FIELDS, save_category, set_question_active,
                                                     SETTINGS_FIELDS, update_question, update_settings)  # noqa: F401
from app.registration.services.participants import (is_approved_delegate, MAX_SEARCH_WORDS,
                                                    participant_countries, PARTICIPANT_FIELDS,
                                                    participant_list_switched_on,
                                                    participant_list_switched_on_clause, participant_query,
                                                    ParticipantFilters, participants_page)  # noqa: F401
from app.registration.services.delegations import (delegation_counts, DELEGATION_FIELDS, delegation_name_taken,
                                                   delegation_named, delegations_named, plain_name,
                                                   delegations_in_protocol_order, delegations_led, hold_places,
                                                   MEMBER_FIELDS, members, register_member, save_delegation,
                                                   set_member_rank, substitute_member)  # noqa: F401
from app.registration.services.travel import (place_suggestions, queue_all_travel_reminders,  # noqa: F401
                                              queue_travel_reminders, travel_facts, TRAVEL_FACTS, update_travel)
from app.registration.services.retention import (purge_passports)  # noqa: F401
from app.registration.services.reports import participant_list_pdf  # noqa: F401
