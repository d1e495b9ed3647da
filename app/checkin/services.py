"""On-site rules: badges, the check-in desk, the personal agenda and session sign-up.

Every function takes model objects and an explicit `actor`, flushes but never
commits, writes the audit entries of organiser actions and queues emails.

Sign-up places: every change to who holds a place in a session first takes
that session's lock (`_lock_session`), the same way registration locks its
places, so concurrent sign-ups never confirm more people than the session
holds; whoever comes later joins the waitlist and is promoted, first come
first served, when a place frees.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from hashlib import sha256

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.audit.services import record
from app.checkin import badges
from app.checkin.models import (AgendaFeed, AgendaStar, Badge, CheckIn, CheckInMethod, OnsiteSettings,
                                SessionPlaces, SessionSignup, SignupState, new_public_id, new_short_code)
from app.extensions import db
from app.mail.services import queue_for_user
from app.registration.models import Category, Registration, RegistrationState as RS
from app.registration.services import invalidate_badge
from app.utils.countries import country_choices
from app.utils.time import to_zone, utcnow
from app.utils.urls import external_url
from app.utils.refusals import Refusal

# Switched off only by the control run of the concurrency test, to prove that the
# test can see the race the lock prevents. Never switch it off anywhere else.
LOCK_SIGNUPS = True
VENUE = "venue"
SEARCH_LIMIT = 20
SHORT_CODE = re.compile(r"^[A-Za-z0-9]{4}[-\s]?[A-Za-z0-9]{4}$")


class OnsiteError(Refusal):
    """A refusal the user can read (the message is translated when shown)."""


# --- Settings ----------------------------------------------------------------------

def settings_for(event) -> OnsiteSettings:
    """The event's badge and letter settings, created with defaults when missing."""
    settings = db.session.scalar(select(OnsiteSettings).where(OnsiteSettings.event_id == event.id))
    if settings is None:
        try:
            with db.session.begin_nested():
                settings = OnsiteSettings(event_id=event.id, category_colours={})
                db.session.add(settings)
        except IntegrityError:
            settings = db.session.scalar(select(OnsiteSettings).where(OnsiteSettings.event_id == event.id))
    return settings


SETTINGS_FIELDS = ("badge_size", "category_colours", "letter_organisation", "letter_address", "letter_signatory",
                   "letter_signatory_title", "letter_body_en", "letter_body_ru")


def update_settings(event, data: dict, *, actor) -> OnsiteSettings:
    """Change the badge and letter settings; audited."""
    from app.audit.services import snapshot

    settings = settings_for(event)
    before = snapshot(settings, SETTINGS_FIELDS)
    for key in SETTINGS_FIELDS:
        if key in data:
            setattr(settings, key, data[key])
    db.session.flush()
    record(actor=actor, action="onsite.settings", obj=settings, event=event, summary=event.title,
           before=before, after=snapshot(settings, SETTINGS_FIELDS))
    return settings


def event_today(event) -> date:
    return to_zone(utcnow(), event.timezone).date()


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
    from app.templating import date_range, local_date

    return str(_l("Today, %(today)s, is not a day of the event (%(dates)s). Check in anyway?",
                  today=local_date(today), dates=date_range(event.start_date, event.end_date)))


# --- Badges ------------------------------------------------------------------------

def may_have_badge(registration: Registration) -> bool:
    return registration.state == RS.approved and registration.user_id is not None


def ensure_badge(registration: Registration) -> Badge:
    """The registration's badge row, created on first use and renewed (new short code,
    new version) when the registration's badge version moved on, e.g. after a
    substitution or a name change. No audit entry: nothing is decided here."""
    badge = db.session.scalar(select(Badge).where(Badge.registration_id == registration.id))
    if badge is None:
        badge = Badge(event_id=registration.event_id, registration_id=registration.id, public_id=new_public_id(),
                      short_code=new_short_code(), version=registration.badge_version)
        db.session.add(badge)
        db.session.flush()
    elif badge.version != registration.badge_version:
        badge.version = registration.badge_version
        badge.short_code = new_short_code()
        badge.reissued_count += 1
        badge.issued_at = utcnow()
        db.session.flush()
    return badge


