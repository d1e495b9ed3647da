"""Agenda pages: the organiser's timetable editor and the public agenda with its feeds."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from flask import Response, abort, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user
from markupsafe import Markup

from app.agenda import bp, cache, exports
from app.agenda import services as svc
from app.agenda.httpcache import mark_public
from app.agenda.forms import MoveForm, PublishForm, RoomForm, SessionForm, TrackForm
from app.agenda.models import (SESSION_TYPE_LABELS, VISIBILITY_LABELS, AgendaSession, Room, SessionType, Track,
                               Visibility)
from app.agenda.timetable import day_grid, event_days, grid_css as _grid_css
from app.events.forms import EmptyForm
from app.extensions import db
from app.utils.db import get_in_event_or_404
from app.utils.downloads import content_disposition
from app.utils.inputs import optional_id
from app.policy import can, ensure, has_any_role, public, requires
from app.utils.time import to_zone
from app.utils.views import run_service, show_refusal

MANAGE = "/e/<slug>/manage/agenda"


# --- helpers -------------------------------------------------------------------------

def _local_to_utc(value: datetime | None, event) -> datetime | None:
    return value.replace(tzinfo=event.tz).astimezone(UTC) if value else None


def _utc_to_local(value: datetime | None, event) -> datetime | None:
    return to_zone(value, event.timezone).replace(tzinfo=None) if value else None


def _session_or_404(event, session_id: int) -> AgendaSession:
    return get_in_event_or_404(AgendaSession, session_id, event)


def _room_or_404(event, room_id: int) -> Room:
    return get_in_event_or_404(Room, room_id, event)


def _track_or_404(event, track_id: int) -> Track:
    return get_in_event_or_404(Track, track_id, event)


def _may_edit(event, track_id: int | None) -> bool:
    """Whether the current user may edit a session of `track_id` (track-scoped programme roles)."""
    return can(current_user, "agenda.edit_session", SimpleNamespace(event=event, track_id=track_id))


def _apply(call, **kwargs) -> bool:
    """`run_service` with the agenda's refusal: commit and flash, or show why not."""
    return run_service(call, svc.AgendaError, **kwargs)


def _session_data(form: SessionForm, event, rooms: dict[int, Room], tracks: dict[int, Track]):
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
        "sdgs": sorted(set(form.sdgs.data or [])), "starts_at": _local_to_utc(form.starts_at.data, event),
        "ends_at": _local_to_utc(form.ends_at.data, event), "abstract": form.abstract.data or "",
        "languages": list(form.languages.data or []), "capacity": form.capacity.data,
        "signup_required": bool(form.signup_required.data), "visibility": Visibility(form.visibility.data),
        "category_ids": form.category_id_list,
    }


def _rooms_tracks(event):
    rooms = svc.rooms_of(event)
    tracks = svc.tracks_of(event)
    return rooms, tracks


def _registration_categories(event):
    """The event's registration categories for a restricted session, closed ones too
    (a session may still name one, and saving it must not drop it unseen)."""
    from sqlalchemy import select

    from app.registration.models import Category

    return list(db.session.scalars(select(Category).where(Category.event_id == event.id)
                                   .order_by(Category.position, Category.id)))


def _editable_tracks(event, tracks):
    return [t for t in tracks if _may_edit(event, t.id)]


# --- timetable, list, conflicts ------------------------------------------------------

@bp.route(MANAGE)
@requires("agenda.view_draft")
def manage_timetable(slug):
    event = g.event
    days = event_days(event)
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        day = days[0]
    rooms, tracks = _rooms_tracks(event)
    sessions = svc.sessions_of(event)
    conflicts = svc.conflicts_by_session(svc.find_conflicts(event, sessions))
    grid = day_grid(event, day, rooms, sessions)
    editable = {s.id for s in sessions if _may_edit(event, s.track_id)}
    return render_template("agenda/manage/timetable.html", event=event, days=days, day=day, grid=grid,
                           rooms=rooms, tracks=tracks, conflicts=conflicts, editable=editable,
                           may_create=bool(_editable_tracks(event, tracks)) or _may_edit(event, None),
                           title=_("Timetable"))


