"""Registration forms: field validation only (the rules live in services)."""
from __future__ import annotations

from datetime import date, timedelta

from babel import Locale
from flask_babel import lazy_gettext as _l, lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, IntegerField, PasswordField, RadioField, SelectField,
                     SelectMultipleField, StringField, SubmitField, TextAreaField)
from wtforms.validators import EqualTo, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.accounts.forms import StrongPassword, honorific_choices, interface_language_choices
from app.registration.models import ApprovalMode, QuestionKind, WaitlistMode
from app.registration.services.transitions import DETAIL_FIELDS, PASSPORT_FIELDS
from app.utils import places
from app.utils.forms import (CountryField, LocalDateTimeField, TranslatedField, email_field, select_choices,
                             strip_text, text_field)
from app.utils.images import PhotoError, process_photo
from app.utils.inputs import whole_number
from app.utils.time import to_zone
from app.utils.translated import Translated, shown_markup

LANGUAGES = ("en", "ru", "kk", "zh", "ar", "fr", "es", "de", "tr", "fa", "ur", "hi", "uz", "ky", "tg", "tk", "ja",
             "ko")
PHONE = Regexp(r"^\+?[0-9 ()./-]{6,40}$", message=_l("Use digits, spaces and an optional leading +, e.g. +7 717 200 00 00."))
FLIGHT = Regexp(r"^[A-Za-z0-9 -]*$", message=_l("Use letters and digits, e.g. KC 922."))
PASSPORT = Regexp(r"^[A-Za-z0-9]{5,20}$", message=_l("Use 5 to 20 letters and digits, as printed in the passport."))


def language_choices(locale: str = "en"):
    names = Locale.parse(locale).languages
    return select_choices((code, names.get(code, code).capitalize()) for code in LANGUAGES)


def choice_id(value) -> int:
    """An id from a select (0 for "none"); anything tampered becomes -1, which no choice has."""
    try:
        return whole_number(value)
    except (TypeError, ValueError):
        return -1


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def textarea(label, max_length=500, required=False, **kwargs):
    return TextAreaField(label, validators=[InputRequired() if required else Optional(), Length(max=max_length)],
                         filters=[strip_text], **kwargs)


