"""The check-in desk: one field that takes a scan, a typed code or a name, the door
it checks (the entrance or a session), live counts, photos and desk printing."""
from __future__ import annotations

from flask import Response, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user
from markupsafe import Markup

from app.checkin import badges, bp, services
from app.checkin.forms import DeskForm, PickForm, ScanForm
from app.checkin.models import CheckInMethod
from app.checkin.views.offline import offline_config
from app.checkin.views.common import (MANAGE, badge_filename, pdf, picked,
                                      registration_from_posted_pick)
from app.extensions import db
from app.policy import requires
from app.registration.photos import photo_bytes
from app.utils.formatting import event_datetime
from app.utils.translated import shown_markup
from app.utils.inputs import record_id
from app.utils.views import run_service


def _door(event):
    """The session whose door the desk is checking (from ?session= or the form), or None for the entrance."""
    raw = request.values.get("session", type=record_id)
    if not raw:
        return None, None
    sessions = services.desk_sessions(event)
    door = next((s for s in sessions if s.id == raw), None)
    if door is None:
        abort(404)
    return door, sessions


def _result_html(event, result, door, method: CheckInMethod = CheckInMethod.search) -> str:
    return render_template("checkin/_result.html", event=event, result=result, door=door, method=method.value,
                           pick_form=PickForm(), pick=services.pick_token)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.args.get("format") == "json"


def _confirmation(event, result, door, method: CheckInMethod) -> dict | None:
    """For an answer asking to confirm: the request that admits the person anyway."""
    if result.status != "confirm" or result.registration is None:
        return None
    fields = {"pick": services.pick_token(result.registration), "method": method.value, "confirm": "1"}
    if door:
        fields["session"] = str(door.id)
    return {"url": url_for("checkin.desk_pick", slug=event.slug), "fields": fields}


# (publication token, language, time zone, chosen door) -> the door list's <option>s: the
# same at every scan until the agenda is published again (a new token).
_DOOR_OPTIONS: dict[tuple, Markup] = {}
_DOOR_OPTIONS_MAX = 256


def _door_options(event, door) -> Markup:
    """The door list's sessions as <option>s, the desk's own door selected, drawn once per
    publication, language and door in each worker."""
    token = services.doors_token(event)
    key = (event.id, token, str(get_locale()), event.timezone, door.id if door else None)
    options = _DOOR_OPTIONS.get(key)
    if options is None:
        options = Markup("").join(
            Markup('<option value="{}"{}>{} · {}</option>').format(
                d.id, Markup(" selected") if door and door.id == d.id else "",
                event_datetime(d.starts_at, event, "weekday_time"), shown_markup(d.title))
            for d in services.desk_sessions(event))
        if len(_DOOR_OPTIONS) >= _DOOR_OPTIONS_MAX:
            _DOOR_OPTIONS.clear()
        _DOOR_OPTIONS[key] = options
    return options


def _desk_page(event, form, result, door, result_html=""):
    return render_template("checkin/desk.html", event=event, form=form, result=result, door=door,
                           door_options=_door_options(event, door),
                           counts=services.live_counts(event, session_id=door.id if door else None),
                           result_html=result_html, title=_("Check-in"),
                           desk_form=DeskForm() if door is None else None,
                           offline=offline_config(event) if door is None else None)


def _desk_answer(event, result, door, method: CheckInMethod = CheckInMethod.search, form=None):
    if _wants_json():
        confirm = _confirmation(event, result, door, method)
        return jsonify(status=result.status, message=result.message, html=_result_html(event, result, door, method),
                       **({"confirm": confirm} if confirm else {}))
    form = form or ScanForm()  # the scan's own form, emptied for the next badge
    form.code.data = ""
    return _desk_page(event, form, result, door, result_html=_result_html(event, result, door, method))


@bp.route(MANAGE + "/checkin", methods=["GET", "POST"])
@requires("checkin.operate", load={})
def desk(event):
    """The desk: one field that takes a scan, a typed code or a name. Works without
    JavaScript (a full page per scan); checkin.js keeps the field focused and
    answers in place."""
    door, _doors = _door(event)
    form = ScanForm()
    if request.method == "GET":
        return _desk_page(event, form, None, door)
    if form.validate_on_submit():
        result = services.scan(event, form.code.data, actor=current_user, session=door,
                               confirmed=form.confirm.data == "1")
        _commit_keeping_what_was_read()
    else:
        result = services.DeskResult("empty")
    return _desk_answer(event, result, door, _method_of(form.code.data or ""), form)


@bp.route(MANAGE + "/checkin/pick", methods=["POST"])
@requires("checkin.operate", load={})
def desk_pick(event):
    """Check in the person picked from the name search, or admit one the desk was asked to confirm."""
    door, _doors = _door(event)
    form = PickForm()
    registration = registration_from_posted_pick(event)
    method = next((m for m in CheckInMethod if m.value == form.method.data), CheckInMethod.search)
    result = services.admit(event, registration, actor=current_user, method=method, session=door,
                            confirmed=form.confirm.data == "1")
    _commit_keeping_what_was_read()
    return _desk_answer(event, result, door, method)


def _commit_keeping_what_was_read() -> None:
    """Commit the scan without expiring what the request loaded: the answer shows what it
    has just read and written (the person, the event, the officer) without reading them
    again, which the desk, at a scan a second per desk, would otherwise do at every scan."""
    session = db.session()
    before, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = before


def _method_of(text: str) -> CheckInMethod:
    """How the desk's field found someone: a scanned badge token or a typed short code."""
    return CheckInMethod.qr if badges.looks_like_token(text.strip()) else CheckInMethod.code


@bp.route(MANAGE + "/checkin/counts.json")
@requires("checkin.operate", load={})
def desk_counts(event):
    door, _doors = _door(event)
    response = jsonify(services.live_counts(event, session_id=door.id if door else None))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route(MANAGE + "/checkin/photo/<pick>")
@requires("checkin.operate", load={"registration": picked})
def desk_photo(event, registration):
    """The badge photo of a person the desk is looking at, shrunk to screen size."""
    picture = badges.print_photo(photo_bytes(registration.photo_filename))
    if picture is None:
        abort(404)
    response = Response(picture.getvalue(), mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route(MANAGE + "/checkin/print", methods=["POST"])
@requires("badge.print_desk", load={})
def desk_print(event):
    """Print a new badge at the desk (lost, damaged or changed): the old one stops working."""
    registration = registration_from_posted_pick(event)
    printed = []  # the PDF, once the re-issue is committed
    if not run_service(lambda: printed.append(services.print_at_desk(registration, actor=current_user))):
        return redirect(url_for("checkin.desk", slug=event.slug))
    return pdf(printed[0], badge_filename(registration))
