"""On-site forms: field validation only (the rules live in services)."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.checkin.badges import SIZE_LABELS
from app.checkin.services.letters import PLACEHOLDERS
from app.checkin.models import BadgeSize
from app.utils.formatting import language_name
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
    desk_photos = BooleanField(
        _l("Offline desks keep a small photo of each delegate"),
        description=_l("Staff can compare the face with the badge without network. Each photo (about 4 KB) stays "
                       "on the desk's device until the officer logs out or the desk is revoked. Off: names only."))


# The letter settings written once per letter language: label, longest text, several lines.
TRANSLATED_SETTINGS = {
    "letter_organisation": (_l("Letterhead: organisation"), 200, False),
    "letter_address": (_l("Letterhead: address"), 500, False),
    "letter_signatory": (_l("Signed by"), 200, False),
    "letter_signatory_title": (_l("Signatory's position"), 200, False),
    "letter_addressee": (_l("Addressed to (the letter's first line)"), 300, False),
    "letter_body": (_l("Letter text"), 6000, True),
}


def settings_form(languages, event_languages, **kwargs) -> SettingsForm:
    """The badge and letter settings form, with one input per letter language for each
    text of the letter (`form.translated`: {setting: [(language, field)]})."""

    choices = select_choices((lang, language_name(lang)) for lang in event_languages)

    class LetterSettingsForm(SettingsForm):
        # Without a choice posted, the event's main language.
        badge_language = SelectField(_l("Badge language"), choices=choices, default=event_languages[0],
                                     description=_l("The category, the event's name and the country are printed "
                                                    "in this language."))
        badge_second_language = SelectField(_l("Second badge language (optional)"),
                                            choices=select_choices([("", "—")]) + choices, default="",
                                            description=_l("The category is printed once more, smaller, in "
                                                           "this language."))

    for name, (label, max_length, several_lines) in TRANSLATED_SETTINGS.items():
        for lang in languages:
            checks = [Optional(), Length(max=max_length)] + ([_placeholder_check] if several_lines else [])
            kind = TextAreaField if several_lines else StringField
            setattr(LetterSettingsForm, f"{name}__{lang}",
                    kind(language_name(lang), filters=[strip_text], validators=checks,
                         render_kw={"rows": 8, "lang": lang} if several_lines else {"lang": lang}))
    form = LetterSettingsForm(**kwargs)
    form.translated = {name: [(lang, form[f"{name}__{lang}"]) for lang in languages]
                       for name in TRANSLATED_SETTINGS}
    return form


def show_settings(form: SettingsForm, settings, event_languages) -> None:
    """Put the saved settings into the form's fields."""
    form.badge_size.data = settings.badge_size.value
    form.desk_photos.data = bool(settings.desk_photos)
    chosen = list(settings.badge_languages or [])
    form.badge_language.data = chosen[0] if chosen else event_languages[0]
    form.badge_second_language.data = chosen[1] if len(chosen) > 1 else ""
    for name, fields in form.translated.items():
        value = getattr(settings, name)
        for lang, field in fields:
            field.data = value.get(lang) if value else ""


def posted_badge_languages(form: SettingsForm) -> list[str]:
    """The badge languages chosen, first one first (the second left out when it repeats the first)."""
    first, second = form.badge_language.data, form.badge_second_language.data
    return [first] + ([second] if second and second != first else [])


def posted_texts(form: SettingsForm) -> dict[str, dict[str, str]]:
    """{setting: {language: text}} as submitted."""
    return {name: {lang: field.data or "" for lang, field in fields} for name, fields in form.translated.items()}


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
