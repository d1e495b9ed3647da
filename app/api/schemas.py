"""Schemas shared by the resources: errors, pages of a list."""
from __future__ import annotations

from marshmallow import Schema, fields, validate


class ErrorBody(Schema):
    code = fields.Str(required=True)
    message = fields.Str(required=True)
    fields_ = fields.Dict(data_key="fields", required=True)


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBody, required=True)


class CursorArgs(Schema):
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