@bp.route(MANAGE + "/list")
@requires("agenda.view_draft")
def manage_list(slug):
    event = g.event
    sessions = svc.sessions_of(event)
    conflicts = svc.conflicts_by_session(svc.find_conflicts(event, sessions))
    editable = {s.id for s in sessions if _may_edit(event, s.track_id)}
    return render_template("agenda/manage/list.html", event=event, sessions=sessions, conflicts=conflicts,
                           editable=editable, type_labels=SESSION_TYPE_LABELS, visibility_labels=VISIBILITY_LABELS,
                           title=_("Sessions"))


@bp.route(MANAGE + "/conflicts")
@requires("agenda.view_draft")
def manage_conflicts(slug):
    event = g.event
    sessions = svc.sessions_of(event)
    conflicts = svc.find_conflicts(event, sessions)
    by_id = {s.id: s for s in sessions}
    return render_template("agenda/manage/conflicts.html", event=event, conflicts=conflicts, sessions=by_id,
                           title=_("Conflicts"))


# --- sessions ------------------------------------------------------------------------

@bp.route(MANAGE + "/sessions/new", methods=["GET", "POST"])
@requires("agenda.edit")
def session_new(slug):
    event = g.event
    rooms, tracks = _rooms_tracks(event)
    if not rooms:
        flash(_("Add a room first: every session takes place in one."), "warning")
        return redirect(url_for("agenda.room_new", slug=slug))
    allowed_tracks = tracks if _may_edit(event, None) else _editable_tracks(event, tracks)
    form = SessionForm(rooms=rooms, tracks=allowed_tracks, categories=_registration_categories(event))
    if not _may_edit(event, None):
        form.track_id.choices = form.track_id.choices[1:]  # a track-limited editor must pick one of theirs
    if request.method == "GET":
        _prefill_new(form, event, rooms)
    if form.validate_on_submit():
        data = _session_data(form, event, {r.id: r for r in rooms}, {t.id: t for t in tracks})
        if data is not None:
            if not _may_edit(event, data["track"].id if data["track"] else None):
                form.track_id.errors = list(form.track_id.errors) + [_("You may only add sessions to your tracks.")]
            else:
                try:
                    session = svc.create_session(event, data, actor=current_user)
                except svc.AgendaError as error:
                    db.session.rollback()
                    show_refusal(form, error)
                else:
                    db.session.commit()
                    flash(_("Session “%(title)s” added.", title=session.title), "success")
                    return redirect(_timetable_url(event, session))
    return render_template("agenda/manage/session_form.html", event=event, form=form, session=None,
                           title=_("New session"))


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


def _timetable_url(event, session: AgendaSession) -> str:
    day = to_zone(session.starts_at, event.timezone).date()
    return url_for("agenda.manage_timetable", slug=event.slug, day=day.isoformat()) + f"#session-{session.id}"


