"""Delegations: the organisers' list, and each delegation's page for its head."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.policy import can, in_event, requires
from app.registration import bp, services
from app.registration.forms import DelegationForm, HoldForm, MemberForm, RankForm
from app.registration.models import Delegation, Registration, RegistrationState
from app.registration.views.common import category_choices
from app.utils.views import run_service


def _delegation_data(form) -> dict:
    return {"name": form.name.data, "country": form.country.data or "", "category_id": form.category.data,
            "head_email": form.head_email.data or "", "quota": form.quota.data,
            "protocol_rank": form.protocol_rank.data}


def _delegation_form(event, **kwargs) -> DelegationForm:
    form = DelegationForm(**kwargs)
    form.category.choices = category_choices(services.categories(event))
    return form


def _member_place(event, values: dict) -> Registration | None:
    """A loader for `requires`: the place (registration) named in the URL, if it belongs
    to the delegation the URL names."""
    place = in_event(Registration, "registration_id")(event, values)
    if place is None or place.delegation_id != values.get("delegation_id"):
        return None
    return place


_member_place.consumes = ("registration_id",)
_DELEGATION = in_event(Delegation, "delegation_id")


@bp.route("/e/<slug>/manage/delegations", methods=["GET", "POST"])
@requires("delegation.view", load={}, post="delegation.manage")
def manage_delegations(event):
    form = _delegation_form(event)
    if form.validate_on_submit() and run_service(
            lambda: services.save_delegation(event, None, _delegation_data(form), actor=current_user),
            form=form, done=_("Delegation added.")):
        return redirect(url_for("registration.manage_delegations", slug=event.slug))
    return render_template("registration/manage_delegations.html", event=event, form=form, states=RegistrationState,
                           delegations=services.delegations_in_protocol_order(event),
                           counts=services.delegation_counts(event), title=_("Delegations"))


@bp.route("/e/<slug>/manage/delegations/<int:delegation_id>", methods=["GET", "POST"])
@requires("delegation.manage", load={"delegation": _DELEGATION})
def manage_delegation(event, delegation):
    form = _delegation_form(event, obj=delegation)
    if request.method == "GET":
        form.category.data = delegation.category_id
        form.head_email.data = delegation.head.email if delegation.head else ""
    if form.validate_on_submit() and run_service(
            lambda: services.save_delegation(event, delegation, _delegation_data(form), actor=current_user),
            form=form, done=_("Delegation saved.")):
        return redirect(url_for("registration.delegation", slug=event.slug, delegation_id=delegation.id))
    return render_template("registration/manage_delegation.html", event=event, form=form, delegation=delegation,
                           title=delegation.name)


@bp.route("/e/<slug>/delegations/<int:delegation_id>")
@requires("delegation.see", load={"delegation": _DELEGATION}, on="delegation")
def delegation(event, delegation):
    """The delegation's page: members and their state, for its head and organisers."""
    may_act = can(current_user, "delegation.act", delegation)
    return render_template("registration/delegation.html", event=event, delegation=delegation,
                           members=services.members(delegation), may_act=may_act,
                           may_rank=can(current_user, "delegation.manage", event),
                           member_form=MemberForm(prefix="member"), hold_form=HoldForm(prefix="hold"),
                           rank_form=RankForm(), title=delegation.name)


@bp.route("/e/<slug>/delegations/<int:delegation_id>/members", methods=["POST"])
@requires("delegation.act", load={"delegation": _DELEGATION}, on="delegation")
def delegation_add_member(event, delegation):
    form = MemberForm(prefix="member")
    if form.validate_on_submit():
        run_service(lambda: services.register_member(delegation, form.email.data, form.details(), actor=current_user),
               done=lambda registration: _("%(name)s is registered.", name=registration.full_name))
    else:
        for field in form:
            for error in field.errors:
                flash(f"{field.label.text}: {error}", "danger")
    return redirect(url_for("registration.delegation", slug=event.slug, delegation_id=delegation.id))


@bp.route("/e/<slug>/delegations/<int:delegation_id>/hold", methods=["POST"])
@requires("delegation.act", load={"delegation": _DELEGATION}, on="delegation")
def delegation_hold(event, delegation):
    form = HoldForm(prefix="hold")
    if form.validate_on_submit():
        run_service(lambda: services.hold_places(delegation, form.count.data, actor=current_user),
               done=lambda held: _("%(n)d places held: name the delegates when you know them.", n=len(held)))
    else:
        flash(_("Hold between 1 and 100 places at a time."), "danger")
    return redirect(url_for("registration.delegation", slug=event.slug, delegation_id=delegation.id))


@bp.route("/e/<slug>/delegations/<int:delegation_id>/places/<int:registration_id>/replace",
          methods=["GET", "POST"])
@requires("delegation.act", load={"delegation": _DELEGATION, "place": _member_place}, on="delegation")
def delegation_replace(event, delegation, place):
    """Name a held place, or give a member's place to someone else."""
    form = MemberForm()
    form.submit.label.text = _("Give the place to this person")
    if form.validate_on_submit() and run_service(
            lambda: services.substitute_member(place, form.email.data, form.details(), actor=current_user),
            form=form, field="email", done=lambda _r: _("The place now belongs to %(name)s.", name=place.full_name)):
        return redirect(url_for("registration.delegation", slug=event.slug, delegation_id=delegation.id))
    return render_template("registration/delegation_replace.html", event=event, delegation=delegation,
                           place=place, form=form, title=_("Give the place to someone else"))


@bp.route("/e/<slug>/delegations/<int:delegation_id>/places/<int:registration_id>/rank", methods=["POST"])
@requires("delegation.manage", load={"delegation": _DELEGATION, "place": _member_place}, on="delegation")
def delegation_rank(event, delegation, place):
    form = RankForm()
    if form.validate_on_submit():
        services.set_member_rank(place, form.rank.data, actor=current_user)
        db.session.commit()
    return redirect(url_for("registration.delegation", slug=event.slug, delegation_id=delegation.id))