class DetailsForm(FlaskForm):
    """What the delegate tells us; used to register and to edit."""

    category = SelectField(_l("Participant category"), coerce=choice_id, validators=[InputRequired()],
                           validate_choice=True)
    honorific = SelectField(lazy_pgettext("honorific", "Title"), choices=honorific_choices(), validate_choice=True)
    given_name = text_field(_l("Given name(s), as in the passport"), max_length=120, required=True,
                            render_kw={"autocomplete": "given-name"})
    family_name = text_field(_l("Family name, as in the passport"), max_length=120, required=True,
                             render_kw={"autocomplete": "family-name"})
    organisation = text_field(_l("Organisation"), max_length=200, required=True,
                              render_kw={"autocomplete": "organization"})
    position = text_field(_l("Position"), max_length=200, required=True,
                          render_kw={"autocomplete": "organization-title"})
    country = CountryField(_l("Country you represent"), required=True)
    nationality = CountryField(_l("Nationality"), required=True)
    phone = text_field(_l("Mobile phone"), max_length=40, required=True, validators=[PHONE],
                       render_kw={"autocomplete": "tel", "type": "tel"})
    languages = MultiCheckboxField(_l("Languages you speak"), choices=[], validate_choice=True)
    dietary = textarea(_l("Dietary requirements"))
    accessibility = textarea(_l("Accessibility needs"))
    arrival_date = DateField(_l("Arrival date"), validators=[Optional()])
    departure_date = DateField(_l("Departure date"), validators=[Optional()])
    visa_letter_needed = BooleanField(_l("I need a visa-support letter"),
                                      description=_l("Then we need your passport details. They are used only for "
                                                     "the letter, seen only by accreditation and you, and deleted "
                                                     "after the event."))
    passport_number = text_field(_l("Passport number"), max_length=20, validators=[Optional(), PASSPORT])
    passport_expiry = DateField(_l("Passport expiry date"), validators=[Optional()])
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional()])
    place_of_birth = text_field(_l("Place of birth"), max_length=120)
    photo = FileField(_l("Photo for the badge (JPEG or PNG, at most 5 MB)"),
                      render_kw={"accept": "image/jpeg,image/png"})
    privacy_consent = BooleanField(_l("I agree to the privacy notice: my data is used to organise the summit."),
                                   validators=[InputRequired(message=_l("You must agree to the privacy notice to "
                                                                        "register."))])
    public_listing = BooleanField(_l("Show me in the public participant list"),
                                  description=_l("With your name, position, organisation, country and delegation; "
                                                 "never your email address or phone number. You can change this "
                                                 "at any time."))
    submit = SubmitField(_l("Register"))

    def __init__(self, *args, event=None, locale: str = "en", **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.languages.choices = language_choices(locale)
        self.photo_jpeg: bytes | None = None

    def validate_arrival_date(self, field):
        if field.data and self.event is not None:
            if not (self.event.start_date - timedelta(days=30) <= field.data <= self.event.end_date):
                raise ValidationError(_l("Arrive between a month before the event and its last day."))

    def validate_departure_date(self, field):
        if not field.data:
            return
        if self.arrival_date.data and field.data < self.arrival_date.data:
            raise ValidationError(_l("Departure cannot be before arrival."))
        if self.event is not None and not (self.event.start_date <= field.data
                                           <= self.event.end_date + timedelta(days=30)):
            raise ValidationError(_l("Leave between the first day of the event and a month after it."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.visa_letter_needed.data:
            # The passport fields are optional on their own and required together
            # with the visa letter, so they are checked here, after the fields.
            valid = self._check_passport() and valid
        return valid

    def _check_passport(self) -> bool:
        problems = {
            "passport_number": None if self.passport_number.data else _l("Enter your passport number for the "
                                                                          "visa-support letter."),
            "place_of_birth": None if self.place_of_birth.data else _l("Enter your place of birth."),
        }
        expiry = self.passport_expiry.data
        last_day = self.event.end_date if self.event is not None else date.today()
        if expiry is None:
            problems["passport_expiry"] = _l("Enter the passport expiry date.")
        elif expiry <= date.today():
            problems["passport_expiry"] = _l("This passport has expired.")
        elif expiry <= last_day:
            problems["passport_expiry"] = _l("The passport must be valid after the event.")
        born = self.date_of_birth.data
        if born is None:
            problems["date_of_birth"] = _l("Enter your date of birth.")
        elif not (date(1900, 1, 1) <= born <= date.today() - timedelta(days=365 * 12)):
            problems["date_of_birth"] = _l("Enter a real date of birth.")
        ok = True
        for name, problem in problems.items():
            field = getattr(self, name)
            if problem is not None and not field.errors:
                field.errors = list(field.errors) + [problem]
                ok = False
        return ok and not any(getattr(self, name).errors for name in problems)

    def validate_photo(self, field):
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            return
        try:
            self.photo_jpeg = process_photo(upload.stream)
        except PhotoError as exc:
            raise ValidationError(str(exc)) from exc

    def details(self) -> dict:
        """The values for services.apply_details."""
        data = {name: getattr(self, name).data for name in DETAIL_FIELDS + PASSPORT_FIELDS}
        data["passport_number"] = (data["passport_number"] or "").upper()
        data["answers"] = self.answers()
        return data

    def custom_fields(self) -> list:
        return [field for name, field in self._fields.items() if name.startswith("q_")]

    def answers(self) -> dict:
        result = {}
        for name, field in self._fields.items():
            if name.startswith("q_"):
                result[name[2:]] = field.data if field.data not in (None,) else ""
        return result


class AccountFields:
    """For a visitor without an account: the registration creates it."""

    email = email_field()
    password = PasswordField(_l("Choose a password"), validators=[InputRequired(), StrongPassword()],
                             render_kw={"autocomplete": "new-password"},
                             description=_l("At least 10 characters. You will use it to see and change your "
                                            "registration."))
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[InputRequired(), EqualTo("password", message=_l("The passwords do not match."))],
                            render_kw={"autocomplete": "new-password"})


def _question_field(question):
    # The label and help in the reader's language; another language's version carries its lang.
    label = shown_markup(question.label)
    extra = {"description": shown_markup(question.help)} if question.help else {}
    required = [InputRequired()] if question.required else [Optional()]
    if question.kind == QuestionKind.text:
        return TextAreaField(label, validators=required + [Length(max=1000)], filters=[strip_text], **extra)
    if question.kind == QuestionKind.choice:
        choices = select_choices([("", "—")] + [(key, str(text)) for key, text in question.choice_items])
        return SelectField(label, choices=choices, validators=required, validate_choice=True, **extra)
    if question.kind == QuestionKind.multi:
        options = select_choices((key, str(text)) for key, text in question.choice_items)
        return MultiCheckboxField(label, choices=options, validators=required, validate_choice=True, **extra)
    return RadioField(label, choices=select_choices([("yes", _l("Yes")), ("no", _l("No"))]), validators=required,
                      validate_choice=True, **extra)


def registration_form(event, *, questions=(), anonymous=False, editing=False, locale="en", **kwargs):
    """The registration form for `event`, with its custom questions (and the
    account fields for a visitor who is not logged in)."""
    bases = (AccountFields, DetailsForm) if anonymous else (DetailsForm,)
    attrs = {f"q_{q.id}": _question_field(q) for q in questions}
    if editing:
        attrs["submit"] = SubmitField(_l("Save changes"))
    cls = type("RegistrationForm", bases, attrs)
    form = cls(event=event, locale=locale, **kwargs)
    if editing:
        del form.category
        del form.privacy_consent
    return form


class CancelForm(FlaskForm):
    reason = textarea(_l("Why are you cancelling?"), required=True,
                      description=_l("This helps the organisers plan; a sentence is enough."))
    submit = SubmitField(_l("Cancel my registration"))


DECISION_CHOICES = select_choices([("approve", _l("Approve")), ("reject", _l("Reject")), ("waitlist", _l("Waitlist"))])


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=DECISION_CHOICES, validate_choice=True)
    message = TranslatedField(_l("Message to the delegate (optional)"), max_length=1000, multiline=True, rows=3,
                              description=_l("The delegate reads the version in their language."))
    submit = SubmitField(_l("Apply"))


class NoteForm(FlaskForm):
    body = textarea(_l("Note (organisers only)"), max_length=2000, required=True)
    submit = SubmitField(_l("Add note"))


class CategoryForm(FlaskForm):
    name = TranslatedField(lazy_pgettext("thing", "Name"), max_length=120, required=True)
    description = TranslatedField(_l("Description"), max_length=500)
    approval = SelectField(_l("Approval"), choices=select_choices([
        (ApprovalMode.moderated.value, _l("Moderated: an officer approves")),
        (ApprovalMode.auto.value, _l("Automatic while places are free"))]), validate_choice=True)
    invite_only = BooleanField(_l("Invitation only (closed to the public)"))
    capacity = IntegerField(_l("Capacity (empty: no limit)"), validators=[Optional(), NumberRange(min=0, max=100000)])
    protocol_rank = IntegerField(_l("Protocol rank (lower comes first)"), default=100,
                                 validators=[InputRequired(), NumberRange(min=0, max=10000)])
    position = IntegerField(_l("Order in the form"), default=0, validators=[Optional(), NumberRange(min=0, max=1000)])
    active = BooleanField(_l("Open for registration"), default=True)
    submit = SubmitField(_l("Save category"))


class SettingsForm(FlaskForm):
    capacity = IntegerField(_l("Event capacity (empty: no limit)"),
                            validators=[Optional(), NumberRange(min=0, max=1000000)])
    waitlist_mode = SelectField(_l("When a place frees"),
                                choices=select_choices([
                                    (WaitlistMode.promote.value, _l("Approve the first on the waitlist")),
                                    (WaitlistMode.offer.value, _l("Offer it to the first on the waitlist"))]),
                                validate_choice=True)
    invited_preapproved = BooleanField(_l("Invited delegates are approved at once"))
    passport_retention_days = IntegerField(_l("Delete passport data this many days after the event"),
                                           validators=[InputRequired(), NumberRange(min=0, max=365)])
    invitation_days = IntegerField(_l("Invitation links work for (days)"),
                                   validators=[InputRequired(), NumberRange(min=1, max=365)])
    participant_list = BooleanField(_l("Publish the participant list"),
                                    description=_l("Everyone can then see the approved delegates who agreed to "
                                                   "be listed: name, position, organisation, country and "
                                                   "delegation. Email addresses, phone numbers and categories "
                                                   "are never shown."))
    submit = SubmitField(_l("Save settings"))


class QuestionForm(FlaskForm):
    label = TranslatedField(_l("Question"), max_length=300, required=True)
    help = TranslatedField(_l("Help text"), max_length=500,
                           description=_l("Shown under the question, e.g. what the answer is used for."))
    kind = SelectField(_l("Kind of answer"), choices=select_choices([(QuestionKind.text.value, _l("Text")),
                                                                     (QuestionKind.choice.value, _l("One choice")),
                                                                     (QuestionKind.multi.value, _l("Several choices")),
                                                                     (QuestionKind.yesno.value, _l("Yes or no"))]),
                       validate_choice=True)
    choices = TranslatedField(_l("Choices, one per line (for choice questions)"), max_length=3000, multiline=True,
                              description=_l("The same choices in the same order in each language."))
    required = BooleanField(_l("An answer is required"))
    position = IntegerField(_l("Order"), default=0, validators=[Optional(), NumberRange(min=0, max=1000)])
    submit = SubmitField(_l("Add question"))

    def choice_list(self) -> list[dict]:
        """The choices as stored: the default language's lines make the choices; the
        n-th line of each other language translates the n-th choice."""
        field = self.choices
        value = field.data or Translated()
        lines = {lang: [line.strip()[:200] for line in value.get(lang).splitlines() if line.strip()]
                 for lang in field.languages}
        result = []
        for n, text in enumerate(lines.get(field.default_language, [])[:50]):
            item = {"key": f"c{n + 1}", field.default_language: text}
            item.update((lang, texts[n]) for lang, texts in lines.items()
                        if lang != field.default_language and n < len(texts))
            result.append(item)
        return result

    def validate_choices(self, field):
        if self.kind.data in (QuestionKind.choice.value, QuestionKind.multi.value) and len(self.choice_list()) < 2:
            raise ValidationError(_l("Give at least two choices, one per line."))


class BulkForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=DECISION_CHOICES, validate_choice=True)
    message = TranslatedField(_l("Message to the delegates (optional)"), max_length=1000, multiline=True, rows=3,
                              description=_l("Each delegate reads the version in their language."))
    submit = SubmitField(_l("Apply to the selected"))


