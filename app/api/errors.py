"""Every answer under /api/ that is an error is JSON:
{"error": {"code": "...", "message": "...", "fields": {...}}}. Never an HTML page."""
from __future__ import annotations

from flask import jsonify
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    406: "not_acceptable", 409: "conflict", 412: "precondition_failed", 413: "too_large",
    415: "unsupported_media_type", 422: "unprocessable", 428: "precondition_required",
    429: "too_many_requests", 500: "server_error",
}


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _("A valid API token is needed."),
        403: _("This token may not do that."),
        404: _("Not found."),
        405: _("This action is not allowed here."),
        409: _("This conflicts with the current state."),
        412: _("The object has changed since you read it."),
        413: _("The file is too large."),
        422: _("Some fields are not valid."),
        428: _("Send If-Match with the ETag you read."),
        429: _("Too many requests. Please wait a little and try again."),
        500: _("Something went wrong on our side. The team has been told; please try again."),
    }


class ApiError(HTTPException):
    """Raised by the API's views with a status, an optional message and field errors."""

    def __init__(self, status: int, message: str | None = None, fields: dict | None = None,
                 headers: dict | None = None):
        super().__init__(description=message)
        self.code = status
        self.fields = fields or {}
        self.extra_headers = headers or {}


def _fields_of(error) -> dict:
    fields = getattr(error, "fields", None)
    if fields:
        return fields
    # webargs/flask-smorest put validation errors in `data["messages"]`, per location.
    messages = (getattr(error, "data", None) or {}).get("messages") or {}
    flat: dict = {}
    for location in messages.values():
        if isinstance(location, dict):
            flat.update(location)
    return flat


def error_response(error=None, status: int | None = None, message: str | None = None):
    status = status or getattr(error, "code", None) or 500
    fields = _fields_of(error) if error is not None else {}
    text = message or (error.description if isinstance(error, ApiError) and error.description else None)
    text = text or _messages().get(status, _("Something went wrong."))
    response = jsonify(error={"code": CODES.get(status, str(status)), "message": str(text), "fields": fields})
    response.status_code = status
    for name, value in (getattr(error, "extra_headers", None) or {}).items():
        response.headers[name] = value
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    if isinstance(error, HTTPException) and status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response