def reissue_badge(registration: Registration, *, actor, reason: str = "") -> Badge:
    """A new badge for `registration`: the old QR and short code stop working at once.
    Audited as `badge.reissue`; the delegate is emailed."""
    if not may_have_badge(registration):
        raise OnsiteError(_l("Only approved delegates have a badge."))
    invalidate_badge(registration)
    badge = ensure_badge(registration)
    record(actor=actor, action="badge.reissue", obj=registration, event=registration.event,
           summary=(reason or registration.full_name)[:500], after={"badge_version": badge.version})
    # The old badge stops opening doors: its holder hears it (a lost badge someone else found).
    queue_for_user(registration.user, "badge_reissued", event=registration.event, registration=registration,
                   status_url=external_url("registration.my_registration", slug=registration.event.slug))
    return badge


def token_for(badge: Badge, event) -> str:
    return badges.make_token(badge.public_id, badge.version, badges.valid_until(event))


class _Countries:
    """Country names in one language, built once per print run."""

    def __init__(self, locale: str):
        self.names = dict(country_choices(locale))

    def __call__(self, code: str) -> str:
        return self.names.get((code or "").upper(), code or "")


def badge_face(registration: Registration, badge: Badge, *, settings: OnsiteSettings, countries=None,
               locale: str = "en") -> badges.BadgeFace:
    """What the badge of `registration` shows (the name as registered)."""
    from app.registration.photos import photo_path

    event = registration.event
    countries = countries or _Countries(locale)
    dates = (f"{event.start_date:%d.%m.%Y}" if event.start_date == event.end_date
             else f"{event.start_date:%d.%m}–{event.end_date:%d.%m.%Y}")
    return badges.BadgeFace(
        event_title=event.title, event_dates=f"{event.city} · {dates}" if event.city else dates,
        event_colour=event.primary_colour, name=registration.formal_name or registration.full_name,
        organisation=registration.organisation, country=countries(registration.country),
        category=registration.category.name, category_colour=badges.category_colour(settings, registration.category),
        token=token_for(badge, event), code=badge.display_code, photo=photo_path(registration.photo_filename),
        initials="".join(p[:1] for p in (registration.given_name, registration.family_name)).upper())


def mark_printed(badge: Badge) -> None:
    badge.printed_count += 1
    badge.last_printed_at = utcnow()


def badge_pdf(registration: Registration, *, locale: str = "en") -> bytes:
    """One badge as a PDF (the delegate's download)."""
    if not may_have_badge(registration):
        raise OnsiteError(_l("Your badge is ready once your registration is approved."))
    settings = settings_for(registration.event)
    badge = ensure_badge(registration)
    mark_printed(badge)
    face = badge_face(registration, badge, settings=settings, locale=locale)
    return badges.render_badges([face], settings.badge_size, title=registration.full_name)


def print_at_desk(registration: Registration, *, actor, locale: str = "en") -> bytes:
    """A fresh badge printed at the desk (lost or damaged badge): the old one is invalidated."""
    reissue_badge(registration, actor=actor, reason="printed at the desk")
    return badge_pdf(registration, locale=locale)


def bulk_statement(event, filters: dict):
    """Approved registrations of `event` matching `filters` (category, delegation, country, q), in
    protocol order: the bulk print list."""
    stmt = (select(Registration).join(Category, Category.id == Registration.category_id)
            .where(Registration.event_id == event.id, Registration.state == RS.approved,
                   Registration.user_id.is_not(None)))
    if filters.get("category"):
        stmt = stmt.where(Registration.category_id == filters["category"])
    if filters.get("delegation"):
        stmt = stmt.where(Registration.delegation_id == filters["delegation"])
    if filters.get("country"):
        stmt = stmt.where(Registration.country == filters["country"])
    search = (filters.get("q") or "").strip()[:100]
    if search:
        like = f"%{search.lower()}%"
        stmt = stmt.where(or_(func.lower(Registration.given_name).like(like),
                              func.lower(Registration.family_name).like(like),
                              func.lower(Registration.organisation).like(like)))
    return stmt.order_by(Category.protocol_rank, Registration.protocol_rank, Registration.family_name,
                         Registration.given_name, Registration.id)


