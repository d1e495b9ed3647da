"""The organiser's room and track pages."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.agenda import bp
from app.agenda import services as svc
from app.agenda.forms import RoomForm, TrackForm
from app.agenda.models import Room, Track
from app.agenda.views.common import MANAGE
from app.events.forms import EmptyForm
from app.policy import can, in_event, requires
from app.utils.views import run_service


@bp.route(MANAGE + "/rooms")
@requires("agenda.view_draft", load={})
def manage_rooms(event):
    return render_template("agenda/manage/rooms.html", event=event, rooms=svc.rooms_of(event),
                           may_edit=can(current_user, "agenda.edit_structure", event), delete_form=EmptyForm(),
                           title=_("Rooms"))


def _structure_form(event, form, save, done, *, back: str, title, delete_url: str | None = None):
    """The page of a new or existing room or track: save it and go back to the list, or show the form
    (again, with the refusal next to its field)."""
    if form.validate_on_submit() and run_service(save, form=form, done=done):
        return redirect(back)
    return render_template("agenda/manage/simple_form.html", event=event, form=form, title=title, back=back,
                           delete_url=delete_url)


def _room_data(form: RoomForm) -> dict:
    return {"name": form.name.data, "capacity": form.capacity.data, "location": form.location.data or "",
            "equipment": form.equipment.data or "",
            "interpretation_languages": list(form.interpretation_languages.data or []),
            "opens_at": form.opens_at.data, "closes_at": form.closes_at.data, "position": form.position.data or 0}


@bp.route(MANAGE + "/rooms/new", methods=["GET", "POST"])
@requires("agenda.edit_structure", load={},
          on="event", event_action="agenda.edit")
def room_new(event):
    form = RoomForm()
    return _structure_form(event, form, lambda: svc.create_room(event, _room_data(form), actor=current_user),
                           lambda room: _("Room “%(name)s” added.", name=room.name),
                           back=url_for("agenda.manage_rooms", slug=event.slug), title=_("New room"))


@bp.route(MANAGE + "/rooms/<int:room_id>", methods=["GET", "POST"])
@requires("agenda.edit_structure", load={"room": in_event(Room, "room_id")},
          on="event", event_action="agenda.edit")
def room_edit(event, room):
    form = RoomForm(obj=room)
    return _structure_form(event, form, lambda: svc.update_room(room, _room_data(form), actor=current_user),
                           lambda _r: _("Room “%(name)s” saved.", name=room.name),
                           back=url_for("agenda.manage_rooms", slug=event.slug), title=room.name,
                           delete_url=url_for("agenda.room_delete", slug=event.slug, room_id=room.id))


@bp.route(MANAGE + "/rooms/<int:room_id>/delete", methods=["POST"])
@requires("agenda.edit_structure", load={"room": in_event(Room, "room_id")},
          on="event", event_action="agenda.edit")
def room_delete(event, room):
    if EmptyForm().validate_on_submit():
        run_service(lambda: svc.delete_room(room, actor=current_user), done=_("Room deleted."))
    return redirect(url_for("agenda.manage_rooms", slug=event.slug))


@bp.route(MANAGE + "/tracks")
@requires("agenda.view_draft", load={})
def manage_tracks(event):
    return render_template("agenda/manage/tracks.html", event=event, tracks=svc.tracks_of(event),
                           may_edit=can(current_user, "agenda.edit_structure", event), title=_("Tracks"))


def _track_data(form: TrackForm) -> dict:
    return {"name": form.name.data, "colour": form.colour.data.lower(), "description": form.description.data or "",
            "sdgs": sorted(set(form.sdgs.data or [])), "position": form.position.data or 0}


@bp.route(MANAGE + "/tracks/new", methods=["GET", "POST"])
@requires("agenda.edit_structure", load={},
          on="event", event_action="agenda.edit")
def track_new(event):
    form = TrackForm()
    if request.method == "GET":
        form.colour.data = "#1f6fb2"
    return _structure_form(event, form, lambda: svc.create_track(event, _track_data(form), actor=current_user),
                           lambda track: _("Track “%(name)s” added.", name=track.name),
                           back=url_for("agenda.manage_tracks", slug=event.slug), title=_("New track"))


@bp.route(MANAGE + "/tracks/<int:track_id>", methods=["GET", "POST"])
@requires("agenda.edit_structure", load={"track": in_event(Track, "track_id")},
          on="event", event_action="agenda.edit")
def track_edit(event, track):
    form = TrackForm(obj=track)
    return _structure_form(event, form, lambda: svc.update_track(track, _track_data(form), actor=current_user),
                           lambda _r: _("Track “%(name)s” saved.", name=track.name),
                           back=url_for("agenda.manage_tracks", slug=event.slug), title=track.name,
                           delete_url=url_for("agenda.track_delete", slug=event.slug, track_id=track.id))


@bp.route(MANAGE + "/tracks/<int:track_id>/delete", methods=["POST"])
@requires("agenda.edit_structure", load={"track": in_event(Track, "track_id")},
          on="event", event_action="agenda.edit")
def track_delete(event, track):
    if EmptyForm().validate_on_submit():
        run_service(lambda: svc.delete_track(track, actor=current_user), done=_("Track deleted."))
    return redirect(url_for("agenda.manage_tracks", slug=event.slug))


