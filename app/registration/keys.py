"""What registrations carry for the lists at scale, kept on write: their search text
(`search_text`, read by `contains`), and for likely duplicates their keys (the address
in lower case; given name, family name and date of birth) while live, and a flag
saying that another live registration of the event shares one of them. Each flush
that adds, changes or deletes registrations sets their keys and refreshes the flag of
the rows sharing a key they had or have (through the keys' indexes), so the list's
"duplicates" filter and the dashboard read the flag instead of grouping the event.

Connected by the wiring. Writes that bypass the session (bulk inserts in benchmarks
and tests) fill the keys themselves and call `refresh_event`.

Two people registering twins at the same moment, in two transactions, would each miss
the other's uncommitted row. On PostgreSQL a flush that writes a few keys first takes a
transaction-scoped advisory lock per key (in one order, so two writers never deadlock):
the second writer of a key waits for the first to commit, then sees its row and flags
both. (SQLite lets one writer at a time anyway.) A bulk write of many keys takes no
locks: imports run alone, and `refresh_event` settles them.
"""
from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy import and_, event as sa_event, exists, func, or_, select, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.registration.models import Registration, RegistrationState

_PENDING = "kurultai.duplicate_keys"
_table = Registration.__table__
# A flush writing more keys than this takes no advisory locks (each lock holds a slot of
# PostgreSQL's shared lock table until the transaction ends).
MAX_KEY_LOCKS = 16


def email_key(email: str | None, state) -> str | None:
    if state == RegistrationState.cancelled or not email:
        return None
    return email.lower()


def person_key(given: str | None, family: str | None, born: date | None, state) -> str | None:
    if state == RegistrationState.cancelled or born is None:
        return None
    return f"{(given or '').lower()}|{(family or '').lower()}|{born.isoformat()}"


# Between the parts of the search text: typed into no search, so a match never spans two
# parts except the given and family names, which are searched as a whole name too.
SEARCH_SEPARATOR = "\x1f"


def search_text_of(registration: Registration) -> str:
    parts = (f"{registration.given_name or ''} {registration.family_name or ''}", registration.email or "",
             registration.organisation or "")
    return SEARCH_SEPARATOR.join(parts).lower()[:700]


def contains(text: str):
    """The condition "the name, the address or the organisation contains `text`", in any
    case and alphabet (a trigram index on PostgreSQL answers it)."""
    word = text.replace(SEARCH_SEPARATOR, "").strip().lower()
    return Registration.search_text.like(f"%{word}%")


def keys_of(registration: Registration) -> tuple[str | None, str | None]:
    return (email_key(registration.email, registration.state),
            person_key(registration.given_name, registration.family_name, registration.date_of_birth,
                       registration.state))


def _flag_expression(table):
    """True when another row of the same event shares the row's email or person key."""
    other = table.alias("other")

    def shared(column: str):
        return and_(table.c[column].is_not(None),
                    exists().where(other.c.event_id == table.c.event_id, other.c[column] == table.c[column],
                                   other.c.id != table.c.id))

    return or_(shared("email_key"), shared("person_key"))


def _refresh(connection, event_id: int, emails: set, people: set, ids: set) -> None:
    conditions = []
    if emails:
        conditions.append(_table.c.email_key.in_(sorted(emails)))
    if people:
        conditions.append(_table.c.person_key.in_(sorted(people)))
    if ids:
        conditions.append(_table.c.id.in_(sorted(ids)))
    if conditions:
        connection.execute(update(_table).where(_table.c.event_id == event_id, or_(*conditions))
                           .values(duplicate=_flag_expression(_table)))


