"""Forms of the token pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SelectMultipleField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from app.api.models import TokenScope
from app.api.services.tokens import MAX_DAYS, SERVICE_ACTIONS
from app.api.services.webhooks import EVENT_TYPES
from app.utils.forms import select_choices, text_field
from app.utils.inputs import record_id


def scope_choices():
    return select_choices([(TokenScope.read.value, _l("Read only")),
                           (TokenScope.read_write.value, _l("Read and write"))])


class TokenForm(FlaskForm):
    name = text_field(_l("Name"), max_length=120, required=True)
    event_id = SelectField(_l("Event"), coerce=record_id, validators=[InputRequired()])
    scope = SelectField(_l("Access"), choices=scope_choices, validators=[InputRequired()])
    days = IntegerField(_l("Valid for (days)"), default=90,
                        validators=[InputRequired(), NumberRange(min=1, max=MAX_DAYS)])
    submit = SubmitField(_l("Create token"))


class ServiceTokenForm(FlaskForm):
    name = text_field(_l("Name"), max_length=120, required=True)
    scope = SelectField(_l("Access"), choices=scope_choices, validators=[InputRequired()])
    actions = SelectMultipleField(_l("Allowed actions"), choices=select_choices((a, a) for a in SERVICE_ACTIONS),
                                  validators=[InputRequired()])
    days = IntegerField(_l("Valid for (days)"), default=90,
                        validators=[InputRequired(), NumberRange(min=1, max=MAX_DAYS)])
    submit = SubmitField(_l("Create token"))


class WebhookForm(FlaskForm):
    url = text_field(_l("Address (URL)"), max_length=500, required=True)
    secret = text_field(_l("Secret (left empty, one is made for you)"), max_length=128)
    events = SelectMultipleField(_l("Events"), choices=select_choices((e, e) for e in EVENT_TYPES),
                                 validators=[InputRequired()])
    submit = SubmitField(_l("Add webhook"))
