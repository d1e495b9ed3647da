"""Bilateral forms: field checks only; the rules (windows, rooms, busy time) live in services."""
from __future__ import annotations

from datetime import datetime

from babel import Locale
from flask_babel import get_locale, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField,
                     SubmitField, TextAreaField, TimeField)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, ValidationError

from app.bilaterals.models import LAYOUT_LABELS, LEVEL_LABELS, Layout, Level
from app.bilaterals.services import LANGUAGE_CODES
from app.utils.forms import LocalDateTimeField, select_choices, strip_text, text_field
from app.utils.inputs import record_id

WINDOWS = 3
NOT_A_TIME = _l("Enter a date and time.")


def language_choices():
    reader = str(get_locale() or "en")
    return select_choices((code, Locale.parse(code).get_display_name(reader) or code) for code in LANGUAGE_CODES)


class Choices(SelectMultipleField):
    """A multiple choice whose wrong values give a field error (never a 500)."""

    def pre_validate(self, form):
        allowed = {choice[0] if isinstance(choice, tuple) else choice.value for choice in self.choices}
        if self.data and any(value not in allowed for value in self.data):
            raise ValidationError(_l("Choose only from the list."))


def _int_or_raw(value):
    try:
        return record_id(value)  # within the database's range
    except (TypeError, ValueError):
        return value


class IdField(SelectField):
    """A choice of a row by id: anything not a number is a field error; whether the id is
    one the person may choose is the service's question. The data is an int (so the chosen
    option stays selected when the form is shown again)."""

    def __init__(self, label, **kwargs):
        super().__init__(label, coerce=_int_or_raw, validate_choice=False, **kwargs)

    def post_validate(self, form, validation_stopped):
        if not validation_stopped and not isinstance(self.data, int):
            raise ValidationError(_l("Choose from the list."))


class WindowsMixin:
    """Up to three windows, each a start and an end in the event's time zone."""

    def windows(self) -> list[tuple[datetime, datetime]]:
        pairs = []
        for n in range(1, WINDOWS + 1):
            start, end = getattr(self, f"window{n}_start").data, getattr(self, f"window{n}_end").data
            if start is not None or end is not None:
                if start is None or end is None:
                    getattr(self, f"window{n}_end").errors.append(_l("Give both the start and the end."))
                    continue
                pairs.append((start, end))
        return pairs


def _window_fields(cls):
    for n in range(1, WINDOWS + 1):
        setattr(cls, f"window{n}_start", LocalDateTimeField(_l("Window %(n)d: from", n=n), validators=[Optional()],
                                                          invalid=NOT_A_TIME))
        setattr(cls, f"window{n}_end", LocalDateTimeField(_l("Window %(n)d: until", n=n), validators=[Optional()],
                                                        invalid=NOT_A_TIME))
    return cls


@_window_fields
class RequestForm(WindowsMixin, FlaskForm):
    requester_id = IdField(_l("Requesting delegation"))
    counterpart_id = IdField(_l("Meet with"), validators=[InputRequired(_l("Choose a delegation."))])
    level = SelectField(_l("Level"), choices=select_choices((lv.value, label) for lv, label in LEVEL_LABELS.items()),
                        default=Level.minister.value)
    minutes = IntegerField(_l("Length (minutes)"), default=45,
                           validators=[InputRequired(_l("Give the length in minutes.")),
                                       NumberRange(min=15, max=240)])
    requester_size = IntegerField(_l("People on your side"), default=3,
                                  validators=[InputRequired(_l("Give a number of people.")),
                                              NumberRange(min=1, max=40, message=_l("Between 1 and 40 people."))])
    counterpart_size = IntegerField(_l("People expected on their side"), default=3,
                                    validators=[InputRequired(_l("Give a number of people.")),
                                                NumberRange(min=1, max=40, message=_l("Between 1 and 40 people."))])
    attendees = Choices(_l("Who attends from your delegation"), choices=[],
                        description=_l("The head of the delegation always attends."))
    topic = TextAreaField(_l("Topic (confidential)"), filters=[strip_text], validators=[Length(max=2000)],
                          description=_l("Seen only by the two delegations and protocol."))
    languages = Choices(_l("Languages"), choices=[])
    interpretation = text_field(_l("Interpretation needed (language pairs)"), max_length=100,
                                description=_l("For example: en-ru, kk-en"))
    layout = SelectField(_l("Layout"), choices=select_choices((la.value, label) for la, label in LAYOUT_LABELS.items()),
                         default=Layout.square.value)
    equipment = text_field(_l("Equipment"), max_length=300)
    contact_name = text_field(_l("Contact person"), max_length=200, required=True)
    contact_email = StringField(_l("Contact email"), filters=[strip_text],
                                validators=[InputRequired(), Length(max=254),
                                            Email(message=_l("Enter a valid email address."),
                                                  check_deliverability=False)])
    submit = SubmitField(_l("Send the request"))

    def pairs(self) -> list[str]:
        return [p.strip().lower() for p in (self.interpretation.data or "").replace(";", ",").split(",") if p.strip()]


