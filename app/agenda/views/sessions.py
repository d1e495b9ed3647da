"""The organiser's session pages: add, edit, move (form and drag and drop), delete."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.agenda import bp
from app.agenda import services as svc
from app.agenda.forms import MoveForm, SessionForm
from app.agenda.models import AgendaSession, Room
from app.agenda.views.common import (MANAGE, editable_tracks, may_edit, rooms_tracks, session_data,
                                     timetable_url)
from app.events.forms import EmptyForm
from app.extensions import db
from app.policy import in_event, requires
from app.utils.inputs import optional_id
from app.utils.time import local_to_utc, to_zone
from app.utils.views import run_service


def _allowed_data(form: SessionForm, event, rooms, tracks, refused: str) -> dict | None:
    """The form's session, or None after putting errors on the form: a track-limited
    editor may only choose one of their tracks (`refused` says so)."""
    data = session_data(form, event, {r.id: r for r in rooms}, {t.id: t for t in tracks})
    if data is not None and not may_edit(event, data["track"].id if data["track"] else None):
        form.track_id.errors = list(form.track_id.errors) + [refused]
        return None
    return data


def _prefill_new(form: SessionForm, event, rooms) -> None:
    """The timetable's "drag to create" opens this form with room and times filled in."""
    room = request.args.get("room", "")
    if room.isdigit() and any(str(r.id) == room for r in rooms):
        form.room_id.data = room
    for name in ("start", "end"):
        raw = request.args.get(name, "")
        try:
            value = datetime.strptime(raw, "%Y-%m-%dT%H:%M")
        except ValueError:
            continue
        (form.starts_at if name == "start" else form.ends_at).data = value
    if form.starts_at.data is None:
        form.starts_at.data = datetime.combine(event.start_date, datetime.min.time()).replace(hour=9)
    if form.ends_at.data is None:
        form.ends_at.data = form.starts_at.data + timedelta(hours=1)


def _prefill_edit(form: SessionForm, session, event) -> None:
    form.type.data = session.type.value
    form.visibility.data = session.visibility.value
    form.room_id.data = str(session.room_id)
    form.track_id.data = str(session.track_id) if session.track_id else ""
    form.starts_at.data = session.starts_at
    form.ends_at.data = session.ends_at
    form.categories.data = list(session.category_ids or [])


@bp.route(MANAGE + "/sessions/new", methods=["GET", "POST"])
@requires("agenda.edit", load={})
def session_new(event):
    rooms, tracks = rooms_tracks(event)
    if not rooms:
        flash(_("Add a room first: every session takes place in one."), "warning")
        return redirect(url_for("agenda.room_new", slug=event.slug))
    allowed_tracks = tracks if may_edit(event, None) else editable_tracks(event, tracks)
    form = SessionForm(event=event, rooms=rooms, tracks=allowed_tracks,
                       categories=svc.registration_categories(event))
    if not may_edit(event, None):
        form.track_id.choices = form.track_id.choices[1:]  # a track-limited editor must pick one of theirs
    if request.method == "GET":
        _prefill_new(form, event, rooms)
    if form.validate_on_submit():
        data = _allowed_data(form, event, rooms, tracks, _("You may only add sessions to your tracks."))
        created = []
        if data is not None and run_service(
                lambda: created.append(svc.create_session(event, data, actor=current_user)), form=form,
                done=lambda _r: _("Session “%(title)s” added.", title=created[0].title)):
            return redirect(timetable_url(event, created[0]))
    return render_template("agenda/manage/session_form.html", event=event, form=form, session=None,
                           title=_("New session"))


@bp.route(MANAGE + "/sessions/<int:session_id>", methods=["GET", "POST"])
@requires("agenda.view_draft", load={"session": in_event(AgendaSession, "session_id")},
          post="agenda.edit_session", post_on="session")
def session_edit(event, session):
    rooms, tracks = rooms_tracks(event)
    editable = may_edit(event, session.track_id)
    allowed_tracks = tracks if may_edit(event, None) else editable_tracks(event, tracks)
    form = SessionForm(obj=session, event=event, rooms=rooms, tracks=allowed_tracks if editable else tracks,
                       categories=svc.registration_categories(event))
    if request.method == "GET":
        _prefill_edit(form, session, event)
    data = form.validate_on_submit() and _allowed_data(form, event, rooms, tracks,
                                                       _("You may only move sessions into your tracks."))
    if data and run_service(lambda: svc.update_session(session, data, actor=current_user), form=form,
                            done=lambda _r: _("Session “%(title)s” saved.", title=session.title)):
        return redirect(timetable_url(event, session))
    conflicts = [c for c in svc.find_conflicts(event) if session.id in c.session_ids]
    return render_template("agenda/manage/session_form.html", event=event, form=form, session=session,
                           may_edit=editable, conflicts=conflicts, delete_form=EmptyForm(),
                           title=session.title)


