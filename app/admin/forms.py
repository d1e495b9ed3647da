from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField
from wtforms.validators import AnyOf, InputRequired


class UserFlagForm(FlaskForm):
    flag = HiddenField(validators=[InputRequired(), AnyOf(["active", "admin"])])
    value = HiddenField(validators=[InputRequired(), AnyOf(["0", "1"])])
    submit = SubmitField(_l("Change"))
