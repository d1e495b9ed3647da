"""Delegations: the organisers' list, and each delegation's page for its head."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.policy import authenticated, can, requires
from app.registration import bp, services
from app.registration.forms import DelegationForm, HoldForm, MemberForm, RankForm
from app.registration.models import Delegation, Registration, RegistrationState
from app.registration.views.common import category_choices, public_event
from app.utils.db import get_in_event_or_404
from app.utils.views import run_service


def _delegation_data(form) -> dict:
    return {"name": form.name.data, "country": form.country.data or "", "category_id": form.category.data,
            "head_email": form.head_email.data or "", "quota": form.quota.data,
            "protocol_rank": form.protocol_rank.data}


def _delegation_form(event, **kwargs) -> DelegationForm:
    form = DelegationForm(**kwargs)
    form.category.choices = category_choices(services.categories(event))
    return form


@bp.route("/e/<slug>/manage/delegations", methods=["GET", "POST"])
@requires("delegation.view")
def manage_delegations(slug):
    event = g.event
    form = _delegation_form(event)
    if request.method == "POST":
        if not can(current_user, "delegation.manage", event):
            abort(403)
        if form.validate_on_submit() and run_service(
                lambda: services.save_delegation(event, None, _delegation_data(form), actor=current_user),
                form=form, done=_("Delegation added.")):
            return redirect(url_for("registration.manage_delegations", slug=slug))
    return render_template("registration/manage_delegations.html", event=event, form=form, states=RegistrationState,
                           delegations=services.delegations_in_protocol_order(event),
                           counts=services.delegation_counts(event), title=_("Delegations"))


@bp.route("/e/<slug>/manage/delegations/<int:delegation_id>", methods=["GET", "POST"])
@requires("delegation.manage")
def manage_delegation(slug, delegation_id):
    event = g.event
    delegation = get_in_event_or_404(Delegation, delegation_id, event)
    form = _delegation_form(event, obj=delegation)
    if request.method == "GET":
        form.category.data = delegation.category_id
        form.head_email.data = delegation.head.email if delegation.head else ""
    if form.validate_on_submit() and run_service(
            lambda: services.save_delegation(event, delegation, _delegation_data(form), actor=current_user),
            form=form, done=_("Delegation saved.")):
        return redirect(url_for("registration.delegation", slug=slug, delegation_id=delegation.id))
    return render_template("registration/manage_delegation.html", event=event, form=form, delegation=delegation,
                           title=delegation.name)


def _led_delegation(slug, delegation_id, *, act: bool):
    """The delegation, for its head or for organisers who may manage (act) or view it; 404 otherwise."""
    event = public_event(slug)
    delegation = get_in_event_or_404(Delegation, delegation_id, event)
    if not (can(current_user, "delegation.lead", delegation)
            or can(current_user, "delegation.manage" if act else "delegation.view", event)):
        abort(404)
    return event, delegation


def _member_place(delegation, registration_id) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.delegation_id != delegation.id:
        abort(404)
    return registration


@bp.route("/e/<slug>/delegations/<int:delegation_id>")
@authenticated
def delegation(slug, delegation_id):
    """The delegation's page: members and their state, for its head and organisers."""
    event, delegation = _led_delegation(slug, delegation_id, act=False)
    may_act = can(current_user, "delegation.lead", delegation) or can(current_user, "delegation.manage", event)
    return render_template("registration/delegation.html", event=event, delegation=delegation,
                           members=services.members(delegation), may_act=may_act,
                           may_rank=can(current_user, "delegation.manage", event),
                           member_form=MemberForm(prefix="member"), hold_form=HoldForm(prefix="hold"),
                           rank_form=RankForm(), title=delegation.name)


@bp.route("/e/<slug>/delegations/<int:delegation_id>/members", methods=["POST"])
@authenticated
def delegation_add_member(slug, delegation_id):
    event, delegation = _led_delegation(slug, delegation_id, act=True)
    form = MemberForm(prefix="member")
    if form.validate_on_submit():
        run_service(lambda: services.register_member(delegation, form.email.data, form.details(), actor=current_user),
               done=lambda registration: _("%(name)s is registered.", name=registration.full_name))
    else:
        for field in form:
            for error in field.errors:
                flash(f"{field.label.text}: {error}", "danger")
    return redirect(url_for("registration.delegation", slug=slug, delegation_id=delegation.id))


@bp.route("/e/<slug>/delegations/<int:delegation_id>/hold", methods=["POST"])
@authenticated
def delegation_hold(slug, delegation_id):
    event, delegation = _led_delegation(slug, delegation_id, act=True)
    form = HoldForm(prefix="hold")
    if form.validate_on_submit():
        run_service(lambda: services.hold_places(delegation, form.count.data, actor=current_user),
               done=lambda held: _("%(n)d places held: name the delegates when you know them.", n=len(held)))
    else:
        flash(_("Hold between 1 and 100 places at a time."), "danger")
    return redirect(url_for("registration.delegation", slug=slug, delegation_id=delegation.id))


@bp.route("/e/<slug>/delegations/<int:delegation_id>/places/<int:registration_id>/replace",
          methods=["GET", "POST"])
@authenticated
def delegation_replace(slug, delegation_id, registration_id):
    """Name a held place, or give a member's place to someone else."""
    event, delegation = _led_delegation(slug, delegation_id, act=True)
    place = _member_place(delegation, registration_id)
    form = MemberForm()
    form.submit.label.text = _("Give the place to this person")
    if form.validate_on_submit() and run_service(
            lambda: services.substitute_member(place, form.email.data, form.details(), actor=current_user),
            form=form, field="email", done=lambda _r: _("The place now belongs to %(name)s.", name=place.full_name)):
        return redirect(url_for("registration.delegation", slug=slug, delegation_id=delegation.id))
    return render_template("registration/delegation_replace.html", event=event, delegation=delegation,
                           place=place, form=form, title=_("Give the place to someone else"))


@bp.route("/e/<slug>/delegations/<int:delegation_id>/places/<int:registration_id>/rank", methods=["POST"])
@authenticated
def delegation_rank(slug, delegation_id, registration_id):
    event = public_event(slug)
    delegation = get_in_event_or_404(Delegation, delegation_id, event)
    if not can(current_user, "delegation.manage", event):
        abort(404)
    place = _member_place(delegation, registration_id)
    form = RankForm()
    if form.validate_on_submit():
        services.set_member_rank(place, form.rank.data, actor=current_user)
        db.session.commit()
    return redirect(url_for("registration.delegation", slug=slug, delegation_id=delegation.id))