@bp.route(MANAGE + "/sessions/<int:session_id>/move", methods=["GET", "POST"])
@requires("agenda.edit_session", load={"session": in_event(AgendaSession, "session_id")},
          on="session", event_action="agenda.edit")
def session_move(event, session):
    rooms = svc.rooms_of(event)
    form = MoveForm(event=event, rooms=rooms)
    if request.method == "GET":
        form.room_id.data = str(session.room_id)
        form.starts_at.data = session.starts_at
        form.ends_at.data = session.ends_at
    if form.validate_on_submit():
        room = {str(r.id): r for r in rooms}.get(form.room_id.data)
        if room is None:
            form.room_id.errors = list(form.room_id.errors) + [_("Choose a room of this event.")]
        elif run_service(lambda: svc.move_session(session, room=room, actor=current_user,
                                                  starts_at=form.starts_at.data,
                                                  ends_at=form.ends_at.data),
                         form=form, done=lambda _r: _("Session “%(title)s” moved.", title=session.title)):
            return redirect(timetable_url(event, session))
    return render_template("agenda/manage/move.html", event=event, form=form, session=session,
                           title=_("Move “%(title)s”", title=session.title))


def _json_error(message: str, status: int):
    return jsonify(error={"code": status, "message": message}), status


def _parse_local(value, event) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.strptime(value[:16], "%Y-%m-%dT%H:%M")
    except ValueError:
        return None
    return local_to_utc(parsed.date(), parsed.time(), event.timezone)


def _move_request(event) -> tuple[Room | None, datetime | None, datetime | None, tuple | None]:
    """Room and times of a drag and drop request, or the JSON error to answer with."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return None, None, None, _json_error(_("Send the new room and times as JSON."), 400)
    room_id = payload.get("room_id")
    room_id = optional_id(room_id) if isinstance(room_id, int) else None  # a JSON number, within range
    room = db.session.get(Room, room_id) if room_id is not None else None
    if room is None or room.event_id != event.id:
        return None, None, None, _json_error(_("Choose a room of this event."), 400)
    starts_at, ends_at = _parse_local(payload.get("start"), event), _parse_local(payload.get("end"), event)
    if starts_at is None or ends_at is None:
        return None, None, None, _json_error(_("Give the start and end as date and time, e.g. 2027-04-21T09:00."),
                                             400)
    return room, starts_at, ends_at, None


@bp.route(MANAGE + "/sessions/<int:session_id>/move.json", methods=["POST"])
@requires("agenda.edit_session", load={"session": in_event(AgendaSession, "session_id")},
          on="session", event_action="agenda.edit")
def session_move_json(event, session):
    """The drag and drop endpoint: {"room_id", "start", "end"} in event time, CSRF token in X-CSRFToken."""
    room, starts_at, ends_at, error = _move_request(event)
    if error is not None:
        return error
    try:
        svc.move_session(session, room=room, starts_at=starts_at, ends_at=ends_at, actor=current_user)
    except svc.AgendaError as refusal:  # answered as JSON, not flashed: run_service does not fit here
        db.session.rollback()
        return _json_error(refusal.message, 409 if refusal.field == "room_id" else 400)
    db.session.commit()
    conflicts = svc.conflicts_by_session(svc.find_conflicts(event))
    return jsonify(
        session={"id": session.id, "room_id": session.room_id, "sequence": session.sequence,
                 "start": to_zone(session.starts_at, event.timezone).strftime("%Y-%m-%dT%H:%M"),
                 "end": to_zone(session.ends_at, event.timezone).strftime("%Y-%m-%dT%H:%M")},
        conflicts={str(k): [c.message for c in v] for k, v in conflicts.items()},
        message=_("Session “%(title)s” moved.", title=session.title))


@bp.route(MANAGE + "/sessions/<int:session_id>/delete", methods=["POST"])
@requires("agenda.edit_session", load={"session": in_event(AgendaSession, "session_id")},
          on="session", event_action="agenda.edit")
def session_delete(event, session):
    if EmptyForm().validate_on_submit():
        title = session.title
        run_service(lambda: svc.delete_session(session, actor=current_user),
                    done=_("Session “%(title)s” deleted.", title=title))
    return redirect(url_for("agenda.manage_list", slug=event.slug))
