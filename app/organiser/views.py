from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user

from app.accounts.models import User
from app.audit.services import distinct_actions, query_entries
from app.events import services as event_services
from app.events.forms import EmptyForm, EventForm, GrantRoleForm
from app.events.labels import ROLE_HELP, ROLE_LABELS
from app.events.models import EventRole, EventRoleName
from app.extensions import db
from app.organiser import bp, report_jobs
from app.organiser.dashboards import DASHBOARDS, Dashboard, dashboards_for, figures_of, one_figure
from app.organiser.figures import PICTURES
from app.organiser.services import team_size
from app.policy import can, in_event, requires
from app.utils import tabular
from app.utils.charts import chart_download, svg_image
from app.utils.forms import select_choices
from app.utils.paging import page_number
from app.utils.pdf import pdf_download


def _dashboard_page(event, dashboard: Dashboard):
    return render_template("organiser/dashboard.html", event=event, dashboard=dashboard,
                           dashboards=dashboards_for(current_user, event),
                           figures=figures_of(dashboard, event, current_user),
                           team_size=team_size(event), title=_("Dashboard"))


@bp.route("/")
@requires("dashboard.view", load={})
def dashboard(event):
    """The dashboard of the user's own work (the secretariat's, for the secretariat)."""
    return _dashboard_page(event, dashboards_for(current_user, event)[0])


def _dashboard_routes(dashboard: Dashboard) -> None:
    """/dashboard/<kind> and the CSV of each of its figures, open to those with its action."""

    @requires(dashboard.action, load={})
    def page(event):
        return _dashboard_page(event, dashboard)

    @requires(dashboard.action, load={})
    def figure_csv(event, key):
        chart = one_figure(dashboard, key, event, current_user)
        if chart is None:
            abort(404)
        return chart_download(chart, "csv")

    @requires(dashboard.action, load={})
    def figure_svg(event, key):
        chart = one_figure(dashboard, key, event, current_user)
        if chart is None or chart.image is None:
            abort(404)
        return svg_image(chart.image())

    bp.add_url_rule(f"/dashboard/{dashboard.kind}", f"dashboard_{dashboard.kind}", page)
    bp.add_url_rule(f"/dashboard/{dashboard.kind}/<key>.csv", f"dashboard_{dashboard.kind}_csv", figure_csv)
    if PICTURES.intersection(dashboard.figures):
        bp.add_url_rule(f"/dashboard/{dashboard.kind}/<key>.svg", f"dashboard_{dashboard.kind}_svg", figure_svg)


for _dashboard in DASHBOARDS:
    _dashboard_routes(_dashboard)


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


# --- Reports -----------------------------------------------------------------------

REPORTS = report_jobs.REPORTS


@bp.route("/reports")
@requires("dashboard.view", load={})
def reports_page(event):
    """Every report the user may take, with the session and room tables shown."""
    tables = {name: build(event) for name, (build, _title) in REPORTS.items()} \
        if can(current_user, "agenda.view_draft", event) else {}
    return render_template("organiser/reports.html", event=event, tables=tables,
                           titles={name: title for name, (_b, title) in REPORTS.items()}, title=_("Reports"))


@bp.route("/reports/<name>.<fmt>")
@requires("agenda.view_draft", load={})
def report_download(event, name, fmt):
    """A report as CSV, Excel or PDF; a PDF of many rows is made by a background job,
    whose page follows its progress and offers the file when it is done."""
    if name not in REPORTS or fmt not in (*tabular.FORMATS, "pdf"):
        abort(404)
    build, title = REPORTS[name]
    table = build(event)
    if fmt != "pdf":
        return tabular.download(table, fmt, name=f"{event.slug}-{name}", sheet_title=str(title))
    if len(table.rows) > current_app.config["REPORT_PDF_JOB_ROWS"]:
        job = report_jobs.start_report_pdf(event, name, actor=current_user, rows=len(table.rows),
                                           locale=str(get_locale()))
        db.session.commit()
        return redirect(url_for("organiser.job", slug=event.slug, job_id=job.id))
    return pdf_download(report_jobs.report_pdf(event, name, table), f"{event.slug}-{name}.pdf")
