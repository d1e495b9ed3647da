"""Visa-support letters: issue, regenerate, revoke, verify, and the PDF.

A letter is written in English, Russian or Kazakh, whatever language the reader
of the site uses: the consulate reads it, not the delegate. So its wording (the
organisers' text with {placeholders}, or the built-in one) and its labels come
from the tables below, not from the site's translation catalogue; the event's
name, city and venue, the letterhead, the signatory and the addressed consulate
are the versions in the letter's language (the event's default when one is
missing), and dates and country names are written in that language.

Verification: the letter's QR code and printed address hold a signed token
naming the letter's public id; /verify/<token> shows only the holder's name,
the reference and whether the letter is valid.
"""
from __future__ import annotations

import re
from collections import namedtuple
from datetime import date, timedelta

from babel.dates import format_date
from flask import current_app
from flask_babel import force_locale, lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, insert, or_, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import joinedload

from app.accounts.labels import formal_name, printed_honorific
from app.accounts.models import User
from app.audit.services import record
from app.checkin import signals
from app.checkin.badges import _rgb, draw_qr, new_document
from app.checkin.models import Badge, LetterState, OnsiteSettings, VisaLetter, new_public_id
from app.checkin.services.desk import event_today
from app.checkin.services.errors import OnsiteError
from app.checkin.services.settings import settings_for
from app.extensions import db
from app.i18n import formatting_locale
from app.mail.services import language_of, queue_for_user, queue_many_for_users
from app.registration.models import Registration, RegistrationState as RS
from app.utils.countries import country_name
from app.utils.locks import serialising
from app.utils.time import utcnow
from app.utils.translated import Translated, text_in
from app.utils.urls import external_url

TOKEN_SALT = "kurultai.visa-letter.v1"
LANGUAGES = ("en", "ru", "kk")
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

# The consulate the letter is addressed to when the settings name none (its first line).
DEFAULT_ADDRESSEE = {
    "en": "To the Consular Section of the Embassy of the Republic of Kazakhstan",
    "ru": "В консульский отдел Посольства Республики Казахстан",
    "kk": "Қазақстан Республикасы Елшілігінің консулдық бөліміне",
}

DEFAULT_BODY = {
    "en": (
        "{addressee}\n\n"
        "The organisers of the {event} confirm that {name}, a citizen of {nationality}, born on {date_of_birth}, "
        "holder of passport No. {passport_number} valid until {passport_expiry}, {position} at {organisation}, "
        "is registered as a participant of the {event}, which takes place in {city} from {event_start} to "
        "{event_end}.\n\n"
        "We kindly ask you to issue an entry visa for the period of stay from {arrival} to {departure}.\n\n"
        "This letter is issued only to support the visa application."),
    "ru": (
        "{addressee}\n\n"
        "Организаторы мероприятия «{event}» подтверждают, что {name}, гражданство: {nationality}, дата рождения "
        "{date_of_birth}, паспорт № {passport_number}, действителен до {passport_expiry}, {position}, "
        "{organisation}, имеет статус зарегистрированного участника мероприятия «{event}», которое проходит "
        "в городе {city} с {event_start} по {event_end}.\n\n"
        "Просим выдать въездную визу на период пребывания с {arrival} по {departure}.\n\n"
        "Настоящее письмо выдано исключительно для оформления визы."),
    "kk": (
        "{addressee}\n\n"
        "«{event}» іс-шарасының ұйымдастырушылары {nationality} азаматы {name} (туған күні: {date_of_birth}; "
        "паспорт № {passport_number}, жарамдылық мерзімі: {passport_expiry}; {organisation}, {position}) "
        "{city} қаласында {event_start} – {event_end} аралығында өтетін «{event}» іс-шарасына қатысушы ретінде "
        "тіркелгенін растайды.\n\n"
        "Болу мерзіміне ({arrival} – {departure}) кіру визасын беруіңізді сұраймыз.\n\n"
        "Бұл хат тек визаны рәсімдеу үшін берілді."),
}

