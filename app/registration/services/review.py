"""Accreditation's view of the registrations: notes, history, duplicates, the
filtered list and its export."""
from __future__ import annotations

from operator import attrgetter

from flask_babel import lazy_gettext as _l, lazy_pgettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from app.accounts.labels import honorific_label
from app.audit.models import AuditEntry
from app.audit.services import record
from app.extensions import db
from app.registration import keys
from app.registration.labels import SHORT_LABELS
from app.registration.models import (Category, Delegation, Question, QuestionKind, Registration, RegistrationNote,
                                     RegistrationState)
from app.registration.services.delegations import delegations_named
from app.registration.services.settings import questions
from app.utils.countries import country_choices
from app.utils.languages import language_names
from app.utils.tabular import TableStream, reader_locale, stream_table


def add_note(registration: Registration, body: str, *, actor) -> RegistrationNote:
    """An organiser-only note; audited without its text."""
    note = RegistrationNote(registration_id=registration.id, author_id=actor.id, body=body)
    db.session.add(note)
    db.session.flush()
    record(actor=actor, action="registration.note", obj=registration, event=registration.event,
           summary=registration.full_name)
    return note


def notes(registration: Registration) -> list[RegistrationNote]:
    return list(db.session.scalars(select(RegistrationNote).options(joinedload(RegistrationNote.author))
                                   .where(RegistrationNote.registration_id == registration.id)
                                   .order_by(RegistrationNote.id)))


def history(registration: Registration):
    """The audit entries about this registration, oldest first."""
    return list(db.session.scalars(select(AuditEntry).options(joinedload(AuditEntry.actor)).where(
        AuditEntry.object_type == "Registration", AuditEntry.object_id == str(registration.id))
        .order_by(AuditEntry.id)))


def answer_text(question: Question, value) -> str:
    """A custom answer as one line of text (pages and exports)."""
    if value is None or value == "" or value == []:
        return ""
    if question.kind == QuestionKind.yesno:
        return str(_l("Yes")) if value in (True, "yes", "y") else str(_l("No"))
    if question.kind in (QuestionKind.choice, QuestionKind.multi):
        values = value if isinstance(value, list) else [value]
        return ", ".join(question.choice_text(v) for v in values)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


SORTS = {
    "newest": (Registration.id.desc(),),
    "oldest": (Registration.id,),
    "name": (Registration.family_name, Registration.given_name, Registration.id),
    "country": (Registration.country, Registration.family_name, Registration.id),
    "state": (Registration.state, Registration.id),
    "category": (Registration.category_id, Registration.family_name, Registration.id),
}


def is_duplicate(registration: Registration) -> bool:
    """Another live registration of the event has the same address, or the same names
    and date of birth (kept on write by app/registration/keys.py)."""
    return keys.is_duplicate(registration)


def _categories_named(event, search: str) -> list[int]:
    """Ids of the event's categories whose name, in any language, contains `search`
    (the few categories are read and compared here, so the words of the stored
    languages' codes never match)."""
    word = search.casefold()
    return [category.id for category in db.session.scalars(select(Category).where(Category.event_id == event.id))
            if word in category.name.searchable().casefold()]


def registration_query(event, filters: dict):
    """The officer list's statement for `filters` (state, category, country,
    delegation, visa, q, duplicates, other_address, travel="missing", sort), with what the page shows loaded."""
    stmt = (select(Registration).where(Registration.event_id == event.id)
            .options(joinedload(Registration.category), joinedload(Registration.delegation)))
    state = filters.get("state")
    if state in RegistrationState.__members__:
        stmt = stmt.where(Registration.state == RegistrationState(state))
    if filters.get("category"):
        stmt = stmt.where(Registration.category_id == filters["category"])
    if filters.get("country"):
        stmt = stmt.where(Registration.country == filters["country"])
    if filters.get("delegation"):
        stmt = stmt.where(Registration.delegation_id == filters["delegation"])
    if filters.get("visa") in ("yes", "no"):
        stmt = stmt.where(Registration.visa_letter_needed.is_(filters["visa"] == "yes"))
    if filters.get("other_address"):
        stmt = stmt.where(Registration.invitation_other_address.is_(True))
    if filters.get("travel") == "missing":
        stmt = stmt.where(Registration.state == RegistrationState.approved,
                          or_(Registration.arrival_at.is_(None), Registration.hotel == ""))
    search = (filters.get("q") or "").strip()[:100]
    if search:
        named = _categories_named(event, search)
        delegations = delegations_named(event, search)
        stmt = stmt.where(or_(keys.contains(search),
                              *([Registration.category_id.in_(named)] if named else []),
                              *([Registration.delegation_id.in_(delegations)] if delegations else [])))
    if filters.get("duplicates"):
        stmt = stmt.where(Registration.duplicate.is_(True), Registration.state != RegistrationState.cancelled)
    return stmt.order_by(*SORTS.get(filters.get("sort") or "newest", SORTS["newest"]))


# Column titles of the export, in the reader's language; the same words as the
# officer's pages where there are some.
EXPORT_COLUMNS = {
    "id": _l("Registration number"),
    "state": _l("State"),
    "category": _l("Category"),
    "delegation": _l("Delegation"),
    "honorific": lazy_pgettext("honorific", "Title"),
    "given_name": _l("Given name"),
    "family_name": _l("Family name"),
    "email": _l("Email"),
    "organisation": _l("Organisation"),
    "position": _l("Position"),
    "country": _l("Country code"),
    "country_name": _l("Country"),
    "nationality": _l("Nationality code"),
    "nationality_name": _l("Nationality"),
    "phone": _l("Phone"),
    "languages": _l("Language codes"),
    "language_names": _l("Languages"),
    "dietary": _l("Dietary requirements"),
    "accessibility": _l("Accessibility needs"),
    "arrival_date": _l("Arrival date"),
    "departure_date": _l("Departure date"),
    "visa_letter_needed": _l("Visa-support letter"),
    "public_listing": _l("Public participant list"),
    "arrival_flight": _l("Arrival flight"),
    "arrival_at": _l("Arrival (event time)"),
    "departure_flight": _l("Departure flight"),
    "departure_at": _l("Departure (event time)"),
    "hotel": _l("Hotel"),
    "airport_transfer": _l("Airport transfer"),
    "submitted_at": _l("Submitted (event time)"),
    "badge_version": _l("Badge version"),
}