@_window_fields
class ProposeForm(WindowsMixin, FlaskForm):
    submit = SubmitField(_l("Propose these windows"))


class AcceptForm(FlaskForm):
    starts_at = RadioField(_l("Choose a time"), choices=[], validate_choice=False,
                           validators=[InputRequired(_l("Choose one of the times."))])
    submit = SubmitField(_l("Accept this time"))


class ConfirmForm(FlaskForm):
    room_id = IdField(_l("Room"), validators=[InputRequired(_l("Choose a room."))])
    starts_at = LocalDateTimeField(_l("Start (leave empty to keep the agreed time)"), validators=[Optional()],
                                   invalid=NOT_A_TIME)
    submit = SubmitField(_l("Book the room"))


class CancelForm(FlaskForm):
    reason = text_field(_l("Reason (told to both sides)"), max_length=200)
    submit = SubmitField(_l("Cancel the meeting"))


class InterpreterForm(FlaskForm):
    user_id = IdField(_l("Interpreter"), validators=[InputRequired(_l("Choose an interpreter."))])
    pair = SelectField(_l("Language pair"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Assign"))


class AnnounceForm(FlaskForm):
    announce = BooleanField(_l("Show “Meeting: A – B” on the public agenda if the other side agrees too"))
    submit = SubmitField(_l("Save"))


class DeputyForm(FlaskForm):
    user_id = IdField(_l("Member allowed to ask for and answer bilaterals"),
                      validators=[InputRequired(_l("Choose a member."))])
    submit = SubmitField(_l("Allow"))


class RoomForm(FlaskForm):
    room_id = IdField(_l("Room"), validators=[InputRequired(_l("Choose a room."))])
    seats = IntegerField(_l("Seats at the table"), default=12,
                         validators=[InputRequired(_l("Give a number of seats.")),
                                     NumberRange(min=2, max=200, message=_l("Between 2 and 200 seats."))])
    layout = SelectField(_l("Layout"), choices=select_choices((la.value, label) for la, label in LAYOUT_LABELS.items()))
    submit = SubmitField(_l("Keep for bilaterals"))


class RulesForm(FlaskForm):
    longest_minutes = IntegerField(_l("Longest meeting (minutes)"), validators=[
        InputRequired(), NumberRange(min=15, max=240, message=_l("Between 15 and 240 minutes."))])
    changeover_minutes = IntegerField(_l("Changeover between bookings (minutes)"), validators=[
        InputRequired(), NumberRange(min=0, max=120, message=_l("Between 0 and 120 minutes."))])
    opens_at = TimeField(_l("Rooms open at"), validators=[InputRequired()])
    closes_at = TimeField(_l("Rooms close at"), validators=[InputRequired()])
    special_hours = TextAreaField(_l("Other hours on some days"), filters=[strip_text], validators=[Length(max=2000)],
                              description=_l("One day a line: 2027-04-21 10:00-17:00, or 2027-04-21 closed."),
                              render_kw={"rows": 3})
    daily_cap = IntegerField(_l("Most meetings per delegation per day"), validators=[
        InputRequired(), NumberRange(min=1, max=50, message=_l("Between 1 and 50."))])
    submit = SubmitField(_l("Save the rules"))

    def validate_special_hours(self, field):
        self.parsed_day_hours = {}
        for line in (field.data or "").splitlines():
            if not line.strip():
                continue
            try:
                day, _sep, hours = line.strip().partition(" ")
                day = datetime.strptime(day, "%Y-%m-%d").date().isoformat()
                hours = hours.strip()
                if hours.lower() in ("closed", "-"):
                    self.parsed_day_hours[day] = []
                    continue
                opens, closes = (datetime.strptime(h.strip(), "%H:%M").strftime("%H:%M") for h in hours.split("-"))
            except ValueError:
                raise ValidationError(_l("Write each line as 2027-04-21 10:00-17:00.")) from None
            self.parsed_day_hours[day] = [opens, closes]
