from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange


class ErasureForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired()],
                             description=_l("To make sure it is you who asks."))
    submit = SubmitField(_l("Erase my account and data"))


class RefuseForm(FlaskForm):
    reason = StringField(_l("Why the data must be kept"), validators=[DataRequired(), Length(max=500)],
                         description=_l("The person is told this reason by email."))
    submit = SubmitField(_l("Keep the data"))


class RetentionForm(FlaskForm):
    retention_days = IntegerField(_l("Days personal data is kept after the event's last day"),
                                  validators=[InputRequired(), NumberRange(min=0, max=3650)])
    submit = SubmitField(_l("Save"))
