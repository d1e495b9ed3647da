"""The person's data rights under /account, and the secretariat's page for an event."""
from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.passwords import verify_password
from app.events.forms import EmptyForm
from app.extensions import db
from app.policy import authenticated, in_event, requires
from app.privacy import bp, commands, services  # noqa: F401 (the commands attach to bp)
from app.privacy.forms import ErasureForm, RefuseForm, RetentionForm
from app.privacy.models import ErasureRequest
from app.utils.downloads import content_disposition
from app.utils.views import run_service


def _json_default(value):
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@bp.route("/account/data.json")
@authenticated
def my_data():
    """Everything held about the signed-in person, as one JSON file."""
    data = services.export_data(current_user)
    body = json.dumps(data, default=_json_default, ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = content_disposition("kurultai-my-data.json", attachment=True)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/account/erase", methods=["GET", "POST"])
@authenticated
def erase_account():
    """Ask for the account to be erased (after a grace period), or cancel that request."""
    form = ErasureForm()
    pending = services.pending_request(current_user)
    if pending is None and form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.password.data):
            form.password.errors.append(_("This is not your current password."))
        elif run_service(lambda: services.request_erasure(current_user, actor=current_user), form=form,
                         field="password", done=_("Your request is recorded. You can cancel it until the day "
                                                  "it is carried out.")):
            return redirect(url_for("privacy.erase_account"))
    return render_template("privacy/erase.html", form=form, pending=pending, cancel_form=EmptyForm(),
                           grace_days=services.grace_days(), title=_("Erase my account"))


@bp.route("/account/erase/cancel", methods=["POST"])
@authenticated
def cancel_erasure():
    pending = services.pending_request(current_user)
    if pending is not None and EmptyForm().validate_on_submit():
        run_service(lambda: services.cancel_erasure(pending, actor=current_user),
                    done=_("Your request is cancelled: your account stays."))
    return redirect(url_for("privacy.erase_account"))


# --- The secretariat --------------------------------------------------------------------

MANAGE = "/e/<slug>/manage/privacy"


def _request_of_event(event, values):
    """A pending request of someone the event knows (others are not found)."""
    return next((r for r in services.pending_in_event(event) if r.id == values.get("request_id")), None)


_request_of_event.consumes = ("request_id",)


@bp.route(MANAGE)
@requires("privacy.manage", load={})
def manage(event):
    retention = services.retention_for(event)
    db.session.commit()
    return render_template("privacy/manage.html", event=event, requests=services.pending_in_event(event),
                           retention=retention, anonymise_from=services.anonymise_from(event, retention),
                           retention_form=RetentionForm(retention_days=retention.retention_days),
                           refuse_form=RefuseForm(), action_form=EmptyForm(), title=_("Personal data"))


@bp.route(MANAGE + "/requests/<int:request_id>/erase", methods=["POST"])
@requires("privacy.manage", load={"req": _request_of_event})
def manage_erase(event, req: ErasureRequest):
    if EmptyForm().validate_on_submit():
        run_service(lambda: services.erase(req, actor=current_user),
                    done=_("The person's data is erased; they are told by email."))
    return redirect(url_for("privacy.manage", slug=event.slug))


@bp.route(MANAGE + "/requests/<int:request_id>/refuse", methods=["POST"])
@requires("privacy.manage", load={"req": _request_of_event})
def manage_refuse(event, req: ErasureRequest):
    form = RefuseForm()
    if form.validate_on_submit():
        run_service(lambda: services.refuse_erasure(req, form.reason.data, actor=current_user),
                    done=_("The data is kept; the person is told why by email."))
    else:
        flash(_("Say why the data must be kept: the person is told."), "danger")
    return redirect(url_for("privacy.manage", slug=event.slug))


@bp.route(MANAGE + "/retention", methods=["POST"])
@requires("privacy.manage", load={})
def manage_retention(event):
    form = RetentionForm()
    if form.validate_on_submit():
        if run_service(lambda: services.set_retention(event, form.retention_days.data, actor=current_user),
                       form=form, field="retention_days", done=_("The retention period is saved.")):
            return redirect(url_for("privacy.manage", slug=event.slug))
    retention = services.retention_for(event)
    return render_template("privacy/manage.html", event=event, requests=services.pending_in_event(event),
                           retention=retention, anonymise_from=services.anonymise_from(event, retention),
                           retention_form=form, refuse_form=RefuseForm(), action_form=EmptyForm(),
                           title=_("Personal data")), 400


@bp.route(MANAGE + "/anonymise", methods=["POST"])
@requires("privacy.manage", load={})
def manage_anonymise(event):
    if EmptyForm().validate_on_submit():
        run_service(lambda: services.anonymise_event(event, actor=current_user),
                    done=_("The event's personal data is anonymised; its figures and published agenda stay."))
    return redirect(url_for("privacy.manage", slug=event.slug))
