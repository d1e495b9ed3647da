"""The organiser's views of the draft: timetable by day, list of sessions, conflicts."""
from __future__ import annotations

from datetime import date

from flask import render_template, request
from flask_babel import gettext as _

from app.agenda import bp
from app.agenda import services as svc
from app.agenda.models import SESSION_TYPE_LABELS, VISIBILITY_LABELS
from app.agenda.timetable import day_grid, event_days
from app.agenda.views.common import MANAGE, editable_tracks, may_edit, rooms_tracks
from app.policy import requires


@bp.route(MANAGE)
@requires("agenda.view_draft", load={})
def manage_timetable(event):
    days = event_days(event)
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        day = days[0]
    rooms, tracks = rooms_tracks(event)
    sessions = svc.sessions_of(event)
    conflicts = svc.conflicts_by_session(svc.find_conflicts(event, sessions))
    grid = day_grid(event, day, rooms, sessions)
    editable = {s.id for s in sessions if may_edit(event, s.track_id)}
    return render_template("agenda/manage/timetable.html", event=event, days=days, day=day, grid=grid,
                           rooms=rooms, tracks=tracks, conflicts=conflicts, editable=editable,
                           may_create=bool(editable_tracks(event, tracks)) or may_edit(event, None),
                           title=_("Timetable"))


@bp.route(MANAGE + "/list")
@requires("agenda.view_draft", load={})
def manage_list(event):
    sessions = svc.sessions_of(event)
    conflicts = svc.conflicts_by_session(svc.find_conflicts(event, sessions))
    editable = {s.id for s in sessions if may_edit(event, s.track_id)}
    return render_template("agenda/manage/list.html", event=event, sessions=sessions, conflicts=conflicts,
                           editable=editable, type_labels=SESSION_TYPE_LABELS, visibility_labels=VISIBILITY_LABELS,
                           title=_("Sessions"))


@bp.route(MANAGE + "/conflicts")
@requires("agenda.view_draft", load={})
def manage_conflicts(event):
    sessions = svc.sessions_of(event)
    conflicts = svc.find_conflicts(event, sessions)
    by_id = {s.id: s for s in sessions}
    return render_template("agenda/manage/conflicts.html", event=event, conflicts=conflicts, sessions=by_id,
                           title=_("Conflicts"))


