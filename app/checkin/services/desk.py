"""The check-in desk: what a scan, a typed code or a name finds, admission at the
entrance or a session's door, and the live counts. The desk writes check-in rows,
not audit entries (the row is the record)."""
from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, Signer, URLSafeSerializer
from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.accounts.labels import formal_name
from app.agenda.services import current_publication, current_publication_token
from app.checkin import badges, signing
from app.checkin.models import Badge, CheckIn, CheckInMethod
from app.checkin.services import counts
from app.checkin.services.keys import public_key_clause, read_badge_token
from app.extensions import db
from app.personal.models import SignupState
from app.personal.services import signup_state
from app.registration.keys import contains as registration_contains
from app.registration.models import Category, Registration, RegistrationState as RS
from app.utils.time import local_today, to_zone, utcnow
from app.utils.formatting import date_range, local_date

VENUE = "venue"
SEARCH_LIMIT = 20
SHORT_CODE = re.compile(r"^[A-Za-z0-9]{4}[-\s]?[A-Za-z0-9]{4}$")


def event_today(event) -> date:
    return local_today(event.timezone)


# Delegates collect their badges the day before the opening (most arrive the evening
# before), so the desk admits people from then to the last day without asking.
EARLY_PICKUP = timedelta(days=1)


def desk_days(event) -> tuple[date, date]:
    """The first and last day (in the event's time zone) the desk admits people without asking."""
    return event.start_date - EARLY_PICKUP, event.end_date


def off_day_warning(event, today: date) -> str | None:
    """What the desk says before admitting anyone on a day outside `desk_days`, else None."""
    first, last = desk_days(event)
    if first <= today <= last:
        return None
    return str(_l("Today, %(today)s, is not a day of the event (%(dates)s). Check in anyway?",
                  today=local_date(today), dates=date_range(event.start_date, event.end_date)))




def _pick_signer() -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt="kurultai.desk-pick.v2")


def _earlier_pick_serializer() -> URLSafeSerializer:
    """How an earlier release wrote these handles (a page still open across an upgrade)."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="kurultai.desk-pick.v1")


def pick_token(registration: Registration) -> str:
    """An opaque handle on a registration for the desk's buttons and photos (no database id in
    pages): the event's and the registration's ids, encoded and signed. A page of a hundred
    rows writes a hundred: signed as a short string (a tenth of the time a JSON serializer
    took), not as a JSON document."""
    payload = base64.urlsafe_b64encode(f"{registration.event_id}.{registration.id}".encode()).rstrip(b"=")
    return _pick_signer().sign(payload).decode()


def _read_pick(token: str) -> tuple[int, int] | None:
    try:
        payload = _pick_signer().unsign(token)
        event_id, registration_id = base64.urlsafe_b64decode(payload + b"=" * (-len(payload) % 4)).split(b".")
        return int(event_id), int(registration_id)
    except (BadSignature, ValueError, binascii.Error):
        pass
    try:
        event_id, registration_id = _earlier_pick_serializer().loads(token)
        return int(event_id), int(registration_id)
    except (BadSignature, ValueError, TypeError):
        return None


def registration_from_pick(event, token: str) -> Registration | None:
    read = _read_pick(token)
    if read is None or read[0] != event.id:
        return None
    return db.session.get(Registration, read[1])


@dataclass
class Flag:
    level: str      # danger | warning | info
    message: str


@dataclass
class DeskResult:
    """What the desk shows after a scan, a typed code or a pick from the search."""

    status: str                        # admitted | already | confirm | refused | invalid | matches | empty
    message: str = ""
    registration: Registration | None = None
    checkin: CheckIn | None = None
    flags: list[Flag] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    checked_in: dict[int, datetime] = field(default_factory=dict)  # when each match came in, by registration id

    @property
    def ok(self) -> bool:
        return self.status in ("admitted", "already")


@dataclass(frozen=True)
class DeskSession:
    """A published session whose door is checked: restricted to categories, or with sign-up."""

    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    restricted: bool
    signup_required: bool
    category_ids: tuple[int, ...]


# Publication token -> its doors: a publication never changes, and its snapshot is large
# to read at every scan. Bounded by clearing.
_DOORS: dict[str, list[DeskSession]] = {}
_DOORS_MAX = 64
# Event id -> (its publication token, until when this worker trusts it): PUBLIC_CACHE_TTL
# seconds, the time a new publication takes to reach every worker's public pages too.
_TOKENS: dict[int, tuple[str | None, datetime]] = {}


def doors_token(event) -> str | None:
    """What the door list of `event` is made of: its current publication's cache token (None
    before the first publication), renewed by every publication. Kept by each worker for
    PUBLIC_CACHE_TTL seconds (0: read at every call), so a desk's scan does not ask."""
    now = utcnow()
    kept = _TOKENS.get(event.id)
    if kept is not None and kept[1] > now:
        return kept[0]
    token = current_publication_token(event)
    seconds = current_app.config.get("PUBLIC_CACHE_TTL", 0)
    if seconds and seconds > 0:
        if len(_TOKENS) >= _DOORS_MAX:
            _TOKENS.clear()
        _TOKENS[event.id] = (token, now + timedelta(seconds=seconds))
    return token


