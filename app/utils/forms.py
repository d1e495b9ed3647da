"""Field helpers shared by every domain's forms."""
from __future__ import annotations

import unicodedata

from flask_babel import get_locale, lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, Length, StopValidation, ValidationError

from app.utils.countries import country_choices
from app.utils.inputs import strip_controls


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
    from wtforms.validators import InputRequired, Optional

    validators = [InputRequired() if required else Optional(), Length(max=max_length)]
    validators += kwargs.pop("validators", [])
    return StringField(label, validators=validators, filters=[strip_text], **kwargs)


def email_field(label=_l("Email address"), **kwargs):
    from wtforms.validators import InputRequired

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