def bulk_count(event, filters: dict) -> int:
    return db.session.scalar(select(func.count()).select_from(bulk_statement(event, filters).subquery())) or 0


def bulk_badges_pdf(event, filters: dict, *, actor, locale: str = "en") -> tuple[bytes, int]:
    """One PDF of the badges of every approved registration matching `filters`.

    Badges are created where missing (in batches); rows are read in chunks so
    memory grows with the document, not with the query. Audited as
    `badge.print_bulk`. Returns (pdf, number of badges).
    """
    settings = settings_for(event)
    countries = _Countries(locale)
    ids = list(db.session.scalars(bulk_statement(event, filters).with_only_columns(Registration.id)))
    existing = {b.registration_id: b for b in db.session.scalars(
        select(Badge).where(Badge.event_id == event.id))} if ids else {}
    printed_at = utcnow()

    def faces():
        for start in range(0, len(ids), 200):
            chunk = ids[start:start + 200]
            rows = db.session.scalars(select(Registration).options(joinedload(Registration.category),
                                                                   joinedload(Registration.event))
                                      .where(Registration.id.in_(chunk))).all()
            by_id = {r.id: r for r in rows}
            for registration_id in chunk:
                registration = by_id[registration_id]
                badge = existing.get(registration_id)
                if badge is None or badge.version != registration.badge_version:
                    badge = ensure_badge(registration)
                badge.printed_count += 1
                badge.last_printed_at = printed_at
                yield badge_face(registration, badge, settings=settings, countries=countries)

    pdf = badges.render_badges(faces(), settings.badge_size, title=event.title)
    record(actor=actor, action="badge.print_bulk", obj=event, event=event, summary=f"{len(ids)} badges",
           after={k: v for k, v in filters.items() if v})
    return pdf, len(ids)


# --- The check-in desk -------------------------------------------------------------

def _pick_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="kurultai.desk-pick.v1")


def pick_token(registration: Registration) -> str:
    """An opaque handle on a registration for the desk's buttons and photos (no database id in pages)."""
    return _pick_serializer().dumps([registration.event_id, registration.id])


def registration_from_pick(event, token: str) -> Registration | None:
    try:
        event_id, registration_id = _pick_serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if event_id != event.id:
        return None
    return db.session.get(Registration, registration_id)


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
    matches: list[Registration] = field(default_factory=list)
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


def desk_sessions(event) -> list[DeskSession]:
    """The published sessions with access control, in time order (the desk's choice of door)."""
    from app.agenda.services import current_publication

    publication = current_publication(event)
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


def find_by_code(event, text: str, *, today: date) -> tuple[Registration | None, DeskResult | None]:
    """The registration a scanned token or typed short code names, or the refusal to show."""
    if badges.looks_like_token(text):
        try:
            public_id, version = badges.read_token(text, today=today)
        except badges.BadgeTokenError as exc:
            return None, DeskResult("invalid", str(exc.message))
        badge = db.session.scalar(select(Badge).where(Badge.public_id == public_id))
        if badge is None or badge.event_id != event.id:
            return None, DeskResult("invalid", str(_l("This badge does not belong to this event.")))
        registration = badge.registration
        if version != registration.badge_version:
            return None, _reissued(registration)
        return registration, None
    code = re.sub(r"[-\s]", "", text).upper()
    badge = db.session.scalar(select(Badge).where(Badge.event_id == event.id, Badge.short_code == code))
    if badge is None:
        return None, DeskResult("invalid", str(_l("No badge has the code %(code)s.", code=text.upper())))
    registration = badge.registration
    if badge.version != registration.badge_version:
        return None, _reissued(registration)
    return registration, None


def search(event, text: str) -> list[Registration]:
    """Registrations whose name or organisation contains `text`, for the desk (drafts and
    held places left out), at most SEARCH_LIMIT."""
    text = text.strip()[:100]
    if len(text) < 2:
        return []
    like = f"%{text.lower()}%"
    full = func.lower(Registration.given_name + " " + Registration.family_name)
    return list(db.session.scalars(
        select(Registration).options(joinedload(Registration.category))
        .where(Registration.event_id == event.id, Registration.user_id.is_not(None), Registration.state != RS.draft,
               or_(full.like(like), func.lower(Registration.family_name).like(like),
                   func.lower(Registration.organisation).like(like)))
        .order_by(Registration.state != RS.approved, Registration.family_name, Registration.given_name)
        .limit(SEARCH_LIMIT)))


