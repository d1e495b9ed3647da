"""What the organiser's agenda pages share: the URL prefix,
and track-scoped editing rights."""
from __future__ import annotations

from types import SimpleNamespace

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.agenda import services as svc
from app.agenda.forms import SessionForm
from app.agenda.models import AgendaSession, Room, SessionType, Track, Visibility
from app.policy import can
from app.utils.inputs import optional_id
from app.utils.time import to_zone

MANAGE = "/e/<slug>/manage/agenda"


def may_edit(event, track_id: int | None) -> bool:
    """Whether the current user may edit a session of `track_id` (track-scoped programme roles)."""
    return can(current_user, "agenda.edit_session", SimpleNamespace(event=event, track_id=track_id))


def editable_tracks(event, tracks):
    return [t for t in tracks if may_edit(event, t.id)]


def rooms_tracks(event):
    return svc.rooms_of(event), svc.tracks_of(event)


def session_data(form: SessionForm, event, rooms: dict[int, Room], tracks: dict[int, Track]):
    """Form values as the service wants them, or None after putting errors on the form."""
    room = rooms.get(optional_id(form.room_id.data))
    if room is None:
        form.room_id.errors = list(form.room_id.errors) + [_("Choose a room of this event.")]
        return None
    track = None
    if form.track_id.data:
        track = tracks.get(optional_id(form.track_id.data))
        if track is None:
            form.track_id.errors = list(form.track_id.errors) + [_("Choose a track of this event.")]
            return None
    return {
        "title": form.title.data, "type": SessionType(form.type.data), "track": track, "room": room,
        "sdgs": sorted(set(form.sdgs.data or [])), "starts_at": form.starts_at.data,
        "ends_at": form.ends_at.data, "abstract": form.abstract.data or "",
        "languages": list(form.languages.data or []), "capacity": form.capacity.data,
        "signup_required": bool(form.signup_required.data), "visibility": Visibility(form.visibility.data),
        "category_ids": form.category_id_list,
    }


def timetable_url(event, session: AgendaSession) -> str:
    day = to_zone(session.starts_at, event.timezone).date()
    return url_for("agenda.manage_timetable", slug=event.slug, day=day.isoformat()) + f"#session-{session.id}"
