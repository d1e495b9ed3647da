"""Safe writes: ETags with If-Match for optimistic concurrency, and Idempotency-Key
replays on POST.

ETag: a hash of the resource's JSON as the API shows it. A write with `If-Match`
whose value is not the current ETag is refused with 412; without `If-Match` it goes
ahead, unless the operator sets API_REQUIRE_IF_MATCH, when it is refused with 428.
"""
from __future__ import annotations

from flask_babel import gettext as _
import hashlib
import json
from functools import wraps

from flask import Response, current_app, request
from werkzeug.exceptions import HTTPException

from app.api.auth import current_token
from app.api.errors import ApiError, error_response
from app.api.services import idempotency
from app.extensions import db
from app.utils.translated import Translated
from app.utils.refusals import Refusal

IDEMPOTENCY_HEADER = "Idempotency-Key"
# The headers as the OpenAPI document describes them.
IDEMPOTENCY_PARAM = {"in": "header", "name": IDEMPOTENCY_HEADER, "required": False,
                     "schema": {"type": "string", "maxLength": 255},
                     "description": "A repeat with the same key and body replays the first answer; "
                                    "another body under the key is a 422."}
IF_MATCH_PARAM = {"in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"},
                  "description": "The ETag read; another one is a 412 (428 when required and missing)."}


def _every_version(value):
    # A multilingual text counts with all its versions: a change in any language is a change,
    # and the ETag is the same whichever language the caller reads.
    return value.to_json() if isinstance(value, Translated) else str(value)


def etag_of(data) -> str:
    text = json.dumps(data, sort_keys=True, default=_every_version, separators=(",", ":"))
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def check_if_match(current: dict) -> None:
    """Before changing a resource: its representation now must have the ETag the
    caller read (If-Match), else 412."""
    sent = request.headers.get("If-Match")
    if sent is None:
        if current_app.config.get("API_REQUIRE_IF_MATCH"):
            raise ApiError(428)
        return
    wanted = {tag.strip().removeprefix("W/") for tag in sent.split(",")}
    if "*" not in wanted and etag_of(current) not in wanted:
        raise ApiError(412)


def with_etag(response: Response, data) -> Response:
    response.headers["ETag"] = etag_of(data)
    return response


def idempotent(view):
    """Wrap a POST view: with an Idempotency-Key, the first answer is kept and a
    repeat of the same request gets it again (header Idempotent-Replayed: true);
    the same key with another body is a 422; only answers below 500 are kept."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(IDEMPOTENCY_HEADER)
        token = current_token()
        if not key or token is None:
            return view(*args, **kwargs)
        if len(key) > 255:
            raise ApiError(400, fields={IDEMPOTENCY_HEADER: [_("At most 255 characters.")]})
        digest = idempotency.request_hash(request.method, request.path, request.get_data())
        outcome, row = idempotency.claim(token.id, key, digest)
        if outcome == "mismatch":
            raise ApiError(422, fields={IDEMPOTENCY_HEADER: [_("This key was used with another request.")]})
        if outcome == "busy":
            raise ApiError(409)
        if outcome == "replay":
            response = Response(row.response_body, status=row.status_code, mimetype="application/json")
            response.headers["Idempotent-Replayed"] = "true"
            return response
        row_id = row.id
        try:
            response = current_app.make_response(view(*args, **kwargs))
        except HTTPException as error:
            if error.code and error.code < 500 and error.code != 429:
                response = error_response(error)
                idempotency.store(row_id, response.status_code, response.get_data(as_text=True))
                return response
            idempotency.release(row_id)
            raise
        except Exception:
            idempotency.release(row_id)
            raise
        idempotency.store(row_id, response.status_code, response.get_data(as_text=True))
        return response

    return wrapper


def run(call):
    """Run a domain service and commit. A refusal is rolled back and answered: 422
    with the field when it names one, otherwise 409 (the current state forbids it)."""
    try:
        result = call()
    except Refusal as refusal:
        db.session.rollback()
        message = str(refusal.message)
        if refusal.field:
            raise ApiError(422, message, fields={refusal.field: [message]}) from refusal
        raise ApiError(409, message) from refusal
    db.session.commit()
    return result
