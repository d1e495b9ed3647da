from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import User
from app.audit.services import distinct_actions, query_entries
from app.events import services as event_services
from app.events.forms import EmptyForm, EventForm, GrantRoleForm
from app.events.labels import ROLE_HELP, ROLE_LABELS
from app.events.models import EventRole, EventRoleName
from app.extensions import db
from app.organiser import bp
from app.organiser.services import dashboard_counts
from app.policy import in_event, requires
from app.utils.forms import select_choices
from app.utils.paging import page_number


@bp.route("/")
@requires("dashboard.view", load={})
def dashboard(event):
    return render_template("organiser/dashboard.html", event=event, counts=dashboard_counts(event),
                           title=_("Dashboard"))


@bp.route("/settings", methods=["GET", "POST"])
@requires("event.edit", load={})
def settings(event):
    form = EventForm(obj=event)
    if form.validate_on_submit():
        if event_services.slug_taken(form.slug.data, exclude=event):
            form.slug.errors.append(_("Another event already uses this short name."))
        else:
            data = {name: field.data for name, field in form._fields.items()
                    if name in event_services.EVENT_FIELDS}
            event_services.update_event(event, data, actor=current_user)
            db.session.commit()
            flash(_("The event settings are saved."), "success")
            return redirect(url_for("organiser.settings", slug=event.slug))
    return render_template("organiser/settings.html", event=event, form=form, title=_("Event settings"))


@bp.route("/team", methods=["GET", "POST"])
@requires("team.manage", load={})
def team(event):
    form = GrantRoleForm()
    form.role.choices = select_choices((r.value, str(ROLE_LABELS[r])) for r in EventRoleName)
    if form.validate_on_submit():
        user = User.by_email(form.email.data)
        if user is None:
            form.email.errors.append(_("No account uses this address. Ask the person to create one first."))
        else:
            event_services.grant_role(event, user, EventRoleName(form.role.data), actor=current_user)
            db.session.commit()
            flash(_("Role granted to %(name)s.", name=user.display_name), "success")
            return redirect(url_for("organiser.team", slug=event.slug))
    return render_template("organiser/team.html", event=event, form=form, grants=event_services.team(event),
                           labels=ROLE_LABELS, help=ROLE_HELP, revoke_form=EmptyForm(), title=_("Team"))


@bp.route("/team/<int:grant_id>/revoke", methods=["POST"])
@requires("team.manage", load={"grant": in_event(EventRole, "grant_id")})
def revoke(event, grant):
    form = EmptyForm()
    if form.validate_on_submit():
        event_services.revoke_role(grant, actor=current_user)
        db.session.commit()
        flash(_("Role revoked."), "success")
    return redirect(url_for("organiser.team", slug=event.slug))


@bp.route("/team/<int:grant_id>/interpreter", methods=["POST"])
@requires("team.manage", load={"grant": in_event(EventRole, "grant_id")})
def toggle_interpreter(event, grant):
    """Mark a team member as an interpreter (protocol assigns them to bilaterals), or unmark."""
    if EmptyForm().validate_on_submit():
        event_services.set_interpreter(grant, not grant.interpreter, actor=current_user)
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("organiser.team", slug=event.slug))


@bp.route("/audit")
@requires("audit.view", load={})
def audit(event):
    page = page_number()
    action = request.args.get("action", "")[:64]
    actor = request.args.get("actor", "")[:254]
    entries = query_entries(event=event, action=action or None, actor_email=actor or None, page=page)
    return render_template("organiser/audit.html", event=event, entries=entries, actions=distinct_actions(event),
                           action=action, actor=actor, title=_("Audit log"))