@bp.route(MANAGE + "/sessions/<int:session_id>", methods=["GET", "POST"])
@requires("agenda.view_draft")
def session_edit(slug, session_id):
    event = g.event
    session = _session_or_404(event, session_id)
    rooms, tracks = _rooms_tracks(event)
    may_edit = _may_edit(event, session.track_id)
    allowed_tracks = tracks if _may_edit(event, None) else _editable_tracks(event, tracks)
    form = SessionForm(obj=session, rooms=rooms, tracks=allowed_tracks if may_edit else tracks,
                       categories=_registration_categories(event))
    if request.method == "GET":
        form.type.data = session.type.value
        form.visibility.data = session.visibility.value
        form.room_id.data = str(session.room_id)
        form.track_id.data = str(session.track_id) if session.track_id else ""
        form.starts_at.data = _utc_to_local(session.starts_at, event)
        form.ends_at.data = _utc_to_local(session.ends_at, event)
        form.categories.data = list(session.category_ids or [])
    if request.method == "POST":
        if not may_edit:
            abort(403)
        if form.validate_on_submit():
            data = _session_data(form, event, {r.id: r for r in rooms}, {t.id: t for t in tracks})
            if data is not None:
                if not _may_edit(event, data["track"].id if data["track"] else None):
                    form.track_id.errors = list(form.track_id.errors) + [
                        _("You may only move sessions into your tracks.")]
                elif _apply(lambda: svc.update_session(session, data, actor=current_user), form=form,
                            done=lambda _r: _("Session “%(title)s” saved.", title=session.title)):
                    return redirect(_timetable_url(event, session))
    conflicts = [c for c in svc.find_conflicts(event) if session.id in c.session_ids]
    return render_template("agenda/manage/session_form.html", event=event, form=form, session=session,
                           may_edit=may_edit, conflicts=conflicts, delete_form=EmptyForm(),
                           title=session.title)


@bp.route(MANAGE + "/sessions/<int:session_id>/move", methods=["GET", "POST"])
@requires("agenda.edit")
def session_move(slug, session_id):
    event = g.event
    session = _session_or_404(event, session_id)
    ensure("agenda.edit_session", session)
    rooms = svc.rooms_of(event)
    form = MoveForm(rooms=rooms)
    if request.method == "GET":
        form.room_id.data = str(session.room_id)
        form.starts_at.data = _utc_to_local(session.starts_at, event)
        form.ends_at.data = _utc_to_local(session.ends_at, event)
    if form.validate_on_submit():
        room = {str(r.id): r for r in rooms}.get(form.room_id.data)
        if room is None:
            form.room_id.errors = list(form.room_id.errors) + [_("Choose a room of this event.")]
        elif _apply(lambda: svc.move_session(session, room=room, actor=current_user,
                                             starts_at=_local_to_utc(form.starts_at.data, event),
                                             ends_at=_local_to_utc(form.ends_at.data, event)),
                    form=form, done=lambda _r: _("Session “%(title)s” moved.", title=session.title)):
            return redirect(_timetable_url(event, session))
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
    return _local_to_utc(parsed, event)


@bp.route(MANAGE + "/sessions/<int:session_id>/move.json", methods=["POST"])
@requires("agenda.edit")
def session_move_json(slug, session_id):
    """The drag and drop endpoint: {"room_id", "start", "end"} in event time, CSRF token in X-CSRFToken."""
    event = g.event
    session = _session_or_404(event, session_id)
    ensure("agenda.edit_session", session)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return _json_error(_("Send the new room and times as JSON."), 400)
    room_id = payload.get("room_id")
    room_id = optional_id(room_id) if isinstance(room_id, int) else None  # a JSON number, within range
    room = db.session.get(Room, room_id) if room_id is not None else None
    if room is None or room.event_id != event.id:
        return _json_error(_("Choose a room of this event."), 400)
    starts_at, ends_at = _parse_local(payload.get("start"), event), _parse_local(payload.get("end"), event)
    if starts_at is None or ends_at is None:
        return _json_error(_("Give the start and end as date and time, e.g. 2027-04-21T09:00."), 400)
    try:
        svc.move_session(session, room=room, starts_at=starts_at, ends_at=ends_at, actor=current_user)
    except svc.AgendaError as error:
        db.session.rollback()
        return _json_error(error.message, 409 if error.field == "room_id" else 400)
    db.session.commit()
    conflicts = svc.conflicts_by_session(svc.find_conflicts(event))
    return jsonify(
        session={"id": session.id, "room_id": session.room_id, "sequence": session.sequence,
                 "start": _utc_to_local(session.starts_at, event).strftime("%Y-%m-%dT%H:%M"),
                 "end": _utc_to_local(session.ends_at, event).strftime("%Y-%m-%dT%H:%M")},
        conflicts={str(k): [c.message for c in v] for k, v in conflicts.items()},
        message=_("Session “%(title)s” moved.", title=session.title))


