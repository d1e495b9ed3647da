"""Bilateral rules: requests and answers, busy time and slots, booking by protocol,
settings, and what each person may read. One module per subject; the names other
code uses are re-exported here."""
from __future__ import annotations

from app.bilaterals.services.booking import (after_publication, assign_interpreter, bump_overrun, cancel, confirm,
                                             interpreter_load, lock_keys, problems, remove_interpreter,
                                             room_of_event)
from app.bilaterals.services.people import (BilateralRefusal, acts_for, add_deputy, attends, delegations_acted_for,
                                            deputies, has_bilaterals_page, has_bilaterals_page_clause, members,
                                            remove_deputy, set_attendees, sides_acted_for)
from app.bilaterals.services.queries import (PersonalEntry, all_of, announced, bilateral_counts, booked_on,
                                             day_bounds, in_event, personal_entries, programme_of, visible_to)
from app.bilaterals.services.requests import (LANGUAGE_CODES, MAX_SIDE, accept, check_windows, counterparts,
                                              decline, may_answer, propose, request_bilateral, set_announce,
                                              suggestions, turn_of, windows_of, withdraw)
from app.bilaterals.services.settings import (agenda_rooms, bilateral_rooms, keep_room, release_room,
                                              saved_rules, update_rules)
from app.bilaterals.services.slots import Slot, load_calendar, rules_of, suggest

__all__ = [
    "BilateralRefusal", "LANGUAGE_CODES", "MAX_SIDE", "PersonalEntry", "Slot", "accept", "acts_for", "add_deputy",
    "after_publication", "agenda_rooms", "all_of", "announced", "assign_interpreter", "attends", "bilateral_counts",
    "bilateral_rooms", "booked_on", "bump_overrun", "cancel", "check_windows", "confirm", "counterparts",
    "day_bounds", "decline", "delegations_acted_for", "deputies", "has_bilaterals_page", "has_bilaterals_page_clause",
    "in_event", "interpreter_load", "keep_room", "load_calendar", "lock_keys", "may_answer", "members",
    "personal_entries",
    "problems", "programme_of", "propose", "release_room", "remove_deputy", "remove_interpreter",
    "request_bilateral", "room_of_event", "rules_of", "saved_rules", "set_announce", "set_attendees",
    "sides_acted_for", "suggest", "suggestions", "turn_of", "update_rules", "visible_to", "windows_of", "withdraw",
]