def checked_in_today(registrations: list[Registration], scope: str, day: date) -> dict[int, datetime]:
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
        state = db.session.scalar(select(SessionSignup.state).where(
            SessionSignup.session_id == session.id, SessionSignup.user_id == registration.user_id,
            SessionSignup.state != SignupState.cancelled))
        if state != SignupState.confirmed:
            return Flag("danger", str(_l("Not signed up for this session.") if state is None
                                      else _l("Only on the waitlist of this session.")))
    return None


def admit(event, registration: Registration, *, actor, method: CheckInMethod, session=None,
          confirmed: bool = False) -> DeskResult:
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
    existing = _checkin_of(registration, scope, today)
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
    if badges.looks_like_token(text):
        registration, refusal = find_by_code(event, text, today=today)
        if refusal is not None:
            return refusal
        return admit(event, registration, actor=actor, method=CheckInMethod.qr, session=session, confirmed=confirmed)
    refusal = None
    if SHORT_CODE.match(text):
        registration, refusal = find_by_code(event, text, today=today)
        if registration is not None:
            return admit(event, registration, actor=actor, method=CheckInMethod.code, session=session,
                         confirmed=confirmed)
        if refusal.status == "refused":
            return refusal
    matches = search(event, text)
    if matches:
        scope = scope_of(session.id if session is not None else None)
        return DeskResult("matches", "", matches=matches, checked_in=checked_in_today(matches, scope, today))
    # An unknown code that is no name either: say so about the code.
    return refusal or DeskResult("invalid", str(_l("Nobody found for “%(text)s”.", text=text[:60])))


def live_counts(event, *, session_id: int | None = None) -> dict:
    """Checked in today (at the entrance, or into one session) against approved, per category."""
    today = event_today(event)
    scope = scope_of(session_id)
    approved = dict(db.session.execute(
        select(Registration.category_id, func.count(Registration.id))
        .where(Registration.event_id == event.id, Registration.state == RS.approved)
        .group_by(Registration.category_id)).tuples().all())
    checked = dict(db.session.execute(
        select(Registration.category_id, func.count(CheckIn.id)).join(Registration, Registration.id == CheckIn.registration_id)
        .where(CheckIn.event_id == event.id, CheckIn.scope == scope, CheckIn.day == today)
        .group_by(Registration.category_id)).tuples().all())
    cats = db.session.execute(select(Category.id, Category.name).where(Category.event_id == event.id)
                              .order_by(Category.position, Category.id)).all()
    rows = [{"category": name, "checked_in": checked.get(cid, 0), "approved": approved.get(cid, 0)}
            for cid, name in cats if approved.get(cid) or checked.get(cid)]
    return {"day": today.isoformat(), "scope": scope, "checked_in": sum(checked.values()),
            "approved": sum(approved.values()), "categories": rows}


# --- The personal agenda -----------------------------------------------------------

