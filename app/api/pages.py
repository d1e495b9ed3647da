"""The pages where people make and revoke API tokens: personal tokens in the
profile, service tokens in the organiser area (secretariat)."""
from __future__ import annotations

from flask import abort, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.api import bp
from app.api.forms import ServiceTokenForm, TokenForm
from app.api.models import ApiToken, TokenKind, TokenScope
from app.api.services import tokens as token_services
from app.events import services as event_services
from app.extensions import db
from app.policy import authenticated, requires
from app.utils.db import get_in_event_or_404
from app.utils.forms import select_choices
from app.utils.views import run_service


def _token_events(user):
    events = {e.id: e for e in event_services.published_events()}
    events.update({e.id: e for e in event_services.events_for_team_member(user)})
    return sorted(events.values(), key=lambda e: (e.start_date, e.title))


@bp.route("/account/api-tokens", methods=["GET", "POST"])
@authenticated
def personal_tokens():
    form = TokenForm()
    events = _token_events(current_user)
    form.event_id.choices = select_choices((e.id, e.title) for e in events)
    secret = None
    if form.validate_on_submit():
        event = next(e for e in events if e.id == form.event_id.data)
        made = []
        if run_service(lambda: made.append(token_services.create_personal_token(
                current_user, event, name=form.name.data, scope=TokenScope(form.scope.data), days=form.days.data)),
                form=form):
            secret = made[0][1]
            form = TokenForm(formdata=None)
            form.event_id.choices = select_choices((e.id, e.title) for e in events)
    return render_template("api/personal_tokens.html", form=form, secret=secret,
                           tokens=token_services.personal_tokens(current_user), title=_("API tokens"),
                           revoke_url=lambda t: url_for("api.revoke_personal_token", token_id=t.id))


@bp.route("/account/api-tokens/<int:token_id>/revoke", methods=["POST"])
@authenticated
def revoke_personal_token(token_id):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.kind != TokenKind.personal or token.user_id != current_user.id:
        abort(404)
    run_service(lambda: token_services.revoke_token(token, actor=current_user), done=_("The token is revoked."))
    return redirect(url_for("api.personal_tokens"))


@bp.route("/e/<slug>/manage/api-tokens", methods=["GET", "POST"])
@requires("team.manage")
def service_tokens(slug):
    event = g.event
    form = ServiceTokenForm()
    secret = None
    if form.validate_on_submit():
        made = []
        if run_service(lambda: made.append(token_services.create_service_token(
                event, name=form.name.data, scope=TokenScope(form.scope.data), days=form.days.data,
                actions=form.actions.data, actor=current_user)), form=form):
            secret = made[0][1]
            form = ServiceTokenForm(formdata=None)
    return render_template("api/service_tokens.html", event=event, form=form, secret=secret,
                           tokens=token_services.service_tokens(event), title=_("Service tokens"),
                           revoke_url=lambda t: url_for("api.revoke_service_token", slug=slug, token_id=t.id))


@bp.route("/e/<slug>/manage/api-tokens/<int:token_id>/revoke", methods=["POST"])
@requires("team.manage")
def revoke_service_token(slug, token_id):
    token = get_in_event_or_404(ApiToken, token_id, g.event)
    if token.kind != TokenKind.service:
        abort(404)
    run_service(lambda: token_services.revoke_token(token, actor=current_user), done=_("The token is revoked."))
    return redirect(url_for("api.service_tokens", slug=slug))