PASSPORT_COLUMNS = {
    "passport_number": _l("Passport number"),
    "passport_expiry": _l("Passport expiry"),
    "date_of_birth": _l("Date of birth"),
    "place_of_birth": _l("Place of birth"),
}


def _memo(compute):
    """`compute` remembered per distinct argument for one export (a few countries,
    languages and titles repeat over thousands of rows)."""
    seen: dict = {}

    def lookup(key):
        try:
            return seen[key]
        except KeyError:
            value = seen[key] = compute(key)
            return value
        except TypeError:  # unhashable (a list of languages)
            return compute(key)

    return lookup


def _export_getters(event, keys, locale: str) -> list:
    """How the export reads each column from a row of the registration's columns."""
    countries = dict(country_choices(locale))
    categories = {c.id: str(c.name) for c in db.session.scalars(select(Category).where(Category.event_id == event.id))}
    delegations = {i: str(name) for i, name in db.session.execute(select(Delegation.id, Delegation.name)
                                                                  .where(Delegation.event_id == event.id)).tuples()}
    honorific = _memo(lambda code: honorific_label(code or ""))
    state = _memo(lambda value: str(SHORT_LABELS[value]))
    languages = _memo(lambda codes: language_names(list(codes), locale))
    getters = []
    for key in keys:
        if key in ("country_name", "nationality_name"):
            code = attrgetter(key.removesuffix("_name"))
            getters.append(lambda row, code=code: countries.get(code(row).upper(), code(row)) if code(row) else "")
        elif key == "language_names":
            getters.append(lambda row: languages(tuple(row.languages or ())))
        elif key == "state":
            getters.append(lambda row: state(row.state))
        elif key == "category":
            getters.append(lambda row: categories.get(row.category_id, ""))
        elif key == "delegation":
            getters.append(lambda row: delegations.get(row.delegation_id, "") if row.delegation_id else "")
        elif key == "honorific":
            getters.append(lambda row: honorific(row.honorific))
        else:
            getters.append(attrgetter(key))
    return getters


def _answer_getter(question: Question):
    """`answer_text` for one question; the words of a choice are looked up once per
    export (free text is not remembered: it rarely repeats)."""
    if question.kind not in (QuestionKind.yesno, QuestionKind.choice, QuestionKind.multi):
        return lambda value: answer_text(question, value)
    words = _memo(lambda value: answer_text(question, list(value) if isinstance(value, tuple) else value))
    return lambda value: words(tuple(value) if isinstance(value, list) else value)


# Registrations read from the database at a time by an export (a server-side cursor
# on PostgreSQL): memory holds one chunk, whatever the size of the event.
EXPORT_CHUNK = 2000
# The columns of a registration the export reads (not the whole row: travel legs,
# photo and the rest stay in the database).
_READ = {"category": "category_id", "delegation": "delegation_id", "country_name": "country",
         "nationality_name": "nationality", "language_names": "languages"}


def export_count(event, filters: dict) -> int:
    """How many registrations `filters` select (for the audit entry of an export)."""
    chosen = registration_query(event, filters).order_by(None).with_only_columns(Registration.id)
    return db.session.scalar(select(func.count()).select_from(chosen.subquery()))


def export_table(event, filters: dict, *, with_passport: bool) -> TableStream:
    """The registrations of the current filter for CSV/XLSX, titles, states, country
    and language names in the reader's language (next to the codes), dates and numbers
    typed, times in the event's zone; passport columns only when
    the reader may see them. Custom questions come last, titled by their label.

    The rows are a generator: the officer list's statement, reduced to the columns
    the export shows, is read in chunks of EXPORT_CHUNK when the rows are first asked
    for (a streamed CSV does so after the view has returned), so everything else it
    needs (questions, category and delegation names) is read here first."""
    qs = [(str(q.id), q) for q in questions(event)]
    columns = EXPORT_COLUMNS | (PASSPORT_COLUMNS if with_passport else {})
    locale = reader_locale()
    getters = _export_getters(event, columns, locale)
    read = dict.fromkeys(_READ.get(key, key) for key in columns) | {"answers": None}
    statement = (registration_query(event, filters)
                 .with_only_columns(*(getattr(Registration, name) for name in read))
                 .execution_options(yield_per=EXPORT_CHUNK))

    answers_of = [(key, _answer_getter(q)) for key, q in qs]

    def rows():
        # Plain rows of columns (no objects): read through the session's connection.
        for registration in db.session.connection().execute(statement):
            answers = registration.answers or {}
            yield [get(registration) for get in getters] + [text(answers.get(key)) for key, text in answers_of]

    return stream_table(list(columns.items()) + [(f"question_{q.id}", q.label) for _key, q in qs], rows(),
                        zone=event.timezone)


def record_export(event, fmt: str, count: int, *, actor) -> None:
    """Exports carry personal data: who took which one is audited."""
    record(actor=actor, action="registration.export", obj=event, event=event, summary=f"{fmt}: {count} rows")