LEGS = 3
LEG_MODES = select_choices([("", _l("Not used")), ("air", _l("Flight")), ("rail", _l("Train")),
                            ("bus", _l("Bus or coach")), ("car", _l("Car"))])
CABIN_CHOICES = select_choices([("economy", _l("Economy")), ("premium", _l("Premium economy")),
                                ("business", _l("Business")), ("first", _l("First"))])
UNKNOWN_PLACE = _l("We do not know this place: type a city or a three-letter airport code, e.g. ISB.")


class TravelForm(FlaskForm):
    """Flights and hotel; times are typed in the event's time zone and stored in UTC."""

    arrival_flight = text_field(_l("Arrival flight"), max_length=40, validators=[FLIGHT])
    arrival_at = LocalDateTimeField(_l("Arrival date and time (local time at the venue)"), validators=[Optional()],
                                    invalid=_l("Enter a date and time like 2027-04-20 14:30."))
    departure_flight = text_field(_l("Departure flight"), max_length=40, validators=[FLIGHT])
    departure_at = LocalDateTimeField(_l("Departure date and time (local time at the venue)"),
                                      validators=[Optional()],
                                      invalid=_l("Enter a date and time like 2027-04-20 14:30."))
    hotel = text_field(_l("Hotel"), max_length=200)
    airport_transfer = BooleanField(_l("I need an airport transfer"))
    travel_origin = text_field(
        _l("Where you travel from"), max_length=120, render_kw={"list": "place-suggestions", "autocomplete": "off"},
        description=_l("A city, or an airport by its three-letter code (e.g. ISB). Optional: without it, the "
                       "footprint of your trip is estimated from your delegation's capital."))
    trip_kind = RadioField(_l("Your trip"), choices=select_choices([("return", _l("Return")), ("oneway", _l("One way"))]),
                           default="return", validate_choice=True)
    submit = SubmitField(_l("Save travel details"))

    def __init__(self, *args, event=None, **kwargs):
        self.event = event  # before the fields read their values: it gives their time zone
        super().__init__(*args, **kwargs)
        obj = kwargs.get("obj")
        if obj is not None and not self.is_submitted():
            self.trip_kind.data = "return" if obj.travel_return else "oneway"
            for number, leg in enumerate((obj.travel_legs or [])[:LEGS], start=1):
                self[f"leg{number}_mode"].data = leg.get("mode", "")
                self[f"leg{number}_cabin"].data = leg.get("cabin") or "economy"
                self[f"leg{number}_to"].data = leg.get("to", "")

    def legs(self):
        """The (mode, cabin, to) fields of each leg, in order."""
        return [(self[f"leg{n}_mode"], self[f"leg{n}_cabin"], self[f"leg{n}_to"]) for n in range(1, LEGS + 1)]

    def validate_travel_origin(self, field):
        if field.data and places.resolve(field.data) is None:
            raise ValidationError(UNKNOWN_PLACE)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        used = [(mode, cabin, to) for mode, cabin, to in self.legs() if mode.data]
        if self.travel_origin.data and not used:
            self.leg1_mode.errors.append(_l("Choose how you travel on the first leg."))
            valid = False
        if used and not self.travel_origin.data:
            self.travel_origin.errors.append(_l("Say where the journey starts."))
            valid = False
        for number, (mode, _cabin, to) in enumerate(self.legs(), start=1):
            later = any(m.data for m, _c, _t in self.legs()[number:])
            if later and not mode.data:
                mode.errors.append(_l("Fill the legs in order, from the first."))
                valid = False
            elif later and not to.data:
                to.errors.append(_l("Say where this leg ends: the next leg starts there."))
                valid = False
            if to.data and places.resolve(to.data) is None:
                to.errors.append(UNKNOWN_PLACE)
                valid = False
        return valid

    def _near_the_event(self, field):
        if field.data is None or self.event is None:
            return
        day = to_zone(field.data, self.event.timezone).date()
        if not (self.event.start_date - timedelta(days=30) <= day <= self.event.end_date + timedelta(days=30)):
            raise ValidationError(_l("Choose a time within a month of the event."))

    def validate_arrival_at(self, field):
        self._near_the_event(field)

    def validate_departure_at(self, field):
        self._near_the_event(field)
        arrival = self.arrival_at.data
        if field.data is not None and arrival is not None and field.data <= arrival:
            raise ValidationError(_l("Departure cannot be before arrival."))

    def travel_data(self) -> dict:
        return {"arrival_flight": (self.arrival_flight.data or "").upper(), "arrival_at": self.arrival_at.data,
                "departure_flight": (self.departure_flight.data or "").upper(),
                "departure_at": self.departure_at.data, "hotel": self.hotel.data or "",
                "airport_transfer": bool(self.airport_transfer.data),
                "travel_origin": _place_text(self.travel_origin.data),
                "travel_legs": [{"mode": mode.data, "cabin": cabin.data if mode.data == "air" else "",
                                 "to": _place_text(to.data)} for mode, cabin, to in self.legs() if mode.data],
                "travel_return": self.trip_kind.data != "oneway"}