@bp.route(MANAGE + "/sessions/<int:session_id>/delete", methods=["POST"])
@requires("agenda.edit")
def session_delete(slug, session_id):
    event = g.event
    session = _session_or_404(event, session_id)
    ensure("agenda.edit_session", session)
    form = EmptyForm()
    if form.validate_on_submit():
        title = session.title
        svc.delete_session(session, actor=current_user)
        db.session.commit()
        flash(_("Session “%(title)s” deleted.", title=title), "success")
    return redirect(url_for("agenda.manage_list", slug=slug))


# --- rooms and tracks ----------------------------------------------------------------

@bp.route(MANAGE + "/rooms")
@requires("agenda.view_draft")
def manage_rooms(slug):
    event = g.event
    return render_template("agenda/manage/rooms.html", event=event, rooms=svc.rooms_of(event),
                           may_edit=can(current_user, "agenda.edit_structure", event), delete_form=EmptyForm(),
                           title=_("Rooms"))


def _structure_form(event, form, save, done, *, back: str, title, delete_url: str | None = None):
    """The page of a new or existing room or track: save it and go back to the list, or show the form
    (again, with the refusal next to its field)."""
    if form.validate_on_submit() and _apply(save, form=form, done=done):
        return redirect(back)
    return render_template("agenda/manage/simple_form.html", event=event, form=form, title=title, back=back,
                           delete_url=delete_url)


def _room_data(form: RoomForm) -> dict:
    return {"name": form.name.data, "capacity": form.capacity.data, "location": form.location.data or "",
            "equipment": form.equipment.data or "",
            "interpretation_languages": list(form.interpretation_languages.data or []),
            "opens_at": form.opens_at.data, "closes_at": form.closes_at.data, "position": form.position.data or 0}


@bp.route(MANAGE + "/rooms/new", methods=["GET", "POST"])
@requires("agenda.edit")
def room_new(slug):
    event = g.event
    ensure("agenda.edit_structure", event)
    form = RoomForm()
    return _structure_form(event, form, lambda: svc.create_room(event, _room_data(form), actor=current_user),
                           lambda room: _("Room “%(name)s” added.", name=room.name),
                           back=url_for("agenda.manage_rooms", slug=slug), title=_("New room"))


@bp.route(MANAGE + "/rooms/<int:room_id>", methods=["GET", "POST"])
@requires("agenda.edit")
def room_edit(slug, room_id):
    event = g.event
    ensure("agenda.edit_structure", event)
    room = _room_or_404(event, room_id)
    form = RoomForm(obj=room)
    return _structure_form(event, form, lambda: svc.update_room(room, _room_data(form), actor=current_user),
                           lambda _r: _("Room “%(name)s” saved.", name=room.name),
                           back=url_for("agenda.manage_rooms", slug=slug), title=room.name,
                           delete_url=url_for("agenda.room_delete", slug=slug, room_id=room.id))


@bp.route(MANAGE + "/rooms/<int:room_id>/delete", methods=["POST"])
@requires("agenda.edit")
def room_delete(slug, room_id):
    event = g.event
    ensure("agenda.edit_structure", event)
    room = _room_or_404(event, room_id)
    if EmptyForm().validate_on_submit():
        _apply(lambda: svc.delete_room(room, actor=current_user), done=_("Room deleted."))
    return redirect(url_for("agenda.manage_rooms", slug=slug))


@bp.route(MANAGE + "/tracks")
@requires("agenda.view_draft")
def manage_tracks(slug):
    event = g.event
    return render_template("agenda/manage/tracks.html", event=event, tracks=svc.tracks_of(event),
                           may_edit=can(current_user, "agenda.edit_structure", event), title=_("Tracks"))