LABELS = {
    "en": {"title": "VISA SUPPORT LETTER", "reference": "Reference", "date": "Date", "details": "Participant",
           "name": "Full name", "nationality": "Nationality", "born": "Date of birth",
           "passport": "Passport No.", "expiry": "Passport valid until", "stay": "Dates of stay",
           "verify": "Check that this letter is genuine: scan the code or open", "signature": "Signature"},
    "ru": {"title": "ВИЗОВОЕ ПИСЬМО ПОДДЕРЖКИ", "reference": "Исх. №", "date": "Дата", "details": "Участник",
           "name": "Фамилия и имя", "nationality": "Гражданство", "born": "Дата рождения",
           "passport": "Паспорт №", "expiry": "Паспорт действителен до", "stay": "Период пребывания",
           "verify": "Проверить подлинность письма: отсканируйте код или откройте", "signature": "Подпись"},
    "kk": {"title": "ВИЗАЛЫҚ ҚОЛДАУ ХАТЫ", "reference": "Шығыс нөмірі", "date": "Күні", "details": "Қатысушы",
           "name": "Аты-жөні", "nationality": "Азаматтығы", "born": "Туған күні",
           "passport": "Паспорт №", "expiry": "Жарамдылық мерзімі", "stay": "Болу мерзімі",
           "verify": "Хаттың түпнұсқалығын тексеру: кодты сканерлеңіз немесе ашыңыз",
           "signature": "Қолы"},
}

PLACEHOLDERS = ("name", "nationality", "date_of_birth", "place_of_birth", "passport_number", "passport_expiry",
                "organisation", "position", "arrival", "departure", "event", "city", "venue", "event_start",
                "event_end", "reference", "addressee")


class LetterTokenError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# --- Who needs one -----------------------------------------------------------------

def current_letter(registration: Registration) -> VisaLetter | None:
    """The registration's newest letter that is still issued (not revoked or superseded)."""
    return db.session.scalar(select(VisaLetter).where(VisaLetter.registration_id == registration.id,
                                                      VisaLetter.state == LetterState.issued)
                             .order_by(VisaLetter.id.desc()).limit(1))


def delegate_documents(registration: Registration):
    """The delegate's current visa-support letter and badge (each None when there is
    none): what their registration page offers."""
    badge = db.session.scalar(select(Badge).where(Badge.registration_id == registration.id))
    return current_letter(registration), badge


def has_passport(registration: Registration) -> bool:
    return bool(registration.passport_number and registration.passport_expiry and registration.date_of_birth)


def may_issue(registration: Registration) -> bool:
    return registration.state == RS.approved and registration.visa_letter_needed and has_passport(registration)


def _holds_a_letter():
    """The registration holds a valid letter (an anti-join, by the letters' registration index)."""
    return (select(VisaLetter.id).where(VisaLetter.registration_id == Registration.id,
                                        VisaLetter.state == LetterState.issued).exists())


def _name_contains(columns, search: str):
    like = f"%{search.strip()[:100].lower()}%"
    return or_(*(func.lower(column).like(like) for column in columns))


def waiting_query(event, search: str = ""):
    """Approved delegates who asked for a letter and hold no valid one, by name."""
    statement = (select(Registration).options(joinedload(Registration.category))
                 .where(Registration.event_id == event.id, Registration.state == RS.approved,
                        Registration.visa_letter_needed.is_(True), ~_holds_a_letter()))
    if search.strip():
        statement = statement.where(_name_contains((Registration.given_name, Registration.family_name,
                                                    Registration.given_name + " " + Registration.family_name),
                                                   search))
    return statement.order_by(Registration.family_name, Registration.given_name, Registration.id)


def _issuable(statement):
    return statement.where(Registration.passport_number != "", Registration.passport_expiry.is_not(None),
                           Registration.date_of_birth.is_not(None))


def letters_query(event, search: str = ""):
    """Every letter of the event, issued, replaced or revoked, newest first."""
    statement = (select(VisaLetter).options(joinedload(VisaLetter.registration), joinedload(VisaLetter.issued_by))
                 .where(VisaLetter.event_id == event.id))
    if search.strip():
        statement = statement.where(or_(_name_contains((VisaLetter.holder_name,), search),
                                        func.lower(VisaLetter.reference) == search.strip().lower()))
    return statement.order_by(VisaLetter.id.desc())


