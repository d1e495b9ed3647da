"""Issuing badges: the badge row of each approved delegate, re-issue, and the PDFs
(one delegate's, printed at the desk, or in bulk). The drawing itself lives in
app/checkin/badges.py."""
from __future__ import annotations

from flask_babel import force_locale, lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from app.audit.services import record
from app.checkin import badges
from app.checkin.models import Badge, OnsiteSettings, new_public_id, new_short_code
from app.checkin.services.errors import OnsiteError
from app.checkin.services.keys import signing_key, token_for
from app.checkin.services.settings import badge_languages, settings_for
from app.extensions import db
from app.mail.services import queue_for_user
from app.registration.models import Category, Registration, RegistrationState as RS
from app.registration.photos import photo_bytes
from app.registration.services import invalidate_badge
from app.utils.countries import country_choices
from app.utils.time import utcnow
from app.utils.translated import text_in
from app.utils.urls import external_url

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


class _Countries:
    """Country names in one language, built once per print run."""

    def __init__(self, locale: str):
        self.names = dict(country_choices(locale))

    def __call__(self, code: str) -> str:
        return self.names.get((code or "").upper(), code or "")


def badge_face(registration: Registration, badge: Badge, *, settings: OnsiteSettings, countries=None,
               languages: list[str] | None = None, key=None) -> badges.BadgeFace:
    """What the badge of `registration` shows (the name as registered): the event, title and
    country in the first of the event's badge languages, the category in each of them."""
    event = registration.event
    languages = languages or badge_languages(event, settings)
    first = languages[0]
    countries = countries or _Countries(first)
    dates = (f"{event.start_date:%d.%m.%Y}" if event.start_date == event.end_date
             else f"{event.start_date:%d.%m}–{event.end_date:%d.%m.%Y}")
    city = text_in(event.city, first)
    with force_locale(first):  # the title before the name
        name = registration.formal_name or registration.full_name
    names = []
    for lang in languages:
        text = text_in(registration.category.name, lang)
        if text and text not in names:
            names.append(text)
    return badges.BadgeFace(
        event_title=text_in(event.title, first), event_dates=f"{city} · {dates}" if city else dates,
        event_colour=event.primary_colour, name=name,
        organisation=registration.organisation, country=countries(registration.country),
        category=names[0] if names else "", category_second=names[1] if len(names) > 1 else "",
        category_colour=badges.category_colour(settings, registration.category),
        token=token_for(badge, event, key=key), code=badge.display_code, photo=photo_bytes(registration.photo_filename),
        initials="".join(p[:1] for p in (registration.given_name, registration.family_name)).upper())


def mark_printed(badge: Badge) -> None:
    badge.printed_count += 1
    badge.last_printed_at = utcnow()


def badge_pdf(registration: Registration) -> bytes:
    """One badge as a PDF (the delegate's download)."""
    if not may_have_badge(registration):
        raise OnsiteError(_l("Your badge is ready once your registration is approved."))
    settings = settings_for(registration.event)
    badge = ensure_badge(registration)
    mark_printed(badge)
    face = badge_face(registration, badge, settings=settings)
    return badges.render_badges([face], settings.badge_size, title=registration.full_name)


def print_at_desk(registration: Registration, *, actor) -> bytes:
    """A fresh badge printed at the desk (lost or damaged badge): the old one is invalidated."""
    reissue_badge(registration, actor=actor, reason="printed at the desk")
    return badge_pdf(registration)


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


def bulk_badges_pdf(event, filters: dict, *, actor, progress=None) -> tuple[bytes, int]:
    """One PDF of the badges of every approved registration matching `filters`.

    Badges are created where missing (in batches); rows are read in chunks so
    memory grows with the document, not with the query. Audited as
    `badge.print_bulk`. Returns (pdf, number of badges). A background job passes
    its `progress` (app/jobs/services.py), told of each badge drawn.
    """
    settings = settings_for(event)
    languages = badge_languages(event, settings)
    countries = _Countries(languages[0])
    ids = list(db.session.scalars(bulk_statement(event, filters).with_only_columns(Registration.id)))
    existing = {b.registration_id: b for b in db.session.scalars(
        select(Badge).where(Badge.event_id == event.id))} if ids else {}
    printed_at = utcnow()
    key = signing_key(event)
    if progress is not None:
        progress.total(len(ids), str(_l("Drawing the badges")))

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
                yield badge_face(registration, badge, settings=settings, countries=countries,
                                 languages=languages, key=key)
                if progress is not None:
                    progress.advance()

    pdf = badges.render_badges(faces(), settings.badge_size, title=text_in(event.title, languages[0]))
    record(actor=actor, action="badge.print_bulk", obj=event, event=event, summary=f"{len(ids)} badges",
           after={k: v for k, v in filters.items() if v})
    return pdf, len(ids)

