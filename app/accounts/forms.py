from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l, lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from app.accounts.labels import HONORIFIC_LABELS, HONORIFICS
from app.accounts.passwords import password_problem
from app.utils.forms import CountryField, email_field, select_choices, text_field


def interface_language_choices():
    """The languages the interface and its emails are written in, each named in itself."""
    return select_choices(current_app.config["LANGUAGES"].items())


def honorific_choices():
    """Every title, shown in the reader's language ("—" for none)."""
    return select_choices((h, HONORIFIC_LABELS.get(h, h) or "—") for h in HONORIFICS)


class StrongPassword:
    """Rejects weak passwords, looking at the email and name fields of the same form."""

    def __call__(self, form, field):
        email = getattr(form, "email", None)
        names = tuple(getattr(form, n).data or "" for n in ("given_name", "family_name") if hasattr(form, n))
        problem = password_problem(field.data or "", email=(email.data if email else "") or "", names=names,
                                   min_length=current_app.config["PASSWORD_MIN_LENGTH"])
        if problem:
            raise ValidationError(str(problem))


def new_password_fields():
    password = PasswordField(_l("Password"), validators=[InputRequired(), StrongPassword()],
                             render_kw={"autocomplete": "new-password"},
                             description=_l("At least 10 characters. A short sentence is easy to remember."))
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[InputRequired(), EqualTo("password", message=_l("The passwords do not match."))],
                            render_kw={"autocomplete": "new-password"})
    return password, confirm


class ProfileFields:
    # "Title" is also an event's title: the context keeps the two apart in translations.
    honorific = SelectField(lazy_pgettext("honorific", "Title"), choices=honorific_choices(), validate_choice=True)
    given_name = text_field(_l("Given name(s)"), max_length=120, required=True,
                            render_kw={"autocomplete": "given-name"})
    family_name = text_field(_l("Family name"), max_length=120, required=True,
                             render_kw={"autocomplete": "family-name"})
    organisation = text_field(_l("Organisation"), max_length=200, render_kw={"autocomplete": "organization"})
    position = text_field(_l("Position"), max_length=200, render_kw={"autocomplete": "organization-title"})
    country = CountryField()
    locale = SelectField(_l("Preferred language"), choices=[])

    def _fill_languages(self):
        self.locale.choices = interface_language_choices()


class SignupForm(ProfileFields, FlaskForm):
    email = email_field()
    password, confirm = new_password_fields()
    submit = SubmitField(_l("Create account"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._fill_languages()


class ProfileForm(ProfileFields, FlaskForm):
    submit = SubmitField(_l("Save profile"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._fill_languages()


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=256)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Log in"))


class EmailOnlyForm(FlaskForm):
    email = email_field()
    submit = SubmitField(_l("Send the link"))


class ResetPasswordForm(FlaskForm):
    password, confirm = new_password_fields()
    submit = SubmitField(_l("Set the new password"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[InputRequired(), Length(max=256)],
                            render_kw={"autocomplete": "current-password"})
    password, confirm = new_password_fields()
    submit = SubmitField(_l("Change password"))


class ChangeEmailForm(FlaskForm):
    email = email_field(_l("New email address"))
    current = PasswordField(_l("Current password"), validators=[InputRequired(), Length(max=256)],
                            render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Send a confirmation link"))
