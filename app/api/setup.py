"""Binding the API to an app: the OpenAPI generator (flask-smorest), the resource
blueprints, and the hooks every request under /api/ goes through."""
from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_smorest import Api

from app.api import auth
from app.api.commands import send_webhooks_command
from app.api.models import ApiToken
from app.api.resources import RESOURCE_BLUEPRINTS
from app.api.schemas import ErrorSchema
from app.api.services import tokens as token_services
from app.extensions import csrf, db

API_PREFIX = "/api/v1"
DEFAULTS = {
    "API_TITLE": "Kurultai API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    "API_RATE_LIMIT_TOKEN": "600 per minute",
    "API_RATE_LIMIT_ADDRESS": "300 per minute",
    "API_REQUIRE_IF_MATCH": False,
    # Networks webhooks may reach although they are not public (e.g. "10.0.0.0/8").
    "WEBHOOK_ALLOWED_NETWORKS": [],
}


class KurultaiApi(Api):
    """flask-smorest's Api, leaving the app's error handlers alone (app/errors.py
    answers JSON under /api/ through app/api/errors.py), with the API's error schema."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        pass


def init_api(app: Flask) -> None:
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    app.config.setdefault("OPENAPI_URL_PREFIX", None)  # the document is served by api.openapi_json
    api = KurultaiApi(spec_kwargs={"info": {"description": "Kurultai summit management, version 1."}})
    api.init_app(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for blp in RESOURCE_BLUEPRINTS:
        api.register_blueprint(blp, url_prefix=API_PREFIX + (blp.url_prefix or ""))
        csrf.exempt(blp)
    # A resource class (several methods on one address) declares its access once.
    for function in app.view_functions.values():
        rule = getattr(getattr(function, "view_class", None), "_access_rule", None)
        if rule is not None:
            function._access_rule = rule
    app.extensions["kurultai_api"] = api
    app.cli.add_command(send_webhooks_command)
    app.before_request(_before)
    app.after_request(_after)


def _is_api() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def _before():
    if _is_api():
        auth.identify()
        auth.refuse_anonymous(current_app.view_functions.get(request.endpoint))


def _after(response):
    if not _is_api():
        return response
    auth.rate_headers(response)
    view = request.url_rule and request.url_rule.endpoint
    function = current_app.view_functions.get(view) if view else None
    if getattr(function, "_api_cors", False):
        response.headers["Access-Control-Allow-Origin"] = "*"
    token = auth.current_token()
    if token is not None:
        if response.status_code >= 400:
            db.session.rollback()
        token = db.session.get(ApiToken, token.id)
        token_services.record_call(token, method=request.method, path=request.path, status=response.status_code)
        db.session.commit()
    g.pop(auth.TOKEN, None)
    return response
