"""Schemas shared by the resources: errors, pages of a list."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, pre_load, validate

from app.utils.inputs import strip_controls
from app.utils.translated import Translated


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


# --- Texts organisers write in every language of the event ----------------------------

# The interface languages (config.LANGUAGES): a version in any other language is refused.
TEXT_LANGUAGES = ("en", "ru", "kk")


def _translated_schema(max_length: int, min_length: int = 0) -> list[dict]:
    text = {"type": "string", "maxLength": max_length}
    if min_length:
        text["minLength"] = min_length
    return [text, {"type": "object", "additionalProperties": False, "minProperties": 1,
                   "properties": {lang: {"type": "string", "maxLength": max_length} for lang in TEXT_LANGUAGES}}]


class TranslatedText(fields.Field):
    """An organiser-written text. Read: the version in the language asked for
    (`?lang=`, else Accept-Language; else the one it was written in), as a plain
    string. Written: a string (the event's default language) or an object with a
    version per language, e.g. {"en": "Water", "kk": "Су"}; a language left out
    keeps the version it had, an empty string removes it."""

    def __init__(self, *, max_length: int, min_length: int = 0, **kwargs):
        self.max_length, self.min_length = max_length, min_length
        metadata = dict(kwargs.pop("metadata", {}))
        metadata.setdefault("oneOf", _translated_schema(max_length, min_length))
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            if len(value) > self.max_length:
                raise ValidationError(f"Longer than maximum length {self.max_length}.")
            if len(value.strip()) < self.min_length:
                raise ValidationError("Shorter than minimum length 1.")
            return value
        if not isinstance(value, dict) or not value:
            raise ValidationError("A string, or an object with a text per language.")
        unknown = [lang for lang in value if lang not in TEXT_LANGUAGES]
        if unknown:
            raise ValidationError(f"Unknown language: {', '.join(sorted(map(str, unknown)))}.")
        if not all(isinstance(text, str) for text in value.values()):
            raise ValidationError("Each version is a string.")
        if any(len(text) > self.max_length for text in value.values()):
            raise ValidationError(f"Longer than maximum length {self.max_length}.")
        return dict(value)


class Versions(fields.Dict):
    """Every version of an organiser-written text: {language: text} (read only)."""

    def __init__(self, **kwargs):
        super().__init__(keys=fields.Str(), values=fields.Str(), dump_only=True, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return super()._serialize(Translated.coerce(value).texts, attr, obj, **kwargs)
