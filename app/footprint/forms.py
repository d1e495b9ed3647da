"""The organisers' footprint choices."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, SelectField, StringField, SubmitField
from wtforms.validators import Length, NumberRange, Optional, Regexp

from app.utils.forms import strip_text, text_field
from app.utils.inputs import record_id


class SettingsForm(FlaskForm):
    factor_set_id = SelectField(_l("Conversion factors"), coerce=record_id, validate_choice=True)
    radiative_forcing = BooleanField(
        _l("Include the radiative-forcing uplift for flights"),
        description=_l("The effect of flying on the climate beyond its CO₂ (contrails, nitrogen oxides). "
                       "The factor sets recommend including it."))
    destination = text_field(
        _l("Where the trips end"), max_length=120,
        description=_l("A city or an airport code; empty: the event's city."))
    contribution_per_tonne = DecimalField(
        _l("Contribution per tonne of CO₂e (optional)"), places=2, validators=[Optional(), NumberRange(min=0,
                                                                                  max=100000)],
        description=_l("Shows what compensating the event's travel would cost. Nothing is paid here."))
    currency = StringField(_l("Currency"), default="EUR", filters=[strip_text, lambda v: (v or "").upper()],
                           validators=[Optional(), Length(min=3, max=3),
                                       Regexp(r"^[A-Za-z]{3}$", message=_l("Use a three-letter code, e.g. EUR."))])
    submit = SubmitField(_l("Save and compute again"))

    def settings_data(self) -> dict:
        return {"factor_set_id": self.factor_set_id.data, "radiative_forcing": bool(self.radiative_forcing.data),
                "destination": self.destination.data or "", "contribution_per_tonne": self.contribution_per_tonne.data,
                "currency": self.currency.data or "EUR"}
