"""Invitations: sending one or a CSV's worth, resending and revoking."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.events.forms import EmptyForm
from app.extensions import db
from app.policy import in_event, requires
from app.registration import bp, services
from app.registration.forms import InvitationCsvForm, InvitationForm
from app.registration.models import Category, Delegation, Invitation
from app.registration.views.common import category_choices
from app.utils.forms import select_choices
from app.utils.views import run_service


def _invitation_choices(event, form) -> None:
    form.category.choices = category_choices(services.categories(event))
    form.delegation.choices = select_choices([(0, "—")] + [(d.id, d.name) for d in db.session.scalars(
        select(Delegation).where(Delegation.event_id == event.id).order_by(Delegation.name))])


def _chosen(event, form):
    category = db.session.get(Category, form.category.data)
    delegation = db.session.get(Delegation, form.delegation.data) if form.delegation.data else None
    return category, delegation


@bp.route("/e/<slug>/manage/invitations", methods=["GET", "POST"])
@requires("invitation.manage", load={})
def manage_invitations(event):
    form = InvitationForm(prefix="one")
    csv_form = InvitationCsvForm(prefix="csv")
    _invitation_choices(event, form)
    _invitation_choices(event, csv_form)
    if form.submit.data and form.validate_on_submit():
        category, delegation = _chosen(event, form)
        if run_service(lambda: services.create_invitation(
                event, email=form.email.data, category=category, delegation=delegation,
                message=form.message.data or "", honorific=form.honorific.data,
                given_name=form.given_name.data or "", family_name=form.family_name.data or "",
                locale=form.locale.data, actor=current_user),
                form=form, field="email", done=_("Invitation sent to %(email)s.", email=form.email.data)):
            return redirect(url_for("registration.manage_invitations", slug=event.slug))
    elif csv_form.submit.data and csv_form.validate_on_submit():
        category, delegation = _chosen(event, csv_form)
        invited, problems = services.import_invitations(event, csv_form.text, category=category,
                                                        delegation=delegation, message=csv_form.message.data or "",
                                                        actor=current_user)
        db.session.commit()
        flash(_("%(n)d invitations sent.", n=invited), "success" if invited else "warning")
        for line, problem in problems[:20]:
            flash(_("Line %(line)d: %(problem)s", line=line, problem=problem), "warning")
        return redirect(url_for("registration.manage_invitations", slug=event.slug))
    return render_template("registration/manage_invitations.html", event=event, form=form, csv_form=csv_form,
                           invitations=services.invitations(event), title=_("Invitations"))


@bp.route("/e/<slug>/manage/invitations/<int:invitation_id>/<action>", methods=["POST"])
@requires("invitation.manage", load={"invitation": in_event(Invitation, "invitation_id")})
def manage_invitation_action(event, invitation, action):
    if action not in ("resend", "revoke"):
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if action == "resend":
        run_service(lambda: services.resend_invitation(invitation, actor=current_user),
                    done=_("Invitation sent again."))
    else:
        run_service(lambda: services.revoke_invitation(invitation, actor=current_user), done=_("Invitation revoked."))
    return redirect(url_for("registration.manage_invitations", slug=event.slug))
