"""The organisers' webhook pages: register an address, see its delivery log,
send a delivery again, switch a hook off and on, remove it."""
from __future__ import annotations

from flask import abort, current_app, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.api import bp
from app.api.forms import WebhookForm
from app.api.models import Webhook, WebhookDelivery
from app.api.services import webhooks as webhook_services
from app.extensions import db
from app.policy import requires
from app.utils.db import get_in_event_or_404
from app.utils.views import run_service

MANAGE = "/e/<slug>/manage/webhooks"


@bp.route(MANAGE, methods=["GET", "POST"])
@requires("team.manage")
def webhooks(slug):
    event = g.event
    form = WebhookForm()
    if form.validate_on_submit():
        if run_service(lambda: webhook_services.create_webhook(
                event, url=form.url.data, events=form.events.data, secret=form.secret.data or "",
                config=current_app.config, actor=current_user), form=form, done=_("The webhook is added.")):
            return redirect(url_for("api.webhooks", slug=slug))
    return render_template("api/webhooks.html", event=event, form=form, hooks=webhook_services.webhooks_of(event),
                           title=_("Webhooks"))


@bp.route(MANAGE + "/<int:webhook_id>")
@requires("team.manage")
def webhook(slug, webhook_id):
    hook = get_in_event_or_404(Webhook, webhook_id, g.event)
    return render_template("api/webhook.html", event=g.event, hook=hook,
                           deliveries=webhook_services.deliveries_of(hook), title=_("Webhook"))


@bp.route(MANAGE + "/<int:webhook_id>/<any(enable, disable):change>", methods=["POST"])
@requires("team.manage")
def webhook_switch(slug, webhook_id, change):
    hook = get_in_event_or_404(Webhook, webhook_id, g.event)
    run_service(lambda: webhook_services.set_active(hook, change == "enable", actor=current_user),
                done=_("The webhook is switched on.") if change == "enable" else _("The webhook is switched off."))
    return redirect(url_for("api.webhook", slug=slug, webhook_id=hook.id))


@bp.route(MANAGE + "/<int:webhook_id>/delete", methods=["POST"])
@requires("team.manage")
def webhook_delete(slug, webhook_id):
    hook = get_in_event_or_404(Webhook, webhook_id, g.event)
    run_service(lambda: webhook_services.delete_webhook(hook, actor=current_user), done=_("The webhook is removed."))
    return redirect(url_for("api.webhooks", slug=slug))


@bp.route(MANAGE + "/<int:webhook_id>/deliveries/<int:delivery_id>/redeliver", methods=["POST"])
@requires("team.manage")
def webhook_redeliver(slug, webhook_id, delivery_id):
    hook = get_in_event_or_404(Webhook, webhook_id, g.event)
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.webhook_id != hook.id:
        abort(404)
    run_service(lambda: webhook_services.redeliver(delivery, actor=current_user),
                done=_("The delivery will be sent again."))
    return redirect(url_for("api.webhook", slug=slug, webhook_id=hook.id))