def _place_text(text: str | None) -> str:
    """A place as typed, with an airport code in capitals."""
    text = (text or "").strip()
    return text.upper() if len(text) == 3 and places.airport(text) is not None else text


def _add_leg_fields(form_class, count: int) -> None:
    for number in range(1, count + 1):
        setattr(form_class, f"leg{number}_mode", SelectField(
            _l("Leg %(number)s: how", number=number), choices=LEG_MODES, default="", validate_choice=True))
        setattr(form_class, f"leg{number}_cabin", SelectField(
            _l("Leg %(number)s: cabin class, for a flight", number=number), choices=CABIN_CHOICES,
            default="economy", validate_choice=True))
        setattr(form_class, f"leg{number}_to", text_field(
            _l("Leg %(number)s: to", number=number), max_length=120,
            render_kw={"list": "place-suggestions", "autocomplete": "off"},
            description=_l("Empty for the summit's city.")))


_add_leg_fields(TravelForm, LEGS)


class InvitationForm(FlaskForm):
    email = email_field(_l("Email of the invitee"))
    honorific = SelectField(lazy_pgettext("honorific", "Title"), choices=honorific_choices(), validate_choice=True)
    given_name = text_field(_l("Given name(s)"), max_length=120)
    family_name = text_field(_l("Family name"), max_length=120)
    locale = SelectField(_l("Language of the invitation"), choices=interface_language_choices, validate_choice=True)
    category = SelectField(_l("Category"), coerce=choice_id, validate_choice=True)
    delegation = SelectField(_l("Delegation (optional)"), coerce=choice_id, validate_choice=True)
    message = TranslatedField(_l("Personal message (optional)"), max_length=2000, multiline=True,
                              description=_l("Each invitee reads the version in the language of their invitation."))
    submit = SubmitField(_l("Send the invitation"))