def any_issuable(event, *, seen=(), seen_all: bool = False) -> bool:
    """Whether "issue every letter" has anything to do: yes if one of the waiting delegates
    already `seen` may have one, no if they were every one waiting (`seen_all`), else one
    query."""
    if any(may_issue(registration) for registration in seen):
        return True
    if seen_all:
        return False
    return bool(db.session.scalar(select(_issuable(waiting_query(event)).order_by(None)
                                         .with_only_columns(Registration.id).limit(1).exists())))


def letter_overview(event) -> tuple[list[Registration], list[VisaLetter]]:
    """(approved delegates who asked for a letter and have none issued, every letter issued or
    revoked), each in one query (whole lists: the page reads them a page at a time)."""
    return (list(db.session.scalars(waiting_query(event)).unique()),
            list(db.session.scalars(letters_query(event)).unique()))


# --- Issue, regenerate, revoke -----------------------------------------------------

def _reference(event, number: int) -> str:
    prefix = re.sub(r"[^A-Z0-9]", "", event.slug.upper())[:10] or "EVENT"
    return f"{prefix}-VL-{number:04d}"


@serialising("letters")
def _serialise_letters(event) -> None:
    """Hold the event's letters until the transaction ends: two officers issuing at once
    (one letter, or every waiting one) take turns, and the second sees the first one's
    letters, so nobody gets two and the numbers follow on.

    PostgreSQL: SELECT ... FOR UPDATE on the event's on-site settings row. SQLite: a write
    to that row (SQLite allows one writer at a time, which holds every other writer back)."""
    settings = settings_for(event)
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(OnsiteSettings.id).where(OnsiteSettings.id == settings.id)
                           .with_for_update(key_share=True))
    else:
        db.session.execute(update(OnsiteSettings).where(OnsiteSettings.id == settings.id)
                           .values(event_id=OnsiteSettings.event_id).execution_options(synchronize_session=False))


def _letters_so_far(event) -> int:
    return db.session.scalar(select(func.count(VisaLetter.id)).where(VisaLetter.event_id == event.id)) or 0


def _add_with_reference(letter: VisaLetter, event) -> None:
    """Number letters 1, 2, 3... per event (under the event's letter lock, so the number
    is free; a letter numbered by hand in the database is stepped over)."""
    count = _letters_so_far(event)
    for attempt in range(1, 6):
        letter.reference = _reference(event, count + attempt)
        try:
            with db.session.begin_nested():
                db.session.add(letter)
            return
        except IntegrityError:
            if letter in db.session:
                db.session.expunge(letter)
    raise OnsiteError(_l("Too many letters are being issued at once: try again."))


def issue_letter(registration: Registration, *, actor) -> VisaLetter:
    """A new letter for an approved delegate who asked for one; an earlier letter of
    theirs is superseded (its verification then says so). Audited; the delegate is
    emailed that it is ready."""
    if not may_issue(registration):
        if registration.state != RS.approved:
            raise OnsiteError(_l("Letters are issued to approved delegates only."))
        if not registration.visa_letter_needed:
            raise OnsiteError(_l("This delegate did not ask for a visa-support letter."))
        raise OnsiteError(_l("The passport details are incomplete: number, expiry date and date of birth are "
                             "needed."))
    event = registration.event
    _serialise_letters(event)
    previous = current_letter(registration)
    if previous is not None:
        previous.state = LetterState.superseded
        previous.revoked_at = utcnow()
    last_day = registration.departure_date or event.end_date
    db.session.flush()
    letter = VisaLetter(event_id=event.id, registration_id=registration.id, public_id=new_public_id(),
                        reference="", holder_name=registration.full_name,
                        valid_until=max(last_day, event.end_date) + timedelta(days=1),
                        issued_by_id=getattr(actor, "id", None), state=LetterState.issued)
    _add_with_reference(letter, event)
    record(actor=actor, action="visa_letter.regenerate" if previous else "visa_letter.issue", obj=letter,
           event=event, summary=f"{letter.reference} {letter.holder_name}")
    _announce_letter(letter, registration, replaced=previous is not None)
    return letter


def _announce_letter(letter: VisaLetter, registration: Registration, *, replaced: bool) -> None:
    """The delegate learns by email, in their language, that the letter is ready."""
    user = registration.user
    if user is None:
        return
    with force_locale(language_of(user)):  # the title before the name in the reader's language
        name = registration.formal_name or user.display_name
    queue_for_user(user, "visa_letter_issued", event=registration.event, name=name, reference=letter.reference,
                   replaced=replaced,
                   status_url=external_url("registration.my_registration", slug=registration.event.slug))


