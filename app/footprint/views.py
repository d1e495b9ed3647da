"""The secretariat's footprint report, its downloads and the event's choices."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _, lazy_gettext as _l
from flask_login import current_user

from app.events.forms import EmptyForm
from app.extensions import db
from app.footprint import bp, commands, services  # noqa: F401 (the commands attach to bp before it is registered)
from app.footprint.forms import SettingsForm
from app.policy import can, requires
from app.utils import charts, tabular
from app.utils.forms import select_choices
from app.utils.views import show_refusal


@bp.route("/e/<slug>/manage/footprint", methods=["GET", "POST"])
@requires("footprint.view", load={}, post="footprint.configure")
def report(event):
    settings = services.settings_for(event)
    form = SettingsForm(obj=settings)
    sets = services.factor_sets()
    form.factor_set_id.choices = select_choices((s.id, f"{s.label}: {s.source}") for s in sets)
    if request.method == "GET" and settings.factor_set_id is None and sets:
        form.factor_set_id.data = sets[0].id
    if form.validate_on_submit():
        try:
            outcome = services.update_settings(event, form.settings_data(), actor=current_user)
        except services.FootprintError as refusal:
            db.session.rollback()
            show_refusal(form, refusal, "destination")
        else:
            db.session.commit()
            flash(SAVED[outcome], "success")
            return redirect(url_for("footprint.report", slug=event.slug))
    data = services.event_report(event, actor=current_user, locale=str(get_locale() or "en"))
    return render_template("footprint/report.html", event=event, report=data, form=form, charts=_charts(data),
                           headings=HEADINGS, may_configure=can(current_user, "footprint.configure", event),
                           title=_("Travel footprint"))


SAVED = {"saved": _l("The footprint settings are saved."),
         "recomputed": _l("The footprint settings are saved and every figure was computed again."),
         "pending": _l("The footprint settings are saved. Every figure is being computed again: this page shows "
                       "the new figures when it is done.")}
HEADINGS = {"delegation": _l("By delegation"), "category": _l("By category"),
            "country": _l("By country of departure"), "mode": _l("By mode")}


def _charts(data) -> dict:
    """One bar chart per group kind, in tonnes of CO2e."""
    return {dimension: charts.bar_chart(f"footprint-{dimension}", heading,
                                        [(row.label, round(row.tonnes, 1)) for row in data.groups.get(dimension, [])],
                                        value_title=_("t CO₂e"), label_title=_("Group"))
            for dimension, heading in HEADINGS.items()}


@bp.route("/e/<slug>/manage/footprint/export.<fmt>")
@requires("footprint.view", load={})
def export(event, fmt):
    if fmt not in tabular.FORMATS:
        abort(404)
    data = services.event_report(event, actor=current_user, locale=str(get_locale() or "en"))
    dimension = request.args.get("group", "")
    table = tabular.build_table(services.EXPORT_COLUMNS, services.export_rows(data, only=dimension or None))
    return tabular.download(table, fmt, name=f"{event.slug}-travel-footprint", sheet_title=_("Travel footprint"))


@bp.route("/e/<slug>/manage/footprint/recompute", methods=["POST"])
@requires("footprint.configure", load={})
def recompute(event):
    if EmptyForm().validate_on_submit():
        outcome = services.recompute_on_request(event, actor=current_user)
        db.session.commit()
        flash(SAVED["pending"] if outcome == "pending" else _("Every figure was computed again."), "success")
    return redirect(url_for("footprint.report", slug=event.slug))
