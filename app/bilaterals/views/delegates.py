"""The delegations' pages under /e/<slug>/bilaterals: their requests, asking for a
meeting, one meeting with its answers, and the head's programme."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.bilaterals import bp, documents, services
from app.bilaterals.forms import AcceptForm, AnnounceForm, CancelForm, ConfirmForm, DeputyForm, InterpreterForm, \
    ProposeForm, RequestForm, language_choices
from app.bilaterals.models import LAYOUT_LABELS
from app.bilaterals.views.common import pdf, slot_value, window_values
from app.events.forms import EmptyForm
from app.events.services import interpreters as event_interpreters
from app.policy import can, in_event, requires
from app.registration.models import Delegation
from app.utils.views import run_service


def _manager(event) -> bool:
    return can(current_user, "bilateral.manage", event)


@bp.route("/e/<slug>/bilaterals")
@requires("bilateral.portal", load={}, on="event")
def index(event):
    led = services.delegations_acted_for(event, current_user)
    return render_template("bilaterals/index.html", event=event, bilaterals=services.visible_to(event, current_user),
                           led=led, deputies={d.id: services.deputies(d) for d in led},
                           members={d.id: services.members(d) for d in led if d.head_user_id == current_user.id},
                           deputy_form=DeputyForm(), form=EmptyForm(), title=_("Bilateral meetings"))


def _request_form(event, requesters, requester=None) -> RequestForm:
    form = RequestForm()
    form.event = event
    form.requester_id.choices = [(str(d.id), d.name) for d in requesters]
    chosen = requester or (requesters[0] if requesters else None)
    form.counterpart_id.choices = [("", _("Choose a delegation"))] + [
        (str(d.id), d.name) for d in services.counterparts(event, chosen)] if chosen else []
    form.attendees.choices = [(str(r.user_id), r.full_name) for r in services.members(chosen)] if chosen else []
    form.languages.choices = language_choices()
    return form


@bp.route("/e/<slug>/bilaterals/new", methods=["GET", "POST"])
@requires("bilateral.request", load={}, on="event")
def new(event):
    requesters = services.delegations_acted_for(event, current_user)
    if not requesters and _manager(event):
        requesters = services.counterparts(event, None)
    form = _request_form(event, requesters)
    if form.is_submitted() and form.requester_id.data:
        try:
            chosen = next(d for d in requesters if d.id == int(form.requester_id.data))
            form = _request_form(event, requesters, chosen)
        except (StopIteration, ValueError):
            pass
    if form.validate_on_submit():
        requester = next((d for d in requesters if d.id == form.requester_id.data), None)
        counterpart = services.counterparts(event, requester) if requester else []
        counterpart = next((d for d in counterpart if d.id == form.counterpart_id.data), None)
        windows = form.windows()
        data = {k: getattr(form, k).data for k in ("level", "topic", "minutes", "requester_size", "counterpart_size",
                                                   "languages", "layout", "equipment", "contact_name",
                                                   "contact_email")}
        data.update(interpretation=form.pairs(), windows=windows)
        if requester is None:
            form.requester_id.errors.append(_("Choose your delegation."))
        elif not any(f.errors for f in form):
            made = []
            if run_service(lambda: made.append(services.request_bilateral(
                    event, requester, counterpart, data, actor=current_user,
                    attendees=[int(a) for a in form.attendees.data or []])), form=form, field="counterpart_id",
                    done=_("Your request was sent to the other delegation.")):
                return redirect(url_for("bilaterals.detail", slug=event.slug, bilateral_id=made[0].id))
    return render_template("bilaterals/new.html", event=event, form=form, requesters=requesters,
                           title=_("Ask for a bilateral meeting"))


def _detail_forms(event, bilateral):
    accept = AcceptForm(prefix="accept")
    slots = []
    if services.may_answer(current_user, bilateral, manager=_manager(event)):
        slots = services.suggestions(bilateral)
        accept.starts_at.choices = [(slot_value(s.starts_at), "") for s in slots]
    propose = ProposeForm(prefix="propose")
    propose.event = event
    confirm = ConfirmForm(prefix="confirm")
    confirm.event = event
    confirm.room_id.choices = [(str(r.id), f"{r.room.name} ({r.seats}, {LAYOUT_LABELS[r.layout]})")
                               for r in services.bilateral_rooms(event, active_only=True)]
    interpreter = InterpreterForm(prefix="interpreter")
    interpreter.user_id.choices = [(str(u.id), u.display_name) for u in event_interpreters(event)]
    interpreter.pair.choices = [(p, p) for p in bilateral.interpretation or []]
    announce = AnnounceForm(prefix="announce")
    return {"accept_form": accept, "slots": slots, "propose_form": propose, "confirm_form": confirm,
            "interpreter_form": interpreter, "cancel_form": CancelForm(prefix="cancel"), "announce_form": announce}


def _detail(event, bilateral, **forms):
    context = _detail_forms(event, bilateral)
    context.update({k: v for k, v in forms.items() if v is not None})
    sides = services.sides_acted_for(current_user, bilateral)
    return render_template("bilaterals/detail.html", event=event, bilateral=bilateral, sides=sides,
                           manager=_manager(event), turn=services.turn_of(bilateral),
                           windows=window_values(services.windows_of(bilateral)),
                           form=EmptyForm(), title=_("Bilateral meeting"), **context)


LOAD = {"bilateral": services.in_event}


@bp.route("/e/<slug>/bilaterals/<int:bilateral_id>")
@requires("bilateral.view", load=LOAD, on="bilateral")
def detail(event, bilateral):
    return _detail(event, bilateral)


def _back(event, bilateral):
    return redirect(url_for("bilaterals.detail", slug=event.slug, bilateral_id=bilateral.id))


@bp.route("/e/<slug>/bilaterals/<int:bilateral_id>/accept", methods=["POST"])
@requires("bilateral.act", load=LOAD, on="bilateral")
def accept(event, bilateral):
    context = _detail_forms(event, bilateral)
    form = context["accept_form"]
    if form.validate_on_submit():
        chosen = next((s for s in context["slots"] if slot_value(s.starts_at) == form.starts_at.data), None)
        if chosen is None:
            form.starts_at.errors.append(_("This time is no longer free for both sides: choose another."))
        elif run_service(lambda: services.accept(bilateral, chosen.starts_at, actor=current_user,
                                                 manager=_manager(event)), form=form, field="starts_at",
                         done=_("You accepted the meeting: protocol will now give it a room.")):
            return _back(event, bilateral)
    return _detail(event, bilateral, accept_form=form), 422


@bp.route("/e/<slug>/bilaterals/<int:bilateral_id>/propose", methods=["POST"])
@requires("bilateral.act", load=LOAD, on="bilateral")
def propose(event, bilateral):
    form = ProposeForm(prefix="propose")
    form.event = event
    if form.validate_on_submit():
        windows = form.windows()
        if not any(f.errors for f in form) and run_service(
                lambda: services.propose(bilateral, windows, actor=current_user, manager=_manager(event)),
                form=form, field="window1_start", done=_("Your windows were sent to the other delegation.")):
            return _back(event, bilateral)
    return _detail(event, bilateral, propose_form=form), 422


@bp.route("/e/<slug>/bilaterals/<int:bilateral_id>/decline", methods=["POST"])
@requires("bilateral.act", load=LOAD, on="bilateral")
def decline(event, bilateral):
    if EmptyForm().validate_on_submit():
        run_service(lambda: services.decline(bilateral, actor=current_user, manager=_manager(event)),
                    done=_("You declined the meeting."))
    return _back(event, bilateral)


@bp.route("/e/<slug>/bilaterals/<int:bilateral_id>/withdraw", methods=["POST"])
@requires("bilateral.act", load=LOAD, on="bilateral")
def withdraw(event, bilateral):
    if EmptyForm().validate_on_submit():
        run_service(lambda: services.withdraw(bilateral, actor=current_user), done=_("The meeting was withdrawn."))
    return _back(event, bilateral)


@bp.route("/e/<slug>/bilaterals/<int:bilateral_id>/announce", methods=["POST"])
@requires("bilateral.act", load=LOAD, on="bilateral")
def announce(event, bilateral):
    form = AnnounceForm(prefix="announce")
    sides = services.sides_acted_for(current_user, bilateral)
    if form.validate_on_submit() and sides:
        run_service(lambda: [services.set_announce(bilateral, side, form.announce.data, actor=current_user)
                             for side in sides], done=_("Saved."))
    return _back(event, bilateral)


@bp.route("/e/<slug>/bilaterals/delegations/<int:delegation_id>/programme.pdf")
@requires("bilateral.programme", load={"delegation": in_event(Delegation, "delegation_id")}, on="delegation")
def programme_pdf(event, delegation):
    body = documents.programme(event, delegation, services.programme_of(delegation))
    return pdf(body, f"bilaterals-{event.slug}.pdf")


@bp.route("/e/<slug>/bilaterals/delegations/<int:delegation_id>/deputies", methods=["POST"])
@requires("delegation.lead", load={"delegation": in_event(Delegation, "delegation_id")}, on="delegation")
def add_deputy(event, delegation):
    form = DeputyForm()
    if form.validate_on_submit():
        run_service(lambda: services.add_deputy(delegation, form.user_id.data, actor=current_user),
                    done=_("This member may now ask for and answer bilaterals."))
    else:
        flash(_("Choose a member."), "danger")
    return redirect(url_for("bilaterals.index", slug=event.slug))


@bp.route("/e/<slug>/bilaterals/delegations/<int:delegation_id>/deputies/<int:user_id>/remove", methods=["POST"])
@requires("delegation.lead", load={"delegation": in_event(Delegation, "delegation_id")}, on="delegation")
def remove_deputy(event, delegation, user_id):
    if EmptyForm().validate_on_submit():
        run_service(lambda: services.remove_deputy(delegation, user_id, actor=current_user), done=_("Saved."))
    return redirect(url_for("bilaterals.index", slug=event.slug))