# What a bulk email needs of its reader's account (read as plain columns, not as accounts).
_Recipient = namedtuple("_Recipient", "id email locale")


class _Greetings:
    """The name each delegate is greeted by in the language they are written to, with
    the title translated once per language and title rather than once per person."""

    def __init__(self) -> None:
        self._titles: dict[tuple[str, str], str] = {}

    def __call__(self, locale: str, honorific: str, given: str, family: str, fallback: str) -> str:
        key = (locale, honorific or "")
        if key not in self._titles:
            with force_locale(locale):
                self._titles[key] = printed_honorific(honorific) if honorific else ""
        return formal_name(honorific, given, family, title=self._titles[key]) or fallback


def issue_waiting(event, *, actor) -> list[int]:
    """A letter for every approved delegate who asked for one, has complete passport
    details and holds no valid letter yet, numbered on from the event's last letter;
    returns the new letters' ids. Set-based: the delegates in one query, the letters,
    their emails (each template rendered once per language) and their webhooks
    (`signals.letters_issued`) written in bulk, one audit entry with the count, whatever
    the number of letters. Two officers at once take turns: the second finds nobody
    left waiting."""
    _serialise_letters(event)
    waiting = _issuable(waiting_query(event)).order_by(None).with_only_columns(Registration.id).subquery()
    people = db.session.execute(
        select(Registration.id, Registration.honorific, Registration.given_name, Registration.family_name,
               Registration.departure_date, User.id.label("user_id"), User.email, User.locale,
               User.given_name.label("user_given_name"), User.family_name.label("user_family_name"))
        .join(waiting, waiting.c.id == Registration.id).outerjoin(User, User.id == Registration.user_id)
        .order_by(Registration.family_name, Registration.given_name, Registration.id)).all()
    if not people:
        return []
    count, last_id = db.session.execute(select(func.count(VisaLetter.id), func.max(VisaLetter.id))
                                        .where(VisaLetter.event_id == event.id)).one()
    now, actor_id = utcnow(), getattr(actor, "id", None)
    rows = [dict(event_id=event.id, registration_id=person.id, public_id=new_public_id(),
                 reference=_reference(event, count + number),
                 holder_name=" ".join(p for p in (person.given_name, person.family_name) if p),
                 valid_until=max(person.departure_date or event.end_date, event.end_date) + timedelta(days=1),
                 issued_at=now, issued_by_id=actor_id, state=LetterState.issued, revoke_reason="")
            for number, person in enumerate(people, start=1)]
    try:
        with db.session.begin_nested():
            # No RETURNING: the driver then sends the rows as one prepared statement many
            # times, instead of statements of a thousand rows it would have to parse.
            db.session.execute(insert(VisaLetter.__table__), rows)
    except IntegrityError as exc:  # a letter numbered outside the application
        raise OnsiteError(_l("Too many letters are being issued at once: try again.")) from exc
    # The event's letters are held by this transaction: the ones after its last are these.
    ids = list(db.session.scalars(select(VisaLetter.id).where(VisaLetter.event_id == event.id,
                                                              VisaLetter.id > (last_id or 0))
                                  .order_by(VisaLetter.id)))
    _refresh_statistics(len(rows))
    record(actor=actor, action="visa_letter.issue_all", obj=event, event=event,
           summary=f"{len(rows)}: {rows[0]['reference']} – {rows[-1]['reference']}")
    greet = _Greetings()
    recipients = []
    for person, row in zip(people, rows):
        if person.user_id is None:
            continue
        user = _Recipient(person.user_id, person.email, person.locale)
        account_name = " ".join(p for p in (person.user_given_name, person.user_family_name) if p) or person.email
        recipients.append((user, {"name": greet(language_of(user), person.honorific, person.given_name,
                                                person.family_name, account_name),
                                  "reference": row["reference"]}))
    queue_many_for_users("visa_letter_issued", recipients, event=event, slots=("name", "reference"),
                         replaced=False, status_url=external_url("registration.my_registration", slug=event.slug))
    signals.letters_issued.send(event, letter_ids=ids)
    return ids