def _track_data(form: TrackForm) -> dict:
    return {"name": form.name.data, "colour": form.colour.data.lower(), "description": form.description.data or "",
            "sdgs": sorted(set(form.sdgs.data or [])), "position": form.position.data or 0}


@bp.route(MANAGE + "/tracks/new", methods=["GET", "POST"])
@requires("agenda.edit")
def track_new(slug):
    event = g.event
    ensure("agenda.edit_structure", event)
    form = TrackForm()
    if request.method == "GET":
        form.colour.data = "#1f6fb2"
    return _structure_form(event, form, lambda: svc.create_track(event, _track_data(form), actor=current_user),
                           lambda track: _("Track “%(name)s” added.", name=track.name),
                           back=url_for("agenda.manage_tracks", slug=slug), title=_("New track"))


@bp.route(MANAGE + "/tracks/<int:track_id>", methods=["GET", "POST"])
@requires("agenda.edit")
def track_edit(slug, track_id):
    event = g.event
    ensure("agenda.edit_structure", event)
    track = _track_or_404(event, track_id)
    form = TrackForm(obj=track)
    return _structure_form(event, form, lambda: svc.update_track(track, _track_data(form), actor=current_user),
                           lambda _r: _("Track “%(name)s” saved.", name=track.name),
                           back=url_for("agenda.manage_tracks", slug=slug), title=track.name,
                           delete_url=url_for("agenda.track_delete", slug=slug, track_id=track.id))


@bp.route(MANAGE + "/tracks/<int:track_id>/delete", methods=["POST"])
@requires("agenda.edit")
def track_delete(slug, track_id):
    event = g.event
    ensure("agenda.edit_structure", event)
    track = _track_or_404(event, track_id)
    if EmptyForm().validate_on_submit():
        _apply(lambda: svc.delete_track(track, actor=current_user), done=_("Track deleted."))
    return redirect(url_for("agenda.manage_tracks", slug=slug))


# --- publishing ----------------------------------------------------------------------

@bp.route(MANAGE + "/publish", methods=["GET", "POST"])
@requires("agenda.publish")
def manage_publish(slug):
    event = g.event
    may_publish = can(current_user, "agenda.edit_structure", event)
    form = PublishForm()
    if request.method == "POST":
        if not may_publish:
            abort(403)
        if form.validate_on_submit():
            accepted = form.conflicts_seen.data if form.publish_anyway.data else None
            try:
                publication = svc.publish_agenda(event, actor=current_user, accept_conflicts=accepted)
            except svc.ConflictsOpen as refusal:
                db.session.rollback()
                show_refusal(form, refusal)
            else:
                db.session.commit()
                flash(_("Agenda version %(version)d is public.", version=publication.version), "success")
                return redirect(url_for("agenda.manage_publish", slug=slug))
    still_open = svc.open_conflicts(event)
    form.conflicts_seen.data = svc.conflicts_key(still_open)
    form.publish_anyway.data = False  # a confirmation covers one list of conflicts, once
    return render_template("agenda/manage/publish.html", event=event, form=form, changes=svc.pending_changes(event),
                           publications=svc.publications_of(event), conflicts=still_open, may_publish=may_publish,
                           sessions={s.id: s for s in svc.sessions_of(event)}, title=_("Publish the agenda"))


# --- public pages and feeds ----------------------------------------------------------

FEED_TYPES = {
    "pdf": "application/pdf",
    "json": "application/json",
    "xml": "application/xml",
    "ics": "text/calendar; charset=utf-8",
}


def _type_choices() -> list[tuple[str, str]]:
    return [(t.value, str(SESSION_TYPE_LABELS[t])) for t in SessionType]


@bp.context_processor
def _sdg_names():
    """SDG badges name the goal: sdg_badge(6) is "SDG 6 — Clean water and sanitation"."""
    from app.agenda.sdgs import sdg_badge

    return {"sdg_badge": sdg_badge}


def _sdg_choices() -> dict[int, str]:
    """{n: "n — name of the goal"} for the 17 goals, translated."""
    from app.agenda.sdgs import SDG_NAMES, sdg_label

    return {n: str(sdg_label(n)) for n in SDG_NAMES}


