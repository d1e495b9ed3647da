"""Field helpers shared by every domain's forms."""
from __future__ import annotations

import unicodedata

from flask import current_app, g, has_app_context
from flask_babel import get_locale, lazy_gettext as _l
from wtforms import DateTimeLocalField, Field, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import Email, InputRequired, Length, Optional, StopValidation, ValidationError

from app.utils.countries import country_choices
from app.utils.inputs import strip_controls
from app.utils.time import local_to_utc, to_zone, valid_timezone
from app.utils.translated import Translated


def strip_text(value):
    """Trim, normalise to NFC and drop control characters (a pasted name may carry them)."""
    if value is None:
        return value
    return strip_controls(unicodedata.normalize("NFC", value)).strip()


def select_choices(pairs) -> list[SelectChoice]:
    """WTForms options from (value, label) pairs. A lazy label stays lazy: it is
    translated when the form is drawn, in that reader's language."""
    return [SelectChoice(value, label) for value, label in pairs]


def text_field(label, *, max_length: int = 200, required: bool = False, **kwargs):
    validators = [InputRequired() if required else Optional(), Length(max=max_length)]
    validators += kwargs.pop("validators", [])
    return StringField(label, validators=validators, filters=[strip_text], **kwargs)


def email_field(label=_l("Email address"), **kwargs):
    return StringField(label, validators=[InputRequired(), Length(max=254),
                                          Email(message=_l("Enter a valid email address."),
                                                check_deliverability=False)],
                       filters=[strip_text], render_kw={"autocomplete": "email", "type": "email"}, **kwargs)


class CountryRequired:
    """A country must be chosen. Its `required` flag, like InputRequired's, is what
    the form macro reads to mark the field, so the mark cannot drift from the rule."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        if not field.data:
            raise StopValidation(_l("Select a country."))


class CountryField(SelectField):
    """ISO 3166 country, listed by name in the current language."""

    def __init__(self, label=_l("Country"), required: bool = False, validators=None, **kwargs):
        validators = ([CountryRequired()] if required else []) + list(validators or [])
        super().__init__(label, choices=[], validate_choice=False, validators=validators, **kwargs)

    def _country_choices(self):
        locale = str(get_locale() or "en")
        return select_choices([("", _l("Select a country"))] + country_choices(locale))

    def iter_choices(self):
        self.choices = self._country_choices()
        return super().iter_choices()

    def pre_validate(self, form):
        code = (self.data or "").upper()
        self.data = code
        if code and code not in dict(country_choices("en")):
            raise ValidationError(_l("Select a country from the list."))


class LocalDateTimeField(DateTimeLocalField):
    """A moment typed and shown as wall-clock time in a time zone (the event's), held in UTC.

    `data` is an aware UTC datetime (or None), ready for a UTCDateTime column, whether
    it came from the object (`obj=`) or from what was typed. The zone is `zone(form)`
    when given (e.g. the form's own time zone field), else the form's `event.timezone`;
    an unknown zone counts as UTC. It is read when the value is, so it may come from a
    field of the same form."""

    def __init__(self, label=None, validators=None, zone=None, format="%Y-%m-%dT%H:%M", invalid=None, **kwargs):
        super().__init__(label, validators, format=format, **kwargs)
        self._zone_of = zone
        self._held = None
        self._invalid = invalid  # the error for what is not a date and time, if not the usual one

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            if self._invalid is None:
                raise
            raise ValueError(str(self._invalid)) from None

    @property
    def zone(self) -> str:
        form = getattr(self, "_form", None)
        if self._zone_of is not None:
            zone = self._zone_of(form)
        else:
            zone = getattr(getattr(form, "event", None), "timezone", None)
        return zone if isinstance(zone, str) and valid_timezone(zone) else "UTC"

    @property
    def data(self):
        value = self._held
        if value is not None and value.tzinfo is None:  # typed: wall-clock time in the zone
            return local_to_utc(value.date(), value.time(), self.zone)
        return value

    @data.setter
    def data(self, value):
        self._held = value

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        value = self._held
        if value is None:
            return ""
        if value.tzinfo is not None:
            value = to_zone(value, self.zone)
        return value.strftime(self.format[0])


def content_languages() -> list[str]:
    """The languages organiser-written texts are asked in: the current event's (its
    default first), else every interface language."""
    event = g.get("event") if has_app_context() else None
    languages = [lang for lang in (getattr(event, "languages", None) or []) if isinstance(lang, str)]
    if not languages and has_app_context():
        languages = list(current_app.config.get("LANGUAGES", {"en": "English"}))
    return languages or ["en"]


class TranslatedField(Field):
    """One input per language of the event for a multilingual text (its data is a
    `Translated`). The first language is the event's default: when the field is
    required, that version is; the others may wait for a translator, and the form
    says so ("not translated yet", or "may be out of date" when the default
    version changed after they were written).

    Posted as `<name>-<language>` for each language; a plain `<name>` (what older
    forms and API clients send) is the default language's version. A language not
    posted keeps the version it had, so a form that shows only some languages
    never erases the others."""

    def __init__(self, label=None, validators=None, *, max_length: int = 200, required: bool = False,
                 multiline: bool = False, rows: int = 4, languages=None, too_long=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.max_length = max_length
        self.too_long = too_long
        self.required = required
        self.multiline = multiline
        self.rows = rows
        self._languages = languages
        if required:
            self.flags.required = True
        self.object_data = Translated()
        self.data = Translated()

    @property
    def languages(self) -> list[str]:
        return list(self._languages or content_languages())

    @languages.setter
    def languages(self, value) -> None:
        self._languages = list(value)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        if data is None or data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = Translated.coerce(data, self.default_language) if data is not None else \
            Translated({}, self.default_language)
        self.raw_data = []
        posted: dict[str, str] = {}
        if formdata is not None:
            if self.name in formdata:
                posted[self.default_language] = formdata.get(self.name) or ""
            for lang in self.languages:
                key = f"{self.name}-{lang}"
                if key in formdata:
                    posted[lang] = formdata.get(key) or ""
            self.raw_data = list(posted.values())
        cleaned = {lang: strip_text(text) for lang, text in posted.items()}
        self.data = self.object_data.merged(cleaned, self.languages) if cleaned else self.object_data

    def version(self, lang: str) -> str:
        """What the input for `lang` shows."""
        return self.data.get(lang)

    def is_stale(self, lang: str) -> bool:
        return self.data.is_stale(lang)

    def pre_validate(self, form):
        if self.required and not self.data.get(self.default_language):
            raise StopValidation(_l("Enter the text in %(language)s.",
                                    language=language_label(self.default_language)))
        too_long = [lang for lang in self.languages if len(self.data.get(lang)) > self.max_length]
        if too_long and self.too_long is not None:
            raise ValidationError(self.too_long)
        if too_long:
            raise ValidationError(_l("Keep each version under %(max)d characters (too long: %(languages)s).",
                                     max=self.max_length,
                                     languages=", ".join(language_label(lang) for lang in too_long)))

    def populate_obj(self, obj, name):
        setattr(obj, name, self.data)

    def _value(self):
        return str(self.data)


def language_label(lang: str) -> str:
    """A language's own name as the interface lists it (English, Русский, Қазақша)."""
    names = current_app.config.get("LANGUAGES", {}) if has_app_context() else {}
    return names.get(lang, lang)
