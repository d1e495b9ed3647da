"""Field helpers shared by every domain's forms."""
from __future__ import annotations

import unicodedata

from flask_babel import get_locale, lazy_gettext as _l
from wtforms import DateTimeLocalField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, StopValidation, ValidationError

from app.utils.countries import country_choices
from app.utils.inputs import strip_controls
from app.utils.time import local_to_utc, to_zone, valid_timezone


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