def delegate_registration(event, user) -> Registration | None:
    """The user's approved registration for `event`: the key to the personal agenda."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Registration).options(joinedload(Registration.category)).where(
        Registration.event_id == event.id, Registration.user_id == user.id, Registration.state == RS.approved))


def delegate_agenda(event, registration: Registration):
    """The published sessions this delegate may see (restricted ones only for their category)."""
    from app.agenda.services import current_publication, public_agenda

    publication = current_publication(event)
    if publication is None:
        return None
    return public_agenda(publication, categories=frozenset({registration.category_id}))


def starred_ids(event, user) -> set[int]:
    return set(db.session.scalars(select(AgendaStar.session_id).where(AgendaStar.event_id == event.id,
                                                                      AgendaStar.user_id == user.id)))


def signups_of(event, user) -> dict[int, SessionSignup]:
    return {s.session_id: s for s in db.session.scalars(select(SessionSignup).where(
        SessionSignup.event_id == event.id, SessionSignup.user_id == user.id,
        SessionSignup.state != SignupState.cancelled))}


def _visible_session(agenda, session_id: int):
    session = agenda.session(session_id) if agenda is not None else None
    if session is None:
        raise OnsiteError(_l("This session is not in the agenda you can see."))
    return session


def star(event, user, agenda, session_id: int) -> bool:
    """Put a session the delegate can see into their agenda; True if it was new."""
    _visible_session(agenda, session_id)
    if session_id in starred_ids(event, user):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(AgendaStar(event_id=event.id, user_id=user.id, session_id=session_id))
    except IntegrityError:
        return False  # a second click got there first
    return True


def unstar(event, user, session_id: int) -> None:
    """Take a session out of the agenda (a sign-up, if any, stays until withdrawn)."""
    for row in db.session.scalars(select(AgendaStar).where(AgendaStar.user_id == user.id,
                                                           AgendaStar.session_id == session_id)):
        db.session.delete(row)
    db.session.flush()


def _lock_session(session_id: int) -> None:
    """Serialise every change to who holds a place in one session until the transaction ends.

    PostgreSQL: SELECT ... FOR UPDATE on the session's row in `session_places`.
    SQLite: a write to that row; SQLite allows one writer at a time, so the write
    holds every other writer back until this transaction ends.
    """
    if not LOCK_SIGNUPS:
        return
    if db.session.get(SessionPlaces, session_id) is None:
        try:
            with db.session.begin_nested():
                db.session.add(SessionPlaces(session_id=session_id, lock_version=0))
        except IntegrityError:
            pass  # created by a concurrent first sign-up
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(SessionPlaces.session_id).where(SessionPlaces.session_id == session_id)
                           .with_for_update())
    else:
        db.session.execute(update(SessionPlaces).where(SessionPlaces.session_id == session_id)
                           .values(lock_version=SessionPlaces.lock_version + 1)
                           .execution_options(synchronize_session=False))


def places_taken(session_id: int) -> int:
    return db.session.scalar(select(func.count(SessionSignup.id)).where(
        SessionSignup.session_id == session_id, SessionSignup.state == SignupState.confirmed)) or 0


def waitlist_length(session_id: int) -> int:
    return db.session.scalar(select(func.count(SessionSignup.id)).where(
        SessionSignup.session_id == session_id, SessionSignup.state == SignupState.waitlisted)) or 0


def sign_up(event, user, agenda, session_id: int, *, actor) -> SessionSignup:
    """Take a place in a session that needs sign-up, or join its waitlist when it is full.

    The session also goes into the delegate's agenda. Raises OnsiteError for a
    session the delegate cannot see or that needs no sign-up, or a second sign-up.
    """
    session = _visible_session(agenda, session_id)
    if not session.signup_required:
        raise OnsiteError(_l("This session needs no sign-up: add it to your agenda instead."))
    _lock_session(session_id)
    existing = db.session.scalar(select(SessionSignup).where(
        SessionSignup.session_id == session_id, SessionSignup.user_id == user.id,
        SessionSignup.state != SignupState.cancelled))
    if existing is not None:
        raise OnsiteError(_l("You are already signed up for this session."))
    now = utcnow()
    full = session.capacity is not None and places_taken(session_id) >= session.capacity
    signup = SessionSignup(event_id=event.id, session_id=session_id, user_id=user.id,
                           state=SignupState.waitlisted if full else SignupState.confirmed,
                           waitlisted_at=now if full else None, confirmed_at=None if full else now)
    db.session.add(signup)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise OnsiteError(_l("You are already signed up for this session.")) from exc
    star(event, user, agenda, session_id)
    record(actor=actor, action=f"signup.{signup.state.value}", obj=signup, event=event, summary=session.title)
    return signup


def withdraw(event, user, session_id: int, *, actor, agenda=None) -> list[SessionSignup]:
    """Give up a place (or a place in the queue); a freed place goes to the first in the
    waitlist, who is emailed. Returns the sign-ups promoted."""
    _lock_session(session_id)
    signup = db.session.scalar(select(SessionSignup).where(
        SessionSignup.session_id == session_id, SessionSignup.user_id == user.id,
        SessionSignup.state != SignupState.cancelled))
    if signup is None:
        raise OnsiteError(_l("You are not signed up for this session."))
    was_confirmed = signup.state == SignupState.confirmed
    signup.state = SignupState.cancelled
    signup.cancelled_at = utcnow()
    db.session.flush()
    record(actor=actor, action="signup.cancelled", obj=signup, event=event, summary=str(session_id))
    if not was_confirmed:
        return []
    return fill_places(event, session_id, capacity=_capacity(event, session_id, agenda), actor=actor)


def _capacity(event, session_id: int, agenda=None) -> int | None:
    from app.agenda.services import current_publication

    if agenda is None:
        publication = current_publication(event)
        sessions = (publication.snapshot or {}).get("sessions", []) if publication else []
        entry = next((s for s in sessions if s["id"] == session_id), None)
        return entry.get("capacity") if entry else 0
    session = agenda.session(session_id)
    return session.capacity if session is not None else 0


def fill_places(event, session_id: int, *, capacity: int | None, actor) -> list[SessionSignup]:
    """Promote waitlisted sign-ups, first come first served, while places are free.
    Only delegates whose registration is still approved are promoted: one who
    cancelled (or is back in review) waits without taking the place.
    The caller holds the session lock. Each promoted delegate is emailed."""
    still_approved = select(Registration.id).where(
        Registration.event_id == SessionSignup.event_id, Registration.user_id == SessionSignup.user_id,
        Registration.state == RS.approved).exists()
    waiting = list(db.session.scalars(select(SessionSignup).options(joinedload(SessionSignup.user)).where(
        SessionSignup.session_id == session_id, SessionSignup.state == SignupState.waitlisted, still_approved)
        .order_by(SessionSignup.waitlisted_at, SessionSignup.id)))
    promoted = []
    taken = places_taken(session_id)
    title = _session_title(event, session_id)
    for signup in waiting:
        if capacity is not None and taken >= capacity:
            break
        signup.state = SignupState.confirmed
        signup.confirmed_at = utcnow()
        taken += 1
        promoted.append(signup)
        record(actor=actor, action="signup.promoted", obj=signup, event=event, summary=title)
        queue_for_user(signup.user, "signup_promoted", event=event, session_title=title,
                       agenda_url=external_url("checkin.my_agenda", slug=event.slug))
    db.session.flush()
    return promoted


def _session_title(event, session_id: int) -> str:
    from app.agenda.models import AgendaSession

    return db.session.scalar(select(AgendaSession.title).where(AgendaSession.id == session_id)) or ""


def overlaps(sessions) -> list[tuple]:
    """Pairs of sessions in a personal agenda that run at the same time."""
    ordered = sorted(sessions, key=lambda s: (s.starts_at, s.id))
    found = []
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.starts_at >= a.ends_at:
                break
            found.append((a, b))
    return found


# --- The private calendar feed -----------------------------------------------------

def _feed_secret(key: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"agenda-feed:{key}".encode(), sha256).hexdigest()[:32]


def feed_of(event, user, *, create: bool = True) -> AgendaFeed | None:
    feed = db.session.scalar(select(AgendaFeed).where(AgendaFeed.event_id == event.id, AgendaFeed.user_id == user.id))
    if feed is None and create:
        feed = AgendaFeed(event_id=event.id, user_id=user.id, key=new_public_id())
        db.session.add(feed)
        db.session.flush()
    return feed


def feed_token(feed: AgendaFeed) -> str:
    return f"{feed.key}.{_feed_secret(feed.key)}"


def feed_from_token(event, token: str) -> AgendaFeed | None:
    key, _, secret = (token or "").partition(".")
    if not key or not secret or not hmac.compare_digest(secret, _feed_secret(key)):
        return None
    feed = db.session.scalar(select(AgendaFeed).options(joinedload(AgendaFeed.user)).where(AgendaFeed.key == key))
    if feed is None or feed.event_id != event.id:
        return None
    return feed


def reset_feed(event, user, *, actor) -> AgendaFeed:
    """A new secret address for the calendar feed; the old one stops working."""
    feed = feed_of(event, user)
    feed.key = new_public_id()
    feed.created_at = utcnow()
    db.session.flush()
    record(actor=actor, action="agenda_feed.reset", obj=feed, event=event, summary=user.email)
    return feed


def personal_sessions(event, user, agenda) -> list:
    """The delegate's agenda: starred sessions and live sign-ups, in time order."""
    if agenda is None:
        return []
    chosen = starred_ids(event, user) | set(signups_of(event, user))
    return [s for s in agenda.sessions if s.id in chosen]