class InvitationCsvForm(FlaskForm):
    file = FileField(_l("CSV file: email, given name, family name, title, language (one invitee per line)"),
                     render_kw={"accept": ".csv,text/csv"})
    category = SelectField(_l("Category"), coerce=choice_id, validate_choice=True)
    delegation = SelectField(_l("Delegation (optional)"), coerce=choice_id, validate_choice=True)
    message = TranslatedField(_l("Personal message (optional)"), max_length=2000, multiline=True,
                              description=_l("Each invitee reads the version in the language of their invitation."))
    submit = SubmitField(_l("Send the invitations"))

    def validate_file(self, field):
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            raise ValidationError(_l("Choose a CSV file."))
        data = upload.stream.read(2 * 1024 * 1024 + 1)
        if len(data) > 2 * 1024 * 1024:
            raise ValidationError(_l("The file is too large: at most 2 MB."))
        try:
            self.text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(_l("Save the file as CSV in UTF-8.")) from exc
        if "\x00" in self.text:
            raise ValidationError(_l("Save the file as CSV in UTF-8."))


class DelegationForm(FlaskForm):
    name = TranslatedField(lazy_pgettext("thing", "Name"), max_length=200, required=True,
                           description=_l("A country or an organisation, e.g. Pakistan, UNDP."))
    country = CountryField()
    category = SelectField(_l("Category of its members"), coerce=choice_id, validate_choice=True)
    head_email = StringField(_l("Email of the head of delegation (an existing account)"),
                             validators=[Optional(), Length(max=254)], filters=[strip_text])
    quota = IntegerField(_l("Quota of places (empty: no limit)"), validators=[Optional(), NumberRange(min=0, max=1000)])
    protocol_rank = IntegerField(_l("Protocol rank within its category (lower comes first)"), default=100,
                                 validators=[InputRequired(), NumberRange(min=0, max=10000)])
    submit = SubmitField(_l("Save delegation"))


class MemberForm(FlaskForm):
    """A member registered by the head of delegation; they complete the rest themselves."""

    email = email_field(_l("Member's email"))
    honorific = SelectField(lazy_pgettext("honorific", "Title"), choices=honorific_choices(), validate_choice=True)
    given_name = text_field(_l("Given name(s), as in the passport"), max_length=120, required=True)
    family_name = text_field(_l("Family name, as in the passport"), max_length=120, required=True)
    position = text_field(_l("Position"), max_length=200, required=True)
    nationality = CountryField(_l("Nationality"), required=True)
    submit = SubmitField(_l("Register the member"))

    def details(self) -> dict:
        return {name: getattr(self, name).data for name in ("honorific", "given_name", "family_name", "position",
                                                             "nationality")}


class HoldForm(FlaskForm):
    count = IntegerField(_l("Places to hold"), default=1, validators=[InputRequired(), NumberRange(min=1, max=100)])
    submit = SubmitField(_l("Hold places"))


class RankForm(FlaskForm):
    rank = IntegerField(_l("Protocol rank"), validators=[InputRequired(), NumberRange(min=0, max=10000)])
    submit = SubmitField(_l("Set"))