def _public_state_or_404(slug: str) -> cache.PublicState:
    """The event (published, or visible to its team) and its current publication, in one query."""
    state = cache.public_state(slug)
    if state is None:
        abort(404)
    if not state.published and not has_any_role(current_user, state.event):
        abort(404)
    return state


def _locale() -> str:
    return str(get_locale() or "en")


def _variant(categories) -> str:
    if categories is None:
        return "all"
    return "c" + "-".join(str(c) for c in sorted(categories)) if categories else "pub"


def _agenda_for(state: cache.PublicState, categories=frozenset()):
    publication = db.session.get(svc.Publication, state.publication_id)
    return svc.public_agenda(publication, categories=categories)


def _not_modified(state: cache.PublicState, etag: str) -> bool:
    if request.if_none_match:
        return request.if_none_match.contains(etag)
    since = request.if_modified_since
    return bool(since and state.changed_at and state.changed_at.replace(microsecond=0) <= since)


OPEN_FEEDS = ("json", "xml", "ics")


def _feed(state: cache.PublicState, kind: str, build, filename: str) -> Response:
    """A cached feed body with ETag/Last-Modified, answering conditional requests with 304."""
    if state.publication_id is None:
        abort(404)
    locale = _locale()
    etag = state.etag(kind, locale)
    if _not_modified(state, etag):
        response = Response(status=304)
    else:
        body, wrote = cache.cached_body(state, state.key(kind, locale),
                                        lambda: build(state.event, _agenda_for(state)))
        if wrote:
            db.session.commit()
        response = Response(body, mimetype=None, content_type=FEED_TYPES[filename.rsplit(".", 1)[1]])
        response.headers["Content-Disposition"] = content_disposition(filename, attachment=kind == "pdf")
    response.set_etag(etag)
    response.last_modified = state.changed_at
    response.headers["Cache-Control"] = "public, no-cache"
    response.headers["Vary"] = "Accept-Language, Cookie"
    if kind in OPEN_FEEDS:
        # Read-only and public: browser-based schedule apps may read them from any site.
        response.headers["Access-Control-Allow-Origin"] = "*"
    if _page_cacheable() and response.status_code == 200:
        mark_public(response, state.token, locale)
    return response


@bp.route("/e/<slug>/schedule.json")
@public
def schedule_json(slug):
    state = _public_state_or_404(slug)
    return _feed(state, "json", exports.schedule_json, "schedule.json")


@bp.route("/e/<slug>/schedule.xml")
@public
def schedule_xml(slug):
    state = _public_state_or_404(slug)
    return _feed(state, "xml", exports.schedule_xml, "schedule.xml")


@bp.route("/e/<slug>/agenda.ics")
@public
def agenda_ics(slug):
    state = _public_state_or_404(slug)
    return _feed(state, "ics", exports.calendar_ics, f"{slug}.ics")


@bp.route("/e/<slug>/agenda.pdf")
@public
def agenda_pdf(slug):
    state = _public_state_or_404(slug)
    try:
        exports._font_paths()
    except exports.FontMissing:
        current_app.logger.error("agenda PDF: no DejaVu font installed (apt-get install fonts-dejavu-core)")
        abort(503)
    return _feed(state, "pdf", exports.agenda_pdf, f"{slug}-agenda.pdf")