def forget_doors() -> None:
    """Drop the doors and tokens this worker keeps (tests start from none)."""
    _DOORS.clear()
    _TOKENS.clear()


def desk_sessions(event) -> list[DeskSession]:
    """The published sessions with access control, in time order (the desk's choice of door):
    read once per publication and worker (see `doors_token`)."""
    token = doors_token(event)
    if token is None:
        return []
    doors = _DOORS.get(token)
    if doors is None:
        publication = current_publication(event)
        doors = _doors(publication)
        if len(_DOORS) >= _DOORS_MAX:
            _DOORS.clear()
        if publication is not None:
            _DOORS[publication.cache_token] = doors
    return list(doors)


def _doors(publication) -> list[DeskSession]:
    result = []
    for s in (publication.snapshot or {}).get("sessions", []) if publication else []:
        restricted = s.get("visibility") == "restricted"
        if restricted or s.get("signup_required"):
            result.append(DeskSession(id=s["id"], title=s["title"], starts_at=datetime.fromisoformat(s["starts_at"]),
                                      ends_at=datetime.fromisoformat(s["ends_at"]), restricted=restricted,
                                      signup_required=bool(s.get("signup_required")),
                                      category_ids=tuple(s.get("category_ids") or ())))
    return sorted(result, key=lambda d: (d.starts_at, d.id))


def scope_of(session_id: int | None) -> str:
    return f"s{session_id}" if session_id else VENUE


def _reissued(registration: Registration) -> DeskResult:
    flags = [f for f in status_flags(registration) if f.level != "info"]
    return DeskResult("refused", str(_l("This badge was replaced by a newer one: it is no longer valid.")),
                      registration=registration, flags=flags + [Flag("danger", str(_l("Badge re-issued")))])


_UNREAD = object()  # `admit` reads the check-in itself


def _badge_where(condition, scope: str | None, today: date, key=None) -> tuple[Badge | None, object, object]:
    """The badge matching `condition` with its person and category; when `scope` is given,
    that person's check-in at this door on `today` (None if not in yet, else _UNREAD); and
    with `key` (event, key id), that signing key's public half (None if unknown or revoked,
    _UNREAD when no badge matched): all in one query."""
    statement = select(Badge).options(joinedload(Badge.registration).joinedload(Registration.category))
    if scope is not None:
        statement = statement.add_columns(CheckIn).outerjoin(CheckIn, and_(
            CheckIn.registration_id == Badge.registration_id, CheckIn.scope == scope, CheckIn.day == today))
    if key is not None:
        statement = statement.add_columns(public_key_clause(*key))
    row = db.session.execute(statement.where(condition)).first()
    if row is None:
        return None, _UNREAD, _UNREAD
    return row[0], row[1] if scope is not None else _UNREAD, row[-1] if key is not None else _UNREAD


def find_by_code(event, text: str, *, today: date) -> tuple[Registration | None, DeskResult | None]:
    """The registration a scanned token or typed short code names, or the refusal to show."""
    registration, refusal, _checkin = _find_by_code(event, text, today=today)
    return registration, refusal


