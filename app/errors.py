"""Error pages in the site's style, JSON for the API; roll back on failure."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from app.api.errors import error_response as api_error_response
from app.extensions import db
from app.utils.storage import StorageError


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.endswith(".json")


def _messages():
    return {
        400: _("The request could not be understood."),
        403: _("You do not have permission to see this page."),
        404: _("We could not find this page."),
        405: _("This action is not allowed here."),
        413: _("The file is too large."),
        429: _("Too many attempts. Please wait a little and try again."),
        500: _("Something went wrong on our side. The team has been told; please try again."),
        503: _("Stored files cannot be reached just now. Please try again in a few minutes."),
    }


def render_error(code: int, message: str | None = None):
    if request.path.startswith("/api/"):
        return api_error_response(status=code, message=message)
    message = message or _messages().get(code, _("Something went wrong."))
    if _wants_json():
        return jsonify(error={"code": code, "message": message}), code
    return render_template("errors/error.html", code=code, message=message, title=str(code)), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _("The form had expired or was sent twice. Please try again."))

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code in (301, 302, 303, 307, 308) or error.code is None:
            return error
        if request.path.startswith("/api/"):
            return api_error_response(error)
        return render_error(error.code)

    @app.errorhandler(StorageError)
    def storage_error(error):
        """The bucket or upload directory does not answer: a moment's outage, not a bug."""
        db.session.rollback()
        app.logger.error("storage unreachable on %s %s: %s", request.method, request.path, error)
        return render_error(503)

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        """The database does not answer (or is failing over): 503, so the load balancer
        sends the next requests to another machine for a while and the person is told to
        try again, rather than a 500 that says the software is broken."""
        try:
            db.session.rollback()
        except OperationalError:
            pass
        app.logger.error("database unavailable on %s %s: %s", request.method, request.path, error)
        return render_error(503, _("The service cannot reach its database just now. Please try again in a minute."))

    @app.errorhandler(Exception)
    def unexpected_error(error):
        db.session.rollback()
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if app.testing and app.config.get("PROPAGATE_EXCEPTIONS_IN_TESTS", True):
            raise error
        return render_error(500)
