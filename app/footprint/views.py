"""The secretariat's footprint report, its downloads and the event's choices."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user

from app.events.forms import EmptyForm
from app.extensions import db
from app.footprint import bp, services
from app.footprint.forms import SettingsForm
from app.policy import can, requires
from app.utils import tabular
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
            recomputed = services.update_settings(event, form.settings_data(), actor=current_user)
        except services.FootprintError as refusal:
            db.session.rollback()
            show_refusal(form, refusal, "destination")
        else:
            db.session.commit()
            flash(_("The footprint settings are saved and every figure was computed again.") if recomputed
                  else _("The footprint settings are saved."), "success")
            return redirect(url_for("footprint.report", slug=event.slug))
    data = services.event_report(event, actor=current_user, locale=str(get_locale() or "en"))
    return render_template("footprint/report.html", event=event, report=data, form=form,
                           may_configure=can(current_user, "footprint.configure", event), title=_("Travel footprint"))


@bp.route("/e/<slug>/manage/footprint/export.<fmt>")
@requires("footprint.view", load={})
def export(event, fmt):
    if fmt not in tabular.FORMATS:
        abort(404)
    data = services.event_report(event, actor=current_user, locale=str(get_locale() or "en"))
    table = tabular.build_table(services.EXPORT_COLUMNS, services.export_rows(data))
    return tabular.download(table, fmt, name=f"{event.slug}-travel-footprint", sheet_title=_("Travel footprint"))


@bp.route("/e/<slug>/manage/footprint/recompute", methods=["POST"])
@requires("footprint.configure", load={})
def recompute(event):
    if EmptyForm().validate_on_submit():
        count = services.recompute_event(event)
        db.session.commit()
        flash(_("Every figure was computed again: %(count)s trips.", count=count), "success")
    return redirect(url_for("footprint.report", slug=event.slug))
