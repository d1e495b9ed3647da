"""On-site rules: the check-in desk, badges, visa-support letters and the badge and
letter settings, one module each; the names other code uses are re-exported here.

Every function takes model objects and an explicit `actor`, flushes but never
commits, writes the audit entries of organiser actions and queues emails.
"""
from app.checkin.services.badges import (badge_face, badge_pdf, bulk_badges_pdf, bulk_count, bulk_statement,
                                         ensure_badge, mark_printed, may_have_badge, print_at_desk, reissue_badge,
                                         token_for)
from app.checkin.services.badge_jobs import run_bulk_badges, start_bulk_badges
from app.checkin.services.desk import (EARLY_PICKUP, SEARCH_LIMIT, SHORT_CODE, VENUE, DeskResult, DeskSession, Flag,
                                       admit, checked_in_today, desk_days, desk_sessions, doors_token, event_today,
                                       find_by_code, forget_doors, live_counts, off_day_warning, pick_token,
                                       registration_from_pick, scan, scope_of, search, status_flags)
from app.checkin.services.desks import (DeskRow, DeskSummary, conflicts, desk_for_token, desk_of, desk_overview,
                                        desk_summary, issue_desk, revoke_desk, touch)
from app.checkin.services.desk_photos import PHOTO_BATCH, photos_allowed, roster_photos
from app.checkin.services.errors import OnsiteError
from app.checkin.services.keys import read_badge_token, rotate_key, signing_key, verifying_keys
from app.checkin.services.sync import BATCH_LIMIT, RosterError, roster, upload
from app.checkin.services.letters import (LetterTokenError, current_letter, delegate_documents, issue_letter, issue_waiting,
                                          letter_from_token, letter_overview, letter_pdf, letter_status, may_issue,
                                          revoke_letter)
from app.checkin.services.settings import SETTINGS_FIELDS, settings_for, update_settings

__all__ = [
    "BATCH_LIMIT", "DeskRow", "DeskSummary", "RosterError", "conflicts", "desk_for_token", "desk_of", "desk_overview",
    "desk_summary", "issue_desk", "PHOTO_BATCH", "photos_allowed", "roster_photos",
    "read_badge_token", "revoke_desk", "roster", "rotate_key", "signing_key", "touch", "upload", "verifying_keys",
    "EARLY_PICKUP", "SEARCH_LIMIT", "SETTINGS_FIELDS", "SHORT_CODE", "VENUE", "DeskResult", "DeskSession", "Flag",
    "LetterTokenError", "OnsiteError", "admit", "badge_face", "badge_pdf", "bulk_badges_pdf", "bulk_count",
    "bulk_statement", "checked_in_today", "current_letter", "delegate_documents", "desk_days", "desk_sessions", "doors_token", "forget_doors", "ensure_badge",
    "event_today", "find_by_code", "issue_letter", "issue_waiting", "letter_from_token", "letter_overview",
    "letter_pdf", "letter_status", "live_counts", "mark_printed", "may_have_badge", "may_issue", "off_day_warning",
    "pick_token", "print_at_desk", "run_bulk_badges", "start_bulk_badges", "registration_from_pick", "reissue_badge", "revoke_letter", "scan", "scope_of",
    "search", "settings_for", "status_flags", "token_for", "update_settings",
]
