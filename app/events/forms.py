from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from app.accounts.forms import interface_language_choices
from app.events.models import EventRoleName
from app.utils.forms import (CountryField, LocalDateTimeField, TranslatedField, email_field, select_choices,
                             strip_text, text_field)
from app.utils.time import common_timezones, valid_timezone

COLOUR = Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Use a colour like #0b5d3b."))


class EventForm(FlaskForm):
    title = TranslatedField(_l("Title"), max_length=200, required=True)
    short_title = TranslatedField(_l("Short title"), max_length=80,
                                  description=_l("For badges, tabs and small screens, e.g. “Astana Summit 2027”."))
    slug = text_field(_l("Short name in addresses"), max_length=64, required=True,
                      validators=[Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                                         message=_l("Use lower-case letters, digits and dashes, e.g. astana-2027."))],
                      description=_l("Used in links: /e/<short name>/"))
    description = TranslatedField(_l("Description"), max_length=5000, multiline=True)
    venue = TranslatedField(_l("Venue"), max_length=200)
    city = TranslatedField(_l("City"), max_length=120)
    country = CountryField()
    timezone = SelectField(_l("Time zone"), choices=[], default="Asia/Almaty", validate_choice=False)
    start_date = DateField(_l("First day"), validators=[InputRequired()])
    end_date = DateField(_l("Last day"), validators=[InputRequired()])
    languages = SelectMultipleField(_l("Languages"), choices=interface_language_choices,
                                    validators=[InputRequired()],
                                    description=_l("The languages its texts are written in. A language taken off "
                                                   "keeps its texts: they come back if it is chosen again."))
    default_language = SelectField(_l("Default language"), choices=interface_language_choices,
                                   validators=[Optional()], validate_choice=True,
                                   description=_l("Required in every form; readers whose language has no "
                                                  "version read this one."))
    # In the time zone chosen on this form (it may change with them).
    registration_opens_at = LocalDateTimeField(_l("Registration opens (event time)"), validators=[Optional()],
                                               zone=lambda form: form.timezone.data)
    registration_closes_at = LocalDateTimeField(_l("Registration closes (event time)"), validators=[Optional()],
                                                zone=lambda form: form.timezone.data)
    contact_email = email_field(_l("Contact email"))
    practical_info = TranslatedField(
        _l("Practical information"), max_length=8000, multiline=True, rows=8,
        description=_l("Getting there, accommodation, dress code, who to call: shown on the event's page. "
                       "Markdown: **bold**, *italics*, lists, links."))
    privacy_notice = TranslatedField(
        _l("Privacy notice"), max_length=8000, multiline=True, rows=12,
        description=_l("Shown at /e/<short name>/privacy and linked from the registration form: what is "
                       "collected, why, who sees it, how long it is kept, the delegate's rights and whom to "
                       "ask. Markdown: **bold**, *italics*, lists, links."))
    primary_colour = text_field(_l("Main colour"), max_length=7, required=True, validators=[COLOUR],
                                render_kw={"type": "color"})
    accent_colour = text_field(_l("Accent colour"), max_length=7, required=True, validators=[COLOUR],
                               render_kw={"type": "color"})
    published = BooleanField(_l("Published (visible to the public)"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = select_choices((z, z) for z in common_timezones())
        obj = kwargs.get("obj")
        if not self.is_submitted() and getattr(obj, "languages", None):
            self.default_language.data = obj.languages[0]

    def validate(self, extra_validators=None) -> bool:
        """Valid data has the languages in the order they are stored: the default first,
        then the rest as offered."""
        if not super().validate(extra_validators):
            return False
        default = self.default_language.data
        chosen = list(self.languages.data or [])
        if default and default not in chosen:
            self.default_language.errors.append(_l("Choose the default among the event's languages."))
            return False
        if default:
            self.languages.data = [default] + [lang for lang in chosen if lang != default]
        return True

    def validate_timezone(self, field):
        if not valid_timezone(field.data or ""):
            raise ValidationError(_l("Choose a time zone from the list."))

    def validate_end_date(self, field):
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError(_l("The last day cannot be before the first day."))
        if self.start_date.data and field.data and (field.data - self.start_date.data).days > 60:
            raise ValidationError(_l("An event can last at most 60 days."))

    def validate_registration_closes_at(self, field):
        if field.data and self.registration_opens_at.data and field.data <= self.registration_opens_at.data:
            raise ValidationError(_l("Registration must close after it opens."))


class GrantRoleForm(FlaskForm):
    email = email_field(_l("Email of the team member"))
    role = SelectField(_l("Role"), choices=select_choices((r.value, r.value) for r in EventRoleName))
    submit = SubmitField(_l("Grant role"))


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for one-button actions."""
    submit = SubmitField(_l("Confirm"))