def _find_by_code(event, text: str, *, today: date, scope: str | None = None):
    """`find_by_code`, and with `scope` the person's check-in at that door on `today`, read
    in the same query (None if not in yet; _UNREAD without `scope` or a person)."""
    if badges.looks_like_token(text):
        # A signed token names its badge and key: both are read at once, before the
        # signature is checked (nothing read is used unless it is genuine).
        parsed = signing.parse(text) if signing.is_signed_token(text.strip()) else None
        badge, checkin, key = (_badge_where(Badge.public_id == parsed.public_id, scope, today, (event, parsed.key_id))
                               if parsed is not None else (None, _UNREAD, _UNREAD))
        try:
            public_id, version = read_badge_token(
                event, text, today=today, known_keys={parsed.key_id: key} if key is not _UNREAD else None)
        except badges.BadgeTokenError as exc:
            return None, DeskResult("invalid", str(exc.message)), _UNREAD
        if badge is None or public_id != badge.public_id:
            badge, checkin, _key = _badge_where(Badge.public_id == public_id, scope, today)
        if badge is None or badge.event_id != event.id:
            return None, DeskResult("invalid", str(_l("This badge does not belong to this event."))), _UNREAD
        registration = badge.registration
        if version != registration.badge_version:
            return None, _reissued(registration), _UNREAD
        return registration, None, checkin
    code = re.sub(r"[-\s]", "", text).upper()
    badge, checkin, _key = _badge_where(and_(Badge.event_id == event.id, Badge.short_code == code), scope, today)
    if badge is None:
        return None, DeskResult("invalid", str(_l("No badge has the code %(code)s.", code=text.upper()))), _UNREAD
    registration = badge.registration
    if badge.version != registration.badge_version:
        return None, _reissued(registration), _UNREAD
    return registration, None, checkin


@dataclass(frozen=True)
class Match:
    """One person the desk's name search found: the values the desk shows, read in the
    search's one query, so nothing is loaded again per person when the page is drawn
    (even after a commit has expired the session's objects)."""

    id: int
    event_id: int
    honorific: str
    given_name: str
    family_name: str
    organisation: str
    state: RS
    category_name: object  # the category's name in every language (Translated)

    @property
    def formal_name(self) -> str:
        return formal_name(self.honorific, self.given_name, self.family_name)


def search(event, text: str) -> list[Match]:
    """People whose name, address or organisation contains `text`, for the desk (drafts and
    held places left out), at most SEARCH_LIMIT, in one query."""
    text = text.strip()[:100]
    if len(text) < 2:
        return []
    rows = db.session.execute(
        select(Registration.id, Registration.event_id, Registration.honorific, Registration.given_name,
               Registration.family_name, Registration.organisation, Registration.state, Category.name)
        .join(Category, Category.id == Registration.category_id)
        .where(Registration.event_id == event.id, Registration.user_id.is_not(None), Registration.state != RS.draft,
               registration_contains(text))
        .order_by(Registration.state != RS.approved, Registration.family_name, Registration.given_name)
        .limit(SEARCH_LIMIT)).all()
    return [Match(*row) for row in rows]


def checked_in_today(registrations: list, scope: str, day: date) -> dict[int, datetime]:
    """When each of `registrations` came through this door (`scope`) on `day`, by
    registration id (those not in yet left out), in one query whatever their number."""
    ids = [r.id for r in registrations]
    if not ids:
        return {}
    return dict(db.session.execute(
        select(CheckIn.registration_id, CheckIn.checked_in_at)
        .where(CheckIn.registration_id.in_(ids), CheckIn.scope == scope, CheckIn.day == day)).tuples().all())


def _session_refusal(registration: Registration, session) -> Flag | None:
    """Why `registration` may not enter a restricted or sign-up `session` (a DeskSession), if so."""
    if session.restricted and registration.category_id not in (session.category_ids or []):
        return Flag("danger", str(_l("Category %(category)s may not attend this session.",
                                     category=registration.category.name)))
    if session.signup_required and registration.user_id is not None:
        state = signup_state(session.id, registration.user_id)
        if state != SignupState.confirmed:
            return Flag("danger", str(_l("Not signed up for this session.") if state is None
                                      else _l("Only on the waitlist of this session.")))
    return None


