"""Agenda rules: rooms, tracks, sessions, conflicts and publishing.

Organisers change the draft (the `AgendaSession` rows). `publish_agenda` copies
the public part of the draft into a `Publication` snapshot and stores what moved
since the previous one; public pages and feeds read only that snapshot.

One module per concern; the names other code uses are re-exported here, so
`from app.agenda import services; services.publish_agenda(...)` keeps working.
"""
from __future__ import annotations

from app.agenda.models import Publication
from app.agenda.providers import PublicSpeaker
from app.agenda.services.conflicts import (CONFLICT_CHECKS, ERROR, PUBLISH_CHECKED, WARNING, Conflict,
                                           conflicts_by_session, conflicts_key, find_conflicts, open_conflicts,
                                           speakers_by_session)
from app.agenda.services.errors import AgendaError
from app.agenda.services.markdown import markdown_problem, render_markdown
from app.agenda.services.public import (AgendaFilters, PublicAgenda, PublicSession, clear_read, has_restricted,
                                        public_agenda, public_sessions, public_speakers, search_text,
                                        viewer_categories, visible_session_ids)
from app.agenda.services.publication import (ConflictsOpen, build_snapshot, current_publication,
                                             current_publication_token, diff_snapshots,
                                             pending_changes, publications_of, publish_agenda)
from app.agenda.services.rooms import (ROOM_FIELDS, TRACK_FIELDS, create_room, create_track, delete_room,
                                       delete_track, rooms_of, tracks_of, update_room, update_track)
from app.agenda.services.sessions import (MAX_SESSION, MIN_SESSION, SDG_NUMBERS, SESSION_FIELDS, check_times,
                                          create_session, delete_session, move_session, registration_categories,
                                          room_clash, sessions_of, update_session)
from app.agenda.signals import agenda_published

__all__ = [
    "AgendaError", "AgendaFilters", "CONFLICT_CHECKS", "Conflict", "ConflictsOpen", "ERROR", "MAX_SESSION",
    "MIN_SESSION", "PUBLISH_CHECKED", "PublicAgenda", "PublicSession", "PublicSpeaker", "Publication",
    "ROOM_FIELDS", "SDG_NUMBERS", "SESSION_FIELDS", "TRACK_FIELDS", "WARNING", "agenda_published",
    "build_snapshot", "check_times", "conflicts_by_session", "conflicts_key", "create_room", "create_session",
    "create_track", "current_publication", "current_publication_token", "delete_room", "delete_session", "delete_track", "diff_snapshots",
    "find_conflicts", "markdown_problem", "move_session", "open_conflicts", "pending_changes", "public_agenda",
    "public_sessions", "public_speakers", "publications_of", "publish_agenda", "registration_categories", "render_markdown",
    "room_clash", "rooms_of", "search_text", "sessions_of", "speakers_by_session", "tracks_of", "update_room",
    "update_session", "update_track", "viewer_categories", "visible_session_ids", "clear_read", "has_restricted",
]
