"""Speaker forms: field validation only; the rules live in services.py."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l, lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, PasswordField, SelectField, StringField,
                     SubmitField, TextAreaField)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, URL, ValidationError

from app.accounts.forms import honorific_choices, interface_language_choices
from app.accounts.passwords import password_problem
from app.speakers.models import ROLE_LABELS, STATE_LABELS, AssignmentRole
from app.speakers.services import BIO_MAX
from app.utils.forms import CountryField, TranslatedField, email_field, select_choices, strip_text, text_field
from app.utils.images import PhotoError, process_photo


def role_choices():
    return select_choices((r.value, ROLE_LABELS[r]) for r in AssignmentRole)


def _honorific():
    return SelectField(lazy_pgettext("honorific", "Title"), choices=honorific_choices(), validate_choice=True,
                       default="")


class AssignExistingForm(FlaskForm):
    user_id = HiddenField(validators=[InputRequired()])
    role = SelectField(_l("Role"), choices=role_choices, validators=[InputRequired()])
    note = TextAreaField(_l("Internal note (organisers only)"), validators=[Optional(), Length(max=2000)],
                         filters=[strip_text])
    submit = SubmitField(_l("Invite"))


class InviteNewForm(FlaskForm):
    email = email_field()
    honorific = _honorific()
    given_name = text_field(_l("Given name(s)"), max_length=120, required=True)
    family_name = text_field(_l("Family name"), max_length=120, required=True)
    organisation = text_field(_l("Organisation"), max_length=200)
    position = text_field(_l("Position"), max_length=200)
    country = CountryField()
    locale = SelectField(_l("Language of the email"), choices=interface_language_choices)
    role = SelectField(_l("Role"), choices=role_choices, validators=[InputRequired()])
    note = TextAreaField(_l("Internal note (organisers only)"), validators=[Optional(), Length(max=2000)],
                         filters=[strip_text])
    submit = SubmitField(_l("Send the invitation"))


class AssignmentForm(FlaskForm):
    role = SelectField(_l("Role"), choices=role_choices, validators=[InputRequired()])
    position = IntegerField(_l("Order"), validators=[InputRequired(), NumberRange(min=0, max=999)])
    # Two lines: the form repeats under every speaker of the session.
    note = TextAreaField(_l("Internal note (organisers only)"), validators=[Optional(), Length(max=2000)],
                         filters=[strip_text], render_kw={"rows": 2})
    submit = SubmitField(_l("Save"))


class RecordAnswerForm(FlaskForm):
    """An answer the speaker gave by phone or letter. It offers only the answers open
    from the assignment's state (`answers`), and none is chosen until the organiser
    chooses: a preselected answer would be recorded by a click on the button."""

    answer = SelectField(_l("Answer"), choices=[], validate_choice=False,
                         validators=[InputRequired(message=_l("Choose the answer the speaker gave."))])
    reason = text_field(_l("Reason"), max_length=500)
    submit = SubmitField(_l("Record the answer"))

    def __init__(self, *args, answers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.answers = [state.value for state in answers]
        self.answer.choices = select_choices([("", _l("Choose the answer…"))]
                                             + [(state.value, STATE_LABELS[state]) for state in answers])

    def validate_answer(self, field):
        if field.data not in self.answers:
            raise ValidationError(_l("Choose one of the answers in the list."))


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Reason (seen by the organisers)"), validators=[Optional(), Length(max=500)],
                           filters=[strip_text])
    submit = SubmitField(_l("Decline"))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Reason (seen by the organisers)"), validators=[InputRequired(), Length(max=500)],
                           filters=[strip_text])
    submit = SubmitField(_l("Withdraw from this session"))


class RespondForm(FlaskForm):
    """The emailed answer link's page. New accounts choose a password to accept."""

    # No Optional() here: it would end the checks on an empty field, before
    # validate_password could ask a new account for its password.
    password = PasswordField(_l("Choose a password"),
                             render_kw={"autocomplete": "new-password"},
                             description=_l("At least 10 characters. A short sentence is easy to remember."))
    confirm = PasswordField(_l("Repeat the password"), validators=[Optional()],
                            render_kw={"autocomplete": "new-password"})
    reason = TextAreaField(_l("If you decline: reason (optional)"), validators=[Optional(), Length(max=500)],
                           filters=[strip_text])
    accept = SubmitField(_l("Accept"))
    decline = SubmitField(_l("Decline"))

    def __init__(self, *args, needs_password: bool = False, email: str = "", names: tuple = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_password = needs_password
        self.email_value = email
        self.names = names

    def validate_password(self, field):
        if not (self.needs_password and self.accept.data):
            return
        if not field.data:
            raise ValidationError(_l("Choose a password for your account."))
        problem = password_problem(field.data, email=self.email_value, names=self.names,
                                   min_length=current_app.config["PASSWORD_MIN_LENGTH"])
        if problem:
            raise ValidationError(str(problem))
        if field.data != (self.confirm.data or ""):
            raise ValidationError(_l("The passwords do not match."))


def _links_filter(value):
    return strip_text(value) if value else value


class ProfileForm(FlaskForm):
    honorific = _honorific()
    given_name = text_field(_l("Given name(s)"), max_length=120, required=True)
    family_name = text_field(_l("Family name"), max_length=120, required=True)
    position = text_field(_l("Position"), max_length=200)
    organisation = text_field(_l("Organisation"), max_length=200)
    country = CountryField()
    bio = TranslatedField(_l("Short biography"), max_length=BIO_MAX, multiline=True, rows=8,
                          too_long=_l("The biography may be at most %(max)d characters long.", max=BIO_MAX),
                          description=_l("Up to %(max)d characters in each language. Markdown: **bold**, "
                                         "*italics*, links.", max=BIO_MAX))
    link1 = StringField(_l("Link"), validators=[Optional(), Length(max=300), URL(message=_l(
        "Enter a web address starting with https://"))], filters=[_links_filter])
    link2 = StringField(_l("Link"), validators=[Optional(), Length(max=300), URL(message=_l(
        "Enter a web address starting with https://"))], filters=[_links_filter])
    link3 = StringField(_l("Link"), validators=[Optional(), Length(max=300), URL(message=_l(
        "Enter a web address starting with https://"))], filters=[_links_filter])
    photo = FileField(_l("Photo (JPEG or PNG, at most 5 MB)"))
    submit = SubmitField(_l("Save profile"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.photo_jpeg: bytes | None = None

    def _check_link(self, field):
        if field.data and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError(_l("Enter a web address starting with https://"))

    validate_link1 = validate_link2 = validate_link3 = _check_link

    def validate_photo(self, field):
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            return
        try:
            self.photo_jpeg = process_photo(upload.stream)
        except PhotoError as exc:
            raise ValidationError(str(exc)) from exc

    @property
    def links(self) -> list[str]:
        return [f.data for f in (self.link1, self.link2, self.link3) if f.data]


class TravelForm(FlaskForm):
    available_from = DateField(_l("Available from"), validators=[Optional()])
    available_until = DateField(_l("Available until"), validators=[Optional()])
    arrival_date = DateField(_l("Arrival"), validators=[Optional()])
    departure_date = DateField(_l("Departure"), validators=[Optional()])
    visa_letter_requested = BooleanField(_l("I need a visa support letter"))
    nationality = CountryField(_l("Nationality (for the visa letter)"))
    travel_notes = TextAreaField(_l("Other travel needs"), validators=[Optional(), Length(max=1000)],
                                 filters=[strip_text])
    submit = SubmitField(_l("Save"))


class NeedsForm(FlaskForm):
    av_needs = TextAreaField(_l("Audio-visual needs"), validators=[Optional(), Length(max=1000)],
                             filters=[strip_text],
                             description=_l("E.g. a clicker, a lapel microphone, sound from a laptop."))
    interpretation_needs = text_field(_l("Interpretation needs"), max_length=500,
                                      description=_l("The language you will speak and any you need to hear."))
    slides_public = BooleanField(_l("Registered delegates may download my slides"))
    submit = SubmitField(_l("Save"))


class ProposalForm(FlaskForm):
    title = text_field(_l("Title"), max_length=300, required=True)
    abstract = TextAreaField(_l("Abstract"), validators=[Optional(), Length(max=5000)], filters=[strip_text],
                             render_kw={"rows": 6})
    submit = SubmitField(_l("Send the proposal"))


class SlidesForm(FlaskForm):
    file = FileField(_l("Slides (PDF, PPTX or ODP)"), validators=[FileRequired(message=_l("Choose a file."))])
    submit = SubmitField(_l("Upload"))


class DecisionForm(FlaskForm):
    note = text_field(_l("Note to the speaker"), max_length=500)
    approve = SubmitField(_l("Approve"))
    reject = SubmitField(_l("Reject"))
