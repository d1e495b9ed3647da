"""On-site forms: field validation only (the rules live in services)."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.checkin.badges import SIZE_LABELS
from app.checkin.services.letters import PLACEHOLDERS
from app.checkin.models import BadgeSize
from app.utils.forms import select_choices, strip_text, text_field

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class ScanForm(FlaskForm):
    """The desk's one field: a scanned QR, a typed short code, or part of a name."""

    code = StringField(_l("Scan a badge, type its code or search by name"),
                       validators=[InputRequired(), Length(max=400)], filters=[strip_text],
                       render_kw={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false",
                                  "autofocus": True, "enterkeyhint": "go"})
    session = HiddenField()
    confirm = HiddenField()  # "1": admit even on a day outside the event's days


class PickForm(FlaskForm):
    """Check in the person chosen from the search results, or confirmed after a warning
    (then `method` says how they were found first: qr, code or search)."""

    pick = HiddenField(validators=[InputRequired(), Length(max=200)])
    session = HiddenField()
    confirm = HiddenField()
    method = HiddenField()


class ReasonForm(FlaskForm):
    reason = text_field(_l("Reason (optional)"), max_length=300)


def _placeholder_check(form, field):
    unknown = sorted(set(re.findall(r"\{([a-z_]+)\}", field.data or "")) - set(PLACEHOLDERS))
    if unknown:
        raise ValidationError(_l("Unknown placeholders: %(names)s.", names=", ".join("{" + u + "}" for u in unknown)))


class SettingsForm(FlaskForm):
    badge_size = SelectField(_l("Badge size"), choices=select_choices((s.value, SIZE_LABELS[s]) for s in BadgeSize),
                             validators=[InputRequired()])
    letter_organisation = text_field(_l("Letterhead: organisation"), max_length=200)
    letter_address = text_field(_l("Letterhead: address"), max_length=500)
    letter_signatory = text_field(_l("Signed by"), max_length=200)
    letter_signatory_title = text_field(_l("Signatory's position"), max_length=200)
    letter_body_en = TextAreaField(_l("Letter text in English"), filters=[strip_text],
                                   validators=[Optional(), Length(max=6000), _placeholder_check],
                                   render_kw={"rows": 8})
    letter_body_ru = TextAreaField(_l("Letter text in Russian"), filters=[strip_text],
                                   validators=[Optional(), Length(max=6000), _placeholder_check],
                                   render_kw={"rows": 8})


def colour_value(raw: str | None) -> str | None:
    """A submitted category colour, or None when it is not #rrggbb."""
    raw = (raw or "").strip()
    return raw if COLOUR.match(raw) else None


class DeskForm(FlaskForm):
    """Make this device an offline desk: its name, as the supervisor will see it."""

    name = StringField(_l("Name of this desk"), validators=[InputRequired(), Length(max=80)], filters=[strip_text],
                       render_kw={"autocomplete": "off", "maxlength": 80})


class RevokeDeskForm(FlaskForm):
    """Revoke a desk (a button: the CSRF token is the whole form)."""
