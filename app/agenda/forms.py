"""Agenda forms: field checks only; the rules (double bookings, scopes) live in services."""
from __future__ import annotations

from babel import Locale
from flask_babel import get_locale, lazy_gettext as _l, lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import (BooleanField, HiddenField, IntegerField, SelectField, SelectMultipleField,
                     SubmitField, TextAreaField, TimeField)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from app.agenda.models import SESSION_TYPE_LABELS, VISIBILITY_LABELS, SessionType, Visibility
from app.agenda.sdgs import SDG_NAMES, sdg_label
from app.utils.forms import LocalDateTimeField, TranslatedField, select_choices, strip_text, text_field
from app.utils.inputs import record_id

COLOUR = Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Use a colour like #1565c0."))
# Languages sessions are held or interpreted in; summits in the region use these most.
LANGUAGE_CODES = ("en", "ru", "kk", "uz", "ky", "tg", "tk", "zh", "ar", "fr", "es", "de", "tr")
SDG_CHOICES = select_choices((n, sdg_label(n)) for n in SDG_NAMES)


def language_choices():
    reader = str(get_locale() or "en")
    return select_choices((code, Locale.parse(code).get_display_name(reader) or code) for code in LANGUAGE_CODES)


def _room_choices(rooms):
    return select_choices((str(r.id), r.name) for r in rooms)


class MultiCheckField(SelectMultipleField):
    """A multiple choice whose wrong values give a field error (never a 500)."""

    def pre_validate(self, form):
        allowed = {choice.value for choice in self.choices}
        if self.data and any(value not in allowed for value in self.data):
            raise ValidationError(_l("Choose only from the list."))


class RoomForm(FlaskForm):
    name = TranslatedField(lazy_pgettext("thing", "Name"), max_length=120, required=True)
    capacity = IntegerField(_l("Capacity (seats)"), validators=[Optional(), NumberRange(min=0, max=100000)])
    location = TranslatedField(_l("Floor or location"), max_length=200)
    equipment = text_field(_l("Audio-visual equipment"), max_length=500)
    interpretation_languages = MultiCheckField(_l("Interpretation available in"), choices=[])
    opens_at = TimeField(_l("Opens at"), validators=[Optional()])
    closes_at = TimeField(_l("Closes at"), validators=[Optional()])
    position = IntegerField(_l("Order in the timetable"), default=0,
                            validators=[Optional(), NumberRange(min=0, max=1000)])
    submit = SubmitField(_l("Save room"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.interpretation_languages.choices = language_choices()

    def validate_closes_at(self, field):
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The room must close after it opens."))


class TrackForm(FlaskForm):
    name = TranslatedField(lazy_pgettext("thing", "Name"), max_length=120, required=True)
    colour = text_field(_l("Colour"), max_length=7, required=True, validators=[COLOUR], render_kw={"type": "color"})
    description = TranslatedField(_l("Description"), max_length=2000, multiline=True)
    sdgs = MultiCheckField(_l("Sustainable Development Goals"), choices=SDG_CHOICES, coerce=record_id)
    position = IntegerField(_l("Order"), default=0, validators=[Optional(), NumberRange(min=0, max=1000)])
    submit = SubmitField(_l("Save track"))


class SessionForm(FlaskForm):
    title = TranslatedField(_l("Title"), max_length=300, required=True)
    type = SelectField(_l("Type"), choices=[], default=SessionType.panel.value)
    track_id = SelectField(_l("Track"), choices=[], validate_choice=False)
    sdgs = MultiCheckField(_l("Sustainable Development Goals"), choices=SDG_CHOICES, coerce=record_id)
    room_id = SelectField(_l("Room"), choices=[], validate_choice=False)
    starts_at = LocalDateTimeField(_l("Starts (event time)"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                   validators=[InputRequired(message=_l("Enter a date and time."))],
                                   render_kw={"step": 300})
    ends_at = LocalDateTimeField(_l("Ends (event time)"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                 validators=[InputRequired(message=_l("Enter a date and time."))],
                                 render_kw={"step": 300})
    abstract = TranslatedField(_l("Abstract"), max_length=10000, multiline=True, rows=6,
                               description=_l("Markdown: *emphasis*, **bold**, lists and links."))
    languages = MultiCheckField(_l("Languages"), choices=[])
    capacity = IntegerField(_l("Capacity"), validators=[Optional(), NumberRange(min=0, max=100000)],
                            description=_l("Leave empty to use the room's capacity."))
    signup_required = BooleanField(_l("Delegates must sign up"))
    visibility = SelectField(_l("Visibility"), choices=[], default=Visibility.draft.value)
    categories = MultiCheckField(_l("Registration categories allowed"), coerce=record_id,
                                 description=_l("For restricted sessions: the delegates of these categories see it."))
    submit = SubmitField(_l("Save session"))

    def __init__(self, *args, event=None, rooms=(), tracks=(), categories=(), **kwargs):
        self.event = event  # its zone is the one of the times
        super().__init__(*args, **kwargs)
        self.categories.choices = select_choices((c.id, c.name) for c in categories)
        self.type.choices = select_choices((t.value, str(SESSION_TYPE_LABELS[t])) for t in SessionType)
        self.visibility.choices = select_choices((v.value, str(VISIBILITY_LABELS[v])) for v in Visibility)
        self.room_id.choices = _room_choices(rooms)
        self.track_id.choices = select_choices([("", _l("No track"))] + [(str(t.id), t.name) for t in tracks])
        self.languages.choices = language_choices()

    def validate_room_id(self, field):
        if not (field.data or "").isdigit():
            raise ValidationError(_l("Choose a room of this event."))

    def validate_track_id(self, field):
        if field.data and not field.data.isdigit():
            raise ValidationError(_l("Choose a track of this event."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if (self.visibility.data == Visibility.restricted.value and not self.categories.errors
                and not self.categories.data):
            self.categories.errors = list(self.categories.errors) + [
                str(_l("A restricted session needs at least one category."))]
            valid = False
        return valid

    @property
    def category_id_list(self) -> list[int]:
        return sorted(set(self.categories.data or []))


class MoveForm(FlaskForm):
    """The keyboard-friendly way to do what dragging does on the timetable."""

    room_id = SelectField(_l("Room"), choices=[], validate_choice=False)
    starts_at = LocalDateTimeField(_l("Starts (event time)"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                   validators=[InputRequired(message=_l("Enter a date and time."))],
                                   render_kw={"step": 300})
    ends_at = LocalDateTimeField(_l("Ends (event time)"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                 validators=[InputRequired(message=_l("Enter a date and time."))],
                                 render_kw={"step": 300})
    submit = SubmitField(_l("Move session"))

    def __init__(self, *args, event=None, rooms=(), **kwargs):
        self.event = event  # its zone is the one of the times
        super().__init__(*args, **kwargs)
        self.room_id.choices = _room_choices(rooms)

    def validate_room_id(self, field):
        if not (field.data or "").isdigit():
            raise ValidationError(_l("Choose a room of this event."))


class PublishForm(FlaskForm):
    """Publish the draft; while rooms or speakers are double-booked, only with "Publish anyway"
    ticked (`conflicts_seen` names the conflicts the page showed)."""

    publish_anyway = BooleanField(_l("Publish anyway, with these conflicts open"))
    conflicts_seen = HiddenField()