@bp.route("/e/<slug>/agenda")
@public
def public_agenda(slug):
    """The published agenda by day; filters work in the page (JS) and without JS (query string)."""
    state = _public_state_or_404(slug)
    if state.publication_id is None:
        g.event = state.event
        return render_template("agenda/public/not_published.html", event=state.event, title=_("Agenda"))
    filters = svc.AgendaFilters.from_args(request.args)
    locale = _locale()
    if _page_cacheable():
        # Visitors without an account all get the same page: it is stored whole.
        def render_page() -> bytes:
            return _render_agenda_page(state, filters, frozenset(), locale, cache_body=False).encode()

        page, wrote = cache.cached_body(state, state.key("fullpage", locale, "pub"), render_page)
        if wrote:
            db.session.commit()
        response = Response(page, mimetype="text/html")
        response.headers["Vary"] = "Accept-Language, Cookie"
        return mark_public(response, state.token, locale)
    categories = svc.viewer_categories(current_user, state.event)
    page = _render_agenda_page(state, filters, categories, locale)
    if db.session.new:
        db.session.commit()
    return page


def _render_agenda_page(state, filters, categories, locale, cache_body: bool = True, **context):
    """The agenda page; its body is cached per publication, language and audience unless filtered."""
    event = state.event
    g.event = event

    def render_body(agenda=None, shown=None) -> bytes:
        agenda = agenda or _agenda_for(state, categories)
        return render_template("agenda/public/_agenda_body.html", event=event, agenda=agenda, filters=filters,
                               shown=shown if shown is not None else agenda.sessions,
                               type_choices=_type_choices, sdg_choices=_sdg_choices).encode()

    if filters.active:
        agenda = _agenda_for(state, categories)
        body = render_body(agenda, filters.apply(agenda.sessions))
    elif not cache_body:  # the whole page is being cached instead
        body = render_body()
    else:
        body, _wrote = cache.cached_body(state, state.key("page", locale, _variant(categories)), render_body)
    return render_template("agenda/public/agenda.html", event=event, body=Markup(body.decode()),
                           title=_("Agenda"), **context)


def _page_cacheable() -> bool:
    """A whole page may be shared when nothing in it is the visitor's own: no login,
    no query string (language, filters), no message waiting to be shown."""
    from flask import session as cookie_session

    return (not current_user.is_authenticated and not request.args
            and not cookie_session.get("_flashes"))


@bp.route("/e/<slug>/sessions/<int:session_id>")
@public
def public_session(slug, session_id):
    state = _public_state_or_404(slug)
    event = g.event = state.event
    if state.publication_id is None:
        abort(404)
    agenda = _agenda_for(state, svc.viewer_categories(current_user, event))
    session = agenda.session(session_id)
    if session is None:
        abort(404)
    return render_template("agenda/public/session.html", event=event, s=session, title=session.title)


@bp.route("/e/<slug>/sessions/<int:session_id>.ics")
@public
def session_ics(slug, session_id):
    """One session as a calendar file, for whoever may see its page (the same rule)."""
    state = _public_state_or_404(slug)
    if state.publication_id is None:
        abort(404)
    agenda = _agenda_for(state, svc.viewer_categories(current_user, state.event))
    session = agenda.session(session_id)
    if session is None:
        abort(404)
    body = exports.calendar_ics(state.event, agenda, [session])
    response = Response(body, content_type=FEED_TYPES["ics"])
    response.headers["Content-Disposition"] = content_disposition(f"session-{session.id}.ics")
    response.set_etag(f"{state.etag('ics', 'any')}-{session.id}-{session.sequence}")
    response.last_modified = state.changed_at
    # A restricted session is for some people only: no shared cache may keep it.
    response.headers["Cache-Control"] = "private, no-cache" if session.restricted else "public, no-cache"
    return response.make_conditional(request)


@bp.route("/agenda/grid.css")
@public
def grid_css():
    response = Response(_grid_css(), mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/e/<slug>/agenda/tracks.css")
@public
def tracks_css(slug):
    """Track colours as classes, so pages need no style attributes (strict CSP)."""
    from app.events.services import get_event_or_404

    event = get_event_or_404(slug, user=current_user)
    colours = [(t.id, t.colour if re.fullmatch(r"#[0-9a-fA-F]{6}", t.colour or "") else "#6c757d")
               for t in svc.tracks_of(event)]
    css = render_template("agenda/tracks.css", colours=colours)
    response = Response(css, mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
