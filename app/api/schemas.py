"""Schemas shared by the resources: errors, pages of a list."""
from __future__ import annotations

from marshmallow import Schema, fields, pre_load, validate

from app.utils.inputs import strip_controls


def clean_text(value):
    """JSON text as the pages' fields have it: no control characters, line ends as
    "\n", and no lone surrogates (which no database stores)."""
    if isinstance(value, str):
        value = strip_controls(value).replace("\r\n", "\n").replace("\r", "\n")
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list):
        return [clean_text(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(k): clean_text(v) for k, v in value.items()}
    return value


class Input(Schema):
    """Every request body and query string the API reads goes through this cleaning."""

    @pre_load
    def _clean(self, data, **_kwargs):
        return clean_text(data) if isinstance(data, dict) else data


class ErrorBody(Schema):
    code = fields.Str(required=True)
    message = fields.Str(required=True)
    fields_ = fields.Dict(data_key="fields", required=True)


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBody, required=True)


class CursorArgs(Input):
    cursor = fields.Str(load_default=None, metadata={"description": "From `next_cursor` of the previous page."})
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=200),
                       metadata={"description": "Items per page, 1-200."})


class TokenInfo(Schema):
    name = fields.Str(required=True)
    kind = fields.Str(required=True)
    scope = fields.Str(required=True)
    event = fields.Str(required=True)
    actions = fields.List(fields.Str(), required=True)
    expires_at = fields.DateTime(required=True)
    user = fields.Str(required=True)