def personal_cancelled(event, user, agenda) -> list:
    """Sessions of the delegate's agenda recently taken off the published agenda (their
    stars outlive them), for the feed to mark cancelled in the delegate's calendar."""
    if agenda is None or not agenda.cancelled:
        return []
    chosen = starred_ids(event, user) | set(signups_of(event, user))
    return [s for s in agenda.cancelled if s.id in chosen]


def note_feed_body(feed: AgendaFeed, body: bytes) -> str:
    """The ETag of `body`; when it differs from the last one served, the feed counts as
    changed now (its Last-Modified). Flushes only then."""
    etag = hashlib.sha256(body).hexdigest()[:32]
    if feed.body_etag != etag:
        feed.body_etag, feed.changed_at = etag, utcnow()
        db.session.flush()
    return etag


# --- Telling followers when a published session moves or is cancelled --------------

FOLLOWED_KINDS = ("moved", "removed")


def followers(session_ids: list[int]) -> dict[int, set[int]]:
    """{user id: {session ids}} of the people who starred or signed up for these sessions."""
    result: dict[int, set[int]] = defaultdict(set)
    if not session_ids:
        return result
    for user_id, session_id in db.session.execute(select(AgendaStar.user_id, AgendaStar.session_id)
                                                  .where(AgendaStar.session_id.in_(session_ids))):
        result[user_id].add(session_id)
    for user_id, session_id in db.session.execute(select(SessionSignup.user_id, SessionSignup.session_id).where(
            SessionSignup.session_id.in_(session_ids), SessionSignup.state != SignupState.cancelled)):
        result[user_id].add(session_id)
    return result