def _refresh_statistics(added: int) -> None:
    """After thousands of letters at once, PostgreSQL's planner still believes the table
    holds the few rows of its last statistics until autovacuum passes, and would check
    "holds no letter" row by row for every waiting delegate: the statistics are renewed
    at once (they count this transaction's rows). Where the database refuses, autovacuum
    does it later."""
    if added < 500 or db.session.get_bind().dialect.name != "postgresql":
        return
    try:
        with db.session.begin_nested():
            db.session.execute(text("ANALYZE visa_letters"))
    except DBAPIError:
        pass


def revoke_letter(letter: VisaLetter, *, actor, reason: str = "") -> None:
    """The letter stops being valid; its verification page says it was revoked. Audited."""
    if letter.state != LetterState.issued:
        raise OnsiteError(_l("This letter is no longer valid."))
    letter.state = LetterState.revoked
    letter.revoked_at = utcnow()
    letter.revoke_reason = (reason or "")[:300]
    db.session.flush()
    record(actor=actor, action="visa_letter.revoke", obj=letter, event=letter.event,
           summary=f"{letter.reference} {reason}".strip()[:500])


# --- Verification ------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def letter_token(letter: VisaLetter) -> str:
    return _serializer().dumps(letter.public_id)


def verify_url(letter: VisaLetter) -> str:
    return external_url("checkin.verify_letter", token=letter_token(letter))


def letter_from_token(token: str) -> VisaLetter:
    """The letter a verification token names; LetterTokenError for a forged or unknown one."""
    try:
        public_id = _serializer().loads(token)
    except BadSignature as exc:
        raise LetterTokenError(_l("This verification link is not genuine: it was changed or made up.")) from exc
    letter = db.session.scalar(select(VisaLetter).options(joinedload(VisaLetter.event))
                               .where(VisaLetter.public_id == str(public_id)))
    if letter is None:
        raise LetterTokenError(_l("No letter matches this verification link."))
    return letter


def letter_status(letter: VisaLetter, *, today: date | None = None) -> str:
    """valid, expired, revoked or superseded."""
    if letter.state == LetterState.revoked:
        return "revoked"
    if letter.state == LetterState.superseded:
        return "superseded"
    today = today or event_today(letter.event)
    return "expired" if letter.valid_until < today else "valid"


# --- The PDF -----------------------------------------------------------------------

def fill(template: str, values: dict[str, str]) -> str:
    """Replace {placeholders} with values; unknown ones are left as typed (never evaluated)."""
    def value(match):
        text = str(values.get(match.group(1), match.group(0)))
        # A Russian date ("24 апреля 2027 г.") closing a sentence would end it with two dots.
        if text.endswith(".") and template.startswith(".", match.end()):
            return text[:-1]
        return text

    return PLACEHOLDER.sub(value, template)


def letter_values(letter: VisaLetter, lang: str, settings=None) -> dict[str, str]:
    registration, event = letter.registration, letter.event
    settings = settings if settings is not None else settings_for(event)

    def day(value):
        return format_date(value, "long", locale=formatting_locale(lang)) if value else "—"

    city = text_in(event.city, lang)
    with force_locale(lang):  # the title before the name in the letter's language
        name = registration.formal_name or letter.holder_name
    return {
        "name": name,
        "nationality": country_name(registration.nationality, lang) or "—",
        "date_of_birth": day(registration.date_of_birth),
        "place_of_birth": registration.place_of_birth or "—",
        "passport_number": registration.passport_number or "—",
        "passport_expiry": day(registration.passport_expiry),
        "organisation": registration.organisation or "—",
        "position": registration.position or "—",
        "arrival": day(registration.arrival_date or event.start_date),
        "departure": day(registration.departure_date or event.end_date),
        "event": text_in(event.title, lang), "city": city, "venue": text_in(event.venue, lang) or city,
        "event_start": day(event.start_date), "event_end": day(event.end_date),
        "reference": letter.reference,
        # The addressee opens a sentence of the letter: only this language's version will do.
        "addressee": _exactly(settings.letter_addressee, lang) or DEFAULT_ADDRESSEE[lang],
    }