def lock_id(event_id: int, key: str) -> int:
    """A stable signed 64-bit number for (event, key), for pg_advisory_xact_lock."""
    digest = hashlib.blake2b(f"kurultai-registration-key:{event_id}:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _lock_keys(connection, pending: dict) -> None:
    if connection.dialect.name != "postgresql":
        return
    ids = sorted({lock_id(event_id, key) for event_id, (emails, people, _ids) in pending.items()
                  for key in (emails | people) - {None}})
    if not ids or len(ids) > MAX_KEY_LOCKS:
        return
    for number in ids:
        connection.execute(select(func.pg_advisory_xact_lock(number)))


def refresh_event(connection, event_id: int) -> None:
    """Recompute every flag of the event (after writes that bypassed the session): the
    shared keys grouped once, then two updates."""
    shared = [select(_table.c[column]).where(_table.c.event_id == event_id, _table.c[column].is_not(None))
              .group_by(_table.c[column]).having(func.count() > 1) for column in ("email_key", "person_key")]
    connection.execute(update(_table).where(_table.c.event_id == event_id, _table.c.duplicate.is_(True))
                       .values(duplicate=False))
    connection.execute(update(_table).where(_table.c.event_id == event_id,
                                            or_(_table.c.email_key.in_(shared[0]), _table.c.person_key.in_(shared[1])))
                       .values(duplicate=True))


def _before_flush(session: Session, _context, _instances) -> None:
    pending = session.info.setdefault(_PENDING, {})

    def note(event_id, email, person, row_id=None):
        emails, people, ids = pending.setdefault(event_id, (set(), set(), set()))
        if email:
            emails.add(email)
        if person:
            people.add(person)
        if row_id is not None:
            ids.add(row_id)

    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, Registration):
            continue
        search_text = search_text_of(obj)
        if obj.search_text != search_text:
            obj.search_text = search_text
        old = (obj.email_key, obj.person_key) if obj.id is not None else (None, None)
        new = keys_of(obj)
        if new != old or obj.id is None:
            obj.email_key, obj.person_key = new
            if _event_id(obj) is None:
                pending.setdefault(None, (set(), set(), []))[2].append(obj)
                continue
            note(_event_id(obj), *old)
            note(_event_id(obj), *new, obj.id)
    for obj in session.deleted:
        if isinstance(obj, Registration):
            note(_event_id(obj), obj.email_key, obj.person_key)


def _event_id(registration: Registration) -> int | None:
    if registration.event_id is not None:
        return registration.event_id
    return getattr(registration.event, "id", None)


def _after_flush_postexec(session: Session, _context) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    connection = session.connection()
    late = pending.pop(None, None)
    if late:  # registrations of an event written in the same flush: its id is known now
        for obj in late[2]:
            emails, people, _ids = pending.setdefault(obj.event_id, (set(), set(), set()))
            emails.add(obj.email_key)
            people.add(obj.person_key)
    _lock_keys(connection, pending)
    for event_id, (emails, people, ids) in pending.items():
        # Rows new in this flush are found by their keys.
        _refresh(connection, event_id, emails - {None}, people - {None}, ids)
    # The flags just written are read again when next used.
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Registration) and obj.event_id in pending:
            session.expire(obj, ["duplicate"])


def _after_rollback(session: Session) -> None:
    """A flush that failed leaves nothing to refresh."""
    session.info.pop(_PENDING, None)


def connect_session_hooks() -> None:
    """Called by the wiring (idempotent)."""
    for name, hook in (("before_flush", _before_flush), ("after_flush_postexec", _after_flush_postexec),
                       ("after_rollback", _after_rollback)):
        if not sa_event.contains(Session, name, hook):
            sa_event.listen(Session, name, hook)


# --- Reading --------------------------------------------------------------------------

def is_duplicate(registration: Registration) -> bool:
    return bool(registration.duplicate) and registration.state != RegistrationState.cancelled


def duplicate_groups(event) -> int:
    """How many keys more than one live registration of the event shares (the dashboard's
    "likely duplicates"), read from the flagged rows alone: two small queries."""
    flagged = (Registration.event_id == event.id, Registration.duplicate.is_(True))
    total = 0
    for column in (Registration.email_key, Registration.person_key):
        shared = (select(column).where(*flagged, column.is_not(None)).group_by(column)
                  .having(func.count(Registration.id) > 1).subquery())
        total += db.session.scalar(select(func.count()).select_from(shared)) or 0
    return total