def admit(event, registration: Registration, *, actor, method: CheckInMethod, session=None,
          confirmed: bool = False, _existing=_UNREAD) -> DeskResult:
    """Check `registration` in at the entrance, or into `session` (a PublicSession).

    Refused (nothing recorded) unless approved, and for a session, unless its
    category may attend and, where sign-up is needed, it holds a place. A second
    scan the same day finds the first check-in and says when it was. On a day
    outside `desk_days` nothing is recorded either: the answer ("confirm") asks,
    and only a `confirmed` admission goes ahead. Records who checked in whom and
    when; no audit entry (the check-in row is the record).
    """
    flags = status_flags(registration)
    if registration.state != RS.approved:
        reason = (_l("Registration cancelled.") if registration.state == RS.cancelled
                  else _l("Registration not approved."))
        return DeskResult("refused", str(reason), registration=registration, flags=flags)
    if session is not None:
        refusal = _session_refusal(registration, session)
        if refusal is not None:
            return DeskResult("refused", refusal.message, registration=registration, flags=flags + [refusal])
    today = event_today(event)
    scope = scope_of(session.id if session is not None else None)
    # `scan` read the check-in with the badge (for this door and day): not asked again.
    existing = _checkin_of(registration, scope, today) if _existing is _UNREAD else _existing
    warning = None if existing is not None or confirmed else off_day_warning(event, today)
    if warning is not None:
        return DeskResult("confirm", warning, registration=registration, flags=flags)
    if existing is None:
        try:
            with db.session.begin_nested():
                existing = CheckIn(event_id=event.id, registration_id=registration.id, scope=scope,
                                   session_id=session.id if session is not None else None, day=today,
                                   checked_in_at=utcnow(),
                                   checked_in_by_id=getattr(actor, "id", None), method=method,
                                   badge_version=registration.badge_version)
                db.session.add(existing)
        except IntegrityError:
            # Two desks scanned the same badge at once: the other one recorded it.
            existing = _checkin_of(registration, scope, today)
        else:
            counts.count_admission(event, scope, today, registration.category_id)
            return DeskResult("admitted", str(_l("Checked in.")), registration=registration, checkin=existing,
                              flags=flags)
    when = to_zone(existing.checked_in_at, event.timezone).strftime("%H:%M")
    flags = flags + [Flag("warning", str(_l("Already checked in today at %(time)s.", time=when)))]
    return DeskResult("already", str(_l("Already checked in today at %(time)s.", time=when)),
                      registration=registration, checkin=existing, flags=flags)


def _checkin_of(registration: Registration, scope: str, day: date) -> CheckIn | None:
    return db.session.scalar(select(CheckIn).where(CheckIn.registration_id == registration.id,
                                                   CheckIn.scope == scope, CheckIn.day == day))


def status_flags(registration: Registration) -> list[Flag]:
    """What the desk must notice about a person before letting them in."""
    flags = []
    if registration.state == RS.cancelled:
        flags.append(Flag("danger", str(_l("Cancelled"))))
    elif registration.state != RS.approved:
        flags.append(Flag("danger", str(_l("Not approved"))))
    if registration.badge_version > 1:
        flags.append(Flag("info", str(_l("Badge re-issued"))))
    return flags


def scan(event, text: str, *, actor, session=None, confirmed: bool = False) -> DeskResult:
    """Whatever was typed or scanned into the desk's field: a badge token, a short
    code, or part of a name (then the matches are listed, nobody is checked in).
    `confirmed` admits on a day outside the event's days (see `admit`)."""
    text = (text or "").strip()[:400]
    if not text:
        return DeskResult("empty")
    today = event_today(event)
    scope = scope_of(session.id if session is not None else None)
    if badges.looks_like_token(text):
        registration, refusal, existing = _find_by_code(event, text, today=today, scope=scope)
        if refusal is not None:
            return refusal
        return admit(event, registration, actor=actor, method=CheckInMethod.qr, session=session, confirmed=confirmed,
                     _existing=existing)
    refusal = None
    if SHORT_CODE.match(text):
        registration, refusal, existing = _find_by_code(event, text, today=today, scope=scope)
        if registration is not None:
            return admit(event, registration, actor=actor, method=CheckInMethod.code, session=session,
                         confirmed=confirmed, _existing=existing)
        if refusal.status == "refused":
            return refusal
    matches = search(event, text)
    if matches:
        return DeskResult("matches", "", matches=matches, checked_in=checked_in_today(matches, scope, today))
    # An unknown code that is no name either: say so about the code.
    return refusal or DeskResult("invalid", str(_l("Nobody found for “%(text)s”.", text=text[:60])))


def live_counts(event, *, session_id: int | None = None) -> dict:
    """Checked in today (at the entrance, or into one session) against approved, per
    category; kept a few seconds per worker (`counts`)."""
    return counts.live_counts(event, scope=scope_of(session_id), today=event_today(event))