def _exactly(value, lang: str) -> str:
    """A setting's version in `lang` only ("" when it has none)."""
    return value.get(lang) if isinstance(value, Translated) else (value or "")


def letter_pdf(letter: VisaLetter, lang: str = "en") -> bytes:
    """The letter on the event's letterhead, in English, Russian or Kazakh."""
    lang = lang if lang in LANGUAGES else "en"
    if letter.state != LetterState.issued:
        raise OnsiteError(_l("This letter is no longer valid."))
    if not has_passport(letter.registration):
        raise OnsiteError(_l("The passport details were deleted: this letter can no longer be printed."))
    event = letter.event
    settings = settings_for(event)
    labels = LABELS[lang]
    values = letter_values(letter, lang, settings)
    # The organisers' text in this language only: another language's text would mix languages.
    body = _exactly(settings.letter_body, lang) or DEFAULT_BODY[lang]

    pdf = new_document(unit="mm", format="A4")
    pdf.set_title(f"{labels['title']} {letter.reference}")
    pdf.set_margins(20, 18, 20)
    pdf.add_page()
    width = pdf.w - 40
    # Letterhead
    pdf.set_fill_color(*_rgb(event.primary_colour))
    pdf.rect(0, 0, pdf.w, 6, style="F")
    pdf.set_xy(20, 14)
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(width, 7, text_in(settings.letter_organisation, lang) or values["event"],
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    pdf.set_text_color(70, 70, 70)
    address = (text_in(settings.letter_address, lang)
               or ", ".join(p for p in (text_in(event.venue, lang), values["city"]) if p))
    if address:
        pdf.multi_cell(width, 4.5, address, new_x="LMARGIN", new_y="NEXT")
    if event.contact_email:
        pdf.cell(width, 4.5, event.contact_email, new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*_rgb(event.primary_colour))
    pdf.line(20, pdf.get_y() + 2, pdf.w - 20, pdf.get_y() + 2)
    pdf.ln(6)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("DejaVu", "", 10)
    pdf.cell(width / 2, 5, f"{labels['reference']}: {letter.reference}")
    issued = format_date(letter.issued_at.date(), "long", locale=formatting_locale(lang))
    pdf.cell(width / 2, 5, f"{labels['date']}: {issued}",
             align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("DejaVu", "B", 13)
    pdf.cell(width, 8, labels["title"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 11)
    # Ranged left: justified lines of long names and passport numbers open wide gaps.
    pdf.multi_cell(width, 5.6, fill(body, values), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    # The passport details, as a table the consulate can check at a glance
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(width, 6, labels["details"], new_x="LMARGIN", new_y="NEXT")
    rows = [(labels["name"], values["name"]), (labels["nationality"], values["nationality"]),
            (labels["born"], values["date_of_birth"]), (labels["passport"], values["passport_number"]),
            (labels["expiry"], values["passport_expiry"]),
            (labels["stay"], f"{values['arrival']} – {values['departure']}")]
    pdf.set_draw_color(180, 180, 180)
    for label, value in rows:
        pdf.set_font("DejaVu", "", 9.5)
        pdf.cell(55, 6.5, label, border=1)
        pdf.set_font("DejaVu", "B", 9.5)
        pdf.cell(width - 55, 6.5, value, border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("DejaVu", "", 10.5)
    for line in (text_in(settings.letter_signatory, lang), text_in(settings.letter_signatory_title, lang)):
        if line:
            pdf.cell(width, 5.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(120, 120, 120)
    pdf.cell(width, 8, f"{labels['signature']}: ______________________", new_x="LMARGIN", new_y="NEXT")
    # Verification block at the foot of the page
    url = verify_url(letter)
    top = pdf.h - 48
    draw_qr(pdf, url, 20, top, 30)
    pdf.set_text_color(60, 60, 60)
    pdf.set_font("DejaVu", "", 8.5)
    pdf.set_xy(55, top + 4)
    pdf.multi_cell(width - 35, 4.5, f"{labels['verify']}:", new_x="LEFT", new_y="NEXT")
    pdf.set_font("DejaVu", "", 7)
    pdf.multi_cell(width - 35, 3.8, url, new_x="LEFT", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 8.5)
    pdf.multi_cell(width - 35, 4.5, f"{labels['reference']}: {letter.reference}")
    return bytes(pdf.output())