def tell_followers(publication, *, previous=None, **_kwargs) -> int:
    """After a publication, email each person whose agenda holds a session that moved
    or was cancelled, one email listing their changes. Returns the emails queued."""
    from app.accounts.models import User

    if previous is None:
        return 0
    changes = [c for c in (publication.changes or []) if c["kind"] in FOLLOWED_KINDS]
    if not changes:
        return 0
    by_session = {c["session_id"]: c for c in changes}
    people = followers(list(by_session))
    if not people:
        return 0
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(people))))}
    event = publication.event
    sent = 0
    for user_id in sorted(people):
        user = users.get(user_id)
        if user is None or not user.is_active:
            continue
        mine = sorted((by_session[sid] for sid in people[user_id]), key=lambda c: (c["at"], c["session_id"]))
        queue_for_user(user, "agenda_changes", event=event, changes=mine,
                       agenda_url=external_url("checkin.my_agenda", slug=event.slug))
        sent += 1
    return sent


def promote_after_publication(publication, *, actor=None, **_kwargs) -> list[SessionSignup]:
    """After a publication, give waiting delegates the places it adds: a workshop whose
    capacity was raised, or that no longer needs sign-up, or no longer has a limit.
    Returns the sign-ups promoted (each delegate is emailed)."""
    waiting = list(db.session.scalars(select(SessionSignup.session_id).where(
        SessionSignup.event_id == publication.event_id, SessionSignup.state == SignupState.waitlisted)
        .distinct()))
    if not waiting:
        return []
    published = {s["id"]: s for s in (publication.snapshot or {}).get("sessions", [])}
    promoted = []
    for session_id in sorted(waiting):
        entry = published.get(session_id)
        if entry is None:
            continue  # no longer in the agenda: the cancellation email tells them
        capacity = entry.get("capacity") if entry.get("signup_required") else None
        if capacity is not None and places_taken(session_id) >= capacity:
            continue
        _lock_session(session_id)
        promoted += fill_places(publication.event, session_id, capacity=capacity, actor=actor)
    return promoted

