"""Protocol's pages under /e/<slug>/manage/bilaterals: every request, rooms and rules,
today's meetings per room for the ushers, interpreters' load, day sheets; and the
actions on one meeting (book a room, move, cancel, interpreters)."""
from __future__ import annotations

from datetime import date

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.bilaterals import bp, documents, services
from app.bilaterals.forms import CancelForm, InterpreterForm, RoomForm, RulesForm
from app.bilaterals.models import LAYOUT_LABELS, STATE_LABELS, BilateralRoom, Layout
from app.bilaterals.views.common import MANAGE, pdf
from app.bilaterals.views.delegates import LOAD, _back, _detail, _detail_forms
from app.events.forms import EmptyForm
from app.policy import in_event, requires
from app.utils.time import local_today, to_zone
from app.utils.views import run_service


@bp.route(MANAGE)
@requires("bilateral.read", load={})
def manage_list(event):
    state = request.args.get("state", "")
    return render_template("bilaterals/manage_list.html", event=event, bilaterals=services.all_of(event, state=state),
                           counts=services.bilateral_counts(event), state=state, state_labels=STATE_LABELS,
                           form=EmptyForm(), title=_("Bilateral meetings"))


@bp.route(MANAGE + "/<int:bilateral_id>/confirm", methods=["POST"])
@requires("bilateral.manage", load=LOAD)
def confirm(event, bilateral):
    form = _detail_forms(event, bilateral)["confirm_form"]
    if form.validate_on_submit():
        def book():
            room = services.room_of_event(event, form.room_id.data)
            services.confirm(bilateral, room, actor=current_user, starts_at=form.starts_at.data)
        if run_service(book, form=form, field="room_id", done=_("The room is booked; both sides were told.")):
            return _back(event, bilateral)
    return _detail(event, bilateral, confirm_form=form), 422


@bp.route(MANAGE + "/<int:bilateral_id>/cancel", methods=["POST"])
@requires("bilateral.manage", load=LOAD)
def cancel(event, bilateral):
    form = CancelForm(prefix="cancel")
    if form.validate_on_submit() and run_service(
            lambda: services.cancel(bilateral, actor=current_user, reason=form.reason.data or ""), form=form,
            done=_("The meeting was cancelled; both sides were told.")):
        return _back(event, bilateral)
    return _detail(event, bilateral, cancel_form=form), 422


@bp.route(MANAGE + "/<int:bilateral_id>/interpreters", methods=["POST"])
@requires("bilateral.manage", load=LOAD)
def add_interpreter(event, bilateral):
    form = _detail_forms(event, bilateral)["interpreter_form"]
    if form.validate_on_submit() and run_service(
            lambda: services.assign_interpreter(bilateral, form.user_id.data, form.pair.data, actor=current_user),
            form=form, field="user_id", done=_("Interpreter assigned.")):
        return _back(event, bilateral)
    return _detail(event, bilateral, interpreter_form=form), 422


@bp.route(MANAGE + "/<int:bilateral_id>/interpreters/<int:user_id>/remove", methods=["POST"])
@requires("bilateral.manage", load=LOAD)
def remove_interpreter(event, bilateral, user_id):
    if EmptyForm().validate_on_submit():
        run_service(lambda: services.remove_interpreter(bilateral, user_id, actor=current_user),
                    done=_("Interpreter removed."))
    return _back(event, bilateral)


@bp.route(MANAGE + "/check-agenda", methods=["POST"])
@requires("bilateral.manage", load={})
def check_agenda(event):
    """Bump, now, the meetings the current agenda overruns (publishing does it too)."""
    if EmptyForm().validate_on_submit():
        run_service(lambda: services.bump_overrun(event, actor=current_user),
                    done=lambda bumped: _("%(n)d meetings bumped by the agenda.", n=len(bumped)))
    return redirect(url_for("bilaterals.manage_list", slug=event.slug))


@bp.route(MANAGE + "/rooms", methods=["GET", "POST"])
@requires("bilateral.manage", load={})
def manage_rooms(event):
    form = RoomForm()
    form.room_id.choices = [(str(r.id), r.name) for r in services.agenda_rooms(event)]
    if form.validate_on_submit() and run_service(
            lambda: services.keep_room(event, form.room_id.data, form.seats.data, Layout(form.layout.data),
                                       actor=current_user), form=form, field="room_id", done=_("Room saved.")):
        return redirect(url_for("bilaterals.manage_rooms", slug=event.slug))
    return render_template("bilaterals/rooms.html", event=event, form=form, rooms=services.bilateral_rooms(event),
                           layouts=LAYOUT_LABELS, empty=EmptyForm(), title=_("Bilateral rooms")), \
        422 if form.errors else 200


@bp.route(MANAGE + "/rooms/<int:room_id>/release", methods=["POST"])
@requires("bilateral.manage", load={"kept": in_event(BilateralRoom, "room_id")})
def release_room(event, kept):
    if EmptyForm().validate_on_submit():
        run_service(lambda: services.release_room(kept, actor=current_user), done=_("Room released."))
    return redirect(url_for("bilaterals.manage_rooms", slug=event.slug))


@bp.route(MANAGE + "/rules", methods=["GET", "POST"])
@requires("bilateral.manage", load={})
def manage_rules(event):
    rules = services.rules_of(event)
    form = RulesForm(obj=rules)
    if not form.is_submitted():
        form.special_hours.data = "\n".join(f"{day} {'-'.join(h) if h else 'closed'}"
                                        for day, h in sorted((rules.day_hours or {}).items()))
    if form.validate_on_submit():
        data = {k: getattr(form, k).data for k in ("longest_minutes", "changeover_minutes", "opens_at", "closes_at",
                                                   "daily_cap")}
        data["day_hours"] = form.parsed_day_hours
        if run_service(lambda: services.update_rules(event, data, actor=current_user), form=form,
                       done=_("Rules saved.")):
            return redirect(url_for("bilaterals.manage_rules", slug=event.slug))
    return render_template("bilaterals/rules.html", event=event, form=form, title=_("Bilateral rules")), \
        422 if form.errors else 200


def _day(event) -> date:
    raw = request.args.get("day", "")
    try:
        day = date.fromisoformat(raw) if raw else local_today(event.timezone)
    except ValueError:
        abort(404)
    return day


@bp.route(MANAGE + "/today")
@requires("bilateral.read", load={})
def usher(event):
    """The ushers' view: each bilateral room's meetings of a day (today by default)."""
    day = _day(event)
    booked = services.booked_on(event, day)
    rooms = services.bilateral_rooms(event)
    by_room = {r.id: [b for b in booked if b.room_id == r.id] for r in rooms}
    days = [event.start_date.fromordinal(n) for n in range(event.start_date.toordinal(),
                                                            event.end_date.toordinal() + 1)]
    return render_template("bilaterals/usher.html", event=event, day=day, days=days, rooms=rooms, by_room=by_room,
                           title=_("Bilaterals of the day"))


@bp.route(MANAGE + "/rooms/<int:room_id>/sheet.pdf")
@requires("bilateral.manage", load={"kept": in_event(BilateralRoom, "room_id")})
def day_sheet(event, kept):
    day = _day(event)
    body = documents.day_sheet(event, kept, day, services.booked_on(event, day, room=kept))
    return pdf(body, f"bilaterals-{kept.room.name}-{day.isoformat()}.pdf")


@bp.route(MANAGE + "/interpreters")
@requires("bilateral.read", load={})
def interpreters(event):
    return render_template("bilaterals/interpreters.html", event=event, load=services.interpreter_load(event),
                           to_zone=to_zone, title=_("Interpreters"))
