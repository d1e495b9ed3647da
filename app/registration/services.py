"""Registration rules: the delegate's registration, officer decisions, capacity
and waitlist.

Every state change goes through `transition()`, which refuses illegal moves,
writes the audit entry and queues the delegate's email in their language.
Functions here flush but never commit: the caller commits once.

Places: a registration "holds a place" while it is approved (or back in
review after an approved delegate changed their name, or offered a place from
the waitlist). Every change to who holds a place first takes the place lock
(`_lock_places`), so concurrent submissions never approve more delegates than
the capacity allows.
"""
from __future__ import annotations

import io
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l, lazy_pgettext
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.labels import honorific_label
from app.audit.services import record, snapshot
from app.extensions import db
from app.mail.services import queue_email, queue_for_user
from app.registration.invitations import (apply_invitation, claim_invitation, match_pending_invitation,
                                          pending_invitation)
from app.registration.labels import SHORT_LABELS, STATE_WORDS
from app.registration.models import (ApprovalMode, Category, Delegation, Invitation, InvitationState, Question, QuestionKind,
                                     Registration, RegistrationNote, RegistrationSettings, RegistrationState as S,
                                     WaitlistMode)
from app.utils.paging import MAX_PAGE
from app.utils.countries import country_name
from app.utils.languages import language_names
from app.utils.tabular import Table, build_table, reader_locale
from app.utils.time import utcnow
from app.utils.urls import external_url
from app.utils.refusals import Refusal

# Switched off only by the control run of the concurrency test, to prove that the
# test can see the race the lock prevents. Never switch it off anywhere else.
LOCK_PLACES = True

ALLOWED: dict[S, frozenset[S]] = {
    S.draft: frozenset({S.submitted, S.cancelled}),
    S.submitted: frozenset({S.approved, S.rejected, S.waitlisted, S.cancelled}),
    S.waitlisted: frozenset({S.approved, S.rejected, S.cancelled}),
    # approved -> submitted: an approved delegate changed their name or passport.
    S.approved: frozenset({S.cancelled, S.submitted}),
    S.rejected: frozenset(),
    S.cancelled: frozenset(),
}

# Fields the delegate fills in; the form and the exports use the same list.
DETAIL_FIELDS = ("honorific", "given_name", "family_name", "organisation", "position", "country", "nationality",
                 "phone", "languages", "dietary", "accessibility", "arrival_date", "departure_date",
                 "visa_letter_needed", "public_listing")
PASSPORT_FIELDS = ("passport_number", "passport_expiry", "date_of_birth", "place_of_birth")
# Changing these after approval sends the registration back to review.
REVIEW_FIELDS = ("honorific", "given_name", "family_name") + PASSPORT_FIELDS
TRAVEL_FIELDS = ("arrival_flight", "arrival_at", "departure_flight", "departure_at", "hotel", "airport_transfer")
NULLABLE_FIELDS = ("arrival_date", "departure_date", "passport_expiry", "date_of_birth", "arrival_at",
                   "departure_at")
AUDIT_FIELDS = ("state", "category_id", "delegation_id") + DETAIL_FIELDS + ("visa_letter_needed",)


class RegistrationError(Refusal):
    """A refusal the user can read (the message is kept lazy: it is translated when
    shown, in the reader's language)."""


class IllegalTransition(RegistrationError):
    def __init__(self, current: S, wanted: S):
        super().__init__(_l("A registration that is %(current)s cannot become %(wanted)s.",
                            current=STATE_WORDS[current], wanted=STATE_WORDS[wanted]))
        self.current, self.wanted = current, wanted


class AlreadyRegistered(RegistrationError):
    """The person already has a live registration for the event. The caller
    must roll the session back: the database refused the second row."""

    def __init__(self):
        super().__init__(_l("You are already registered for this event."))


# --- Settings and categories ------------------------------------------------------

def settings_for(event) -> RegistrationSettings:
    """The event's registration settings, created with defaults when missing."""
    settings = db.session.scalar(select(RegistrationSettings).where(RegistrationSettings.event_id == event.id))
    if settings is None:
        # Two first requests may race to create the row: the loser reads the winner's.
        try:
            with db.session.begin_nested():
                settings = RegistrationSettings(event_id=event.id)
                db.session.add(settings)
        except IntegrityError:
            settings = db.session.scalar(select(RegistrationSettings)
                                         .where(RegistrationSettings.event_id == event.id))
    return settings


def categories(event, *, public_only: bool = False) -> list[Category]:
    stmt = select(Category).where(Category.event_id == event.id, Category.active.is_(True))
    if public_only:
        stmt = stmt.where(Category.invite_only.is_(False))
    return list(db.session.scalars(stmt.order_by(Category.position, Category.id)))


def questions(event) -> list[Question]:
    return list(db.session.scalars(select(Question).where(Question.event_id == event.id, Question.active.is_(True))
                                   .order_by(Question.position, Question.id)))


def live_registration(event, user) -> Registration | None:
    """The person's registration for `event` that is not cancelled, if any."""
    if user is None or not getattr(user, "is_authenticated", True):
        return None
    return db.session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.user_id == user.id, Registration.state != S.cancelled))


# --- The transition function ------------------------------------------------------

def transition(registration: Registration, to: S, *, actor, message: str = "", reason: str = "",
               notify: bool = True) -> None:
    """Move `registration` to state `to`, or raise IllegalTransition.

    Side effects: timestamps, an audit entry `registration.<state>`, and (unless
    `notify` is False) an email to the delegate in their language. Places are
    the caller's business (see `_take_place` / `_release_place`).
    """
    current = registration.state
    if to not in ALLOWED[current]:
        raise IllegalTransition(current, to)
    registration.state = to
    now = utcnow()
    if to == S.submitted:
        registration.submitted_at = now
    elif to in (S.approved, S.rejected):
        registration.decided_at = now
    elif to == S.waitlisted:
        registration.waitlisted_at = now
    elif to == S.cancelled:
        registration.cancelled_at = now
        registration.cancel_reason = (reason or "")[:500]
    if to in (S.cancelled, S.rejected) and _has_passport(registration):
        # No letter will be written: the passport data has no purpose left.
        _clear_passport(registration)
        registration.passport_purged_at = now
    if to != S.waitlisted:
        registration.offered_at = None
    db.session.flush()
    record(actor=actor, action=f"registration.{to.value}", obj=registration, event=registration.event,
           summary=_plain_summary(message, reason, registration),
           before={"state": current.value}, after={"state": to.value})
    if notify:
        _notify(registration, "registration_status", message=message, reason=reason)


def _plain_summary(message, reason, registration) -> str:
    # Lazy (translatable) messages are shown to the delegate in their language;
    # the audit log keeps only what an organiser typed.
    typed = [m for m in (message, reason) if isinstance(m, str) and m]
    return (typed[0] if typed else registration.full_name)[:500]


def _notify(registration: Registration, template: str, **context) -> None:
    user = registration.user
    if user is None:
        return
    queue_for_user(user, template, event=registration.event, registration=registration,
                   status_url=external_url("registration.my_registration", slug=registration.event.slug),
                   **context)


# --- Places -------------------------------------------------------------------------

def _lock_places(event, category: Category, registration: Registration | None = None) -> None:
    """Serialise every change to who holds a place in `category` (and in the event,
    when the event has a capacity), until the transaction ends.

    PostgreSQL: SELECT ... FOR UPDATE on the settings row, then the category row,
    always in that order, so two transactions never wait on each other in a circle.
    SQLite: a write to the category row; SQLite allows one writer at a time, so
    the write holds every other writer back until this transaction ends.
    """
    if not LOCK_PLACES:
        return
    settings = settings_for(event)
    if db.session.get_bind().dialect.name == "postgresql":
        if settings.capacity is not None:
            db.session.execute(select(RegistrationSettings.id).where(RegistrationSettings.id == settings.id)
                               .with_for_update(key_share=True))
        # NO KEY UPDATE: registrations referencing the category hold KEY SHARE locks on
        # its row (foreign key checks); a plain FOR UPDATE would deadlock against them.
        db.session.execute(select(Category.id).where(Category.id == category.id).with_for_update(key_share=True))
    else:
        db.session.execute(update(Category).where(Category.id == category.id)
                           .values(lock_version=Category.lock_version + 1)
                           .execution_options(synchronize_session=False))
    if registration is not None and registration.id is not None:
        # Another transaction may have promoted or changed it while we waited.
        db.session.refresh(registration, ["state", "holds_place", "offered_at"])


def places_taken(category: Category) -> int:
    return db.session.scalar(select(func.count(Registration.id)).where(
        Registration.category_id == category.id, Registration.holds_place.is_(True))) or 0


def _has_free_place(event, category: Category) -> bool:
    """Counted after the lock is held, so the answer stays true until commit."""
    capacity = db.session.scalar(select(Category.capacity).where(Category.id == category.id))
    if capacity is not None and places_taken(category) >= capacity:
        return False
    event_capacity = settings_for(event).capacity
    if event_capacity is not None:
        taken = db.session.scalar(select(func.count(Registration.id)).where(
            Registration.event_id == event.id, Registration.holds_place.is_(True))) or 0
        if taken >= event_capacity:
            return False
    return True


def _approve_or_waitlist(registration: Registration, *, actor, message: str = "") -> S:
    """Approve if a place is free (or already held), otherwise waitlist. Returns the new state."""
    _lock_places(registration.event, registration.category, registration)
    if S.approved not in ALLOWED[registration.state]:
        raise IllegalTransition(registration.state, S.approved)
    if registration.holds_place or _has_free_place(registration.event, registration.category):
        registration.holds_place = True
        transition(registration, S.approved, actor=actor, message=message)
    elif registration.state != S.waitlisted:
        transition(registration, S.waitlisted, actor=actor, message=message)
    return registration.state


def fill_free_places(event, category: Category, *, actor) -> list[Registration]:
    """Give freed places to the waitlist, first come first served.

    Without an event capacity only `category` can have gained a place. With one,
    a place freed anywhere may go to any category's waitlist; the settings lock
    (held by the caller through `_lock_places`) makes locking other categories
    safe. Promoted delegates are approved, or offered the place when the event
    says so; either way they are emailed.
    """
    settings = settings_for(event)
    stmt = (select(Registration).where(Registration.event_id == event.id, Registration.state == S.waitlisted,
                                       Registration.offered_at.is_(None))
            .order_by(Registration.waitlisted_at, Registration.id).limit(500))
    if settings.capacity is None:
        stmt = stmt.where(Registration.category_id == category.id)
    promoted = []
    locked = {category.id}
    for candidate in db.session.scalars(stmt).all():
        if candidate.category_id not in locked:
            _lock_places(event, candidate.category)
            locked.add(candidate.category_id)
        if not _has_free_place(event, candidate.category):
            if settings.capacity is None:
                break
            continue
        candidate.holds_place = True
        if settings.waitlist_mode == WaitlistMode.offer:
            candidate.offered_at = utcnow()
            db.session.flush()
            record(actor=actor, action="registration.offer", obj=candidate, event=event,
                   summary=candidate.full_name)
            _notify(candidate, "registration_offer")
        else:
            transition(candidate, S.approved, actor=actor,
                       message=_l("A place became free and it is yours."))
        promoted.append(candidate)
    return promoted


def _release_place(registration: Registration, *, actor) -> None:
    if registration.holds_place:
        registration.holds_place = False
        db.session.flush()
        fill_free_places(registration.event, registration.category, actor=actor)


# --- The delegate's side ----------------------------------------------------------

def apply_details(registration: Registration, data: dict) -> None:
    """Copy the form's values onto the registration (no workflow)."""
    for field in DETAIL_FIELDS + PASSPORT_FIELDS:
        if field in data:
            value = data[field]
            if value is None and field not in NULLABLE_FIELDS:
                value = [] if field == "languages" else ""
            setattr(registration, field, value)
    if not registration.visa_letter_needed:
        # Passport data is kept only for the visa-support letter.
        _clear_passport(registration)
    if "answers" in data:
        registration.answers = dict(data["answers"])


def _has_passport(registration: Registration) -> bool:
    return bool(registration.passport_number or registration.passport_expiry or registration.date_of_birth
                or registration.place_of_birth)


def _clear_passport(registration: Registration) -> None:
    registration.passport_number = ""
    registration.passport_expiry = None
    registration.date_of_birth = None
    registration.place_of_birth = ""


def create_registration(event, user, data: dict, *, category: Category, actor,
                        delegation=None) -> Registration:
    """Create `user`'s registration and submit it if their email is verified.

    Raises AlreadyRegistered (after a database refusal: the caller rolls back)
    when the person already has a live registration for the event. Side
    effects: audit entry `registration.create`; submission (see
    `submit_verified`) when the address is verified, otherwise it stays a
    draft until `email_verified` fires.
    """
    registration = _new_registration(event, user, data, category=category, actor=actor, delegation=delegation)
    if user.is_verified:
        submit_verified(registration, actor=actor)
    return registration


def _new_registration(event, user, data: dict, *, category: Category, actor, delegation=None) -> Registration:
    if category.event_id != event.id:
        raise RegistrationError(_l("Choose a category from the list."))
    if live_registration(event, user) is not None:
        raise AlreadyRegistered()
    registration = Registration(event=event, user=user, category=category, email=user.email,
                                delegation=delegation, state=S.draft, privacy_consent_at=utcnow())
    apply_details(registration, data)
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise AlreadyRegistered() from exc
    record(actor=actor, action="registration.create", obj=registration, event=event,
           summary=registration.full_name, after=snapshot(registration, AUDIT_FIELDS))
    return registration


def submit_registration(registration: Registration, *, actor, preapproved: bool = False) -> S:
    """draft -> submitted; auto-approved categories (and pre-approved invitations)
    then take a free place at once or join the waitlist. One email tells the
    delegate the outcome."""
    decide_now = preapproved or registration.category.approval == ApprovalMode.auto
    transition(registration, S.submitted, actor=actor, notify=not decide_now)
    if decide_now:
        _approve_or_waitlist(registration, actor=actor)
    return registration.state


def submit_verified(registration: Registration, *, actor) -> S:
    """Submit a draft whose owner's address is proven. A pending invitation to
    that address applies first (its category and delegation; used up), whatever
    browser its link was opened in."""
    match_pending_invitation(registration, actor=actor)
    return submit_registration(registration, actor=actor, preapproved=_invitation_preapproves(registration))


def submit_drafts_on_verification(user, **_kwargs) -> None:
    """The address is now proven: the drafts that waited for it are submitted."""
    for registration in db.session.scalars(select(Registration).where(
            Registration.user_id == user.id, Registration.state == S.draft)).all():
        submit_verified(registration, actor=user)


def _invitation_preapproves(registration: Registration) -> bool:
    # A link used for another address is for accreditation to look at, never approved unseen.
    return (registration.invitation_id is not None and not registration.invitation_other_address
            and settings_for(registration.event).invited_preapproved)


def submit_if_verified(registration: Registration, *, actor) -> bool:
    """Submit a draft whose owner has verified their address by now (for example
    through a password reset). True if it was submitted."""
    if registration.state == S.draft and registration.user is not None and registration.user.is_verified:
        submit_verified(registration, actor=actor)
        return True
    return False


def update_registration(registration: Registration, data: dict, *, actor) -> bool:
    """Save the delegate's changes. An approved registration whose name or
    passport fields change goes back to review (keeping its place) and its
    badge stops being valid. Returns True if it went back to review.
    """
    if registration.state in (S.rejected, S.cancelled):
        raise RegistrationError(_l("This registration can no longer be changed."))
    before = snapshot(registration, AUDIT_FIELDS)
    review_before = {f: getattr(registration, f) for f in REVIEW_FIELDS}
    apply_details(registration, data)
    db.session.flush()
    record(actor=actor, action="registration.update", obj=registration, event=registration.event,
           summary=registration.full_name, before=before, after=snapshot(registration, AUDIT_FIELDS))
    changed = any(getattr(registration, f) != v for f, v in review_before.items())
    if registration.state == S.approved and changed:
        invalidate_badge(registration)
        transition(registration, S.submitted, actor=actor,
                   message=_l("Your name or passport details changed, so accreditation checks them again."))
        return True
    return False


def invalidate_badge(registration: Registration) -> None:
    """Any badge printed so far stops being valid; the next one gets a new version."""
    registration.badge_version += 1
    registration.badge_invalidated_at = utcnow()


def cancel_registration(registration: Registration, *, actor, reason: str = "") -> None:
    """Cancel (delegate or officer); a freed place goes to the waitlist."""
    _lock_places(registration.event, registration.category, registration)
    transition(registration, S.cancelled, actor=actor, reason=reason)
    _release_place(registration, actor=actor)


def accept_offer(registration: Registration, *, actor) -> None:
    """The waitlisted delegate takes the place offered to them."""
    if registration.state != S.waitlisted or registration.offered_at is None:
        raise RegistrationError(_l("There is no place on offer for this registration."))
    transition(registration, S.approved, actor=actor)


# --- The officer's side -----------------------------------------------------------

def approve_registration(registration: Registration, *, actor, message: str = "") -> S:
    """Approve if a place is free, otherwise waitlist; returns the resulting state."""
    if S.approved not in ALLOWED[registration.state]:
        raise IllegalTransition(registration.state, S.approved)
    return _approve_or_waitlist(registration, actor=actor, message=message)


def reject_registration(registration: Registration, *, actor, message: str = "") -> None:
    _lock_places(registration.event, registration.category, registration)
    transition(registration, S.rejected, actor=actor, message=message)
    _release_place(registration, actor=actor)


def waitlist_registration(registration: Registration, *, actor, message: str = "") -> None:
    _lock_places(registration.event, registration.category, registration)
    transition(registration, S.waitlisted, actor=actor, message=message)
    _release_place(registration, actor=actor)


DECISIONS = {
    "approve": approve_registration,
    "reject": reject_registration,
    "waitlist": waitlist_registration,
}


def decide(registration: Registration, decision: str, *, actor, message: str = "") -> None:
    """Apply an officer decision by name (approve, reject, waitlist)."""
    DECISIONS[decision](registration, actor=actor, message=message)


def bulk_decide(registrations: list[Registration], decision: str, *, actor, message: str = "") -> tuple[int, int]:
    """Apply one decision to many; registrations where it is illegal are skipped.
    Returns (done, skipped)."""
    done = skipped = 0
    wanted = {"approve": S.approved, "reject": S.rejected, "waitlist": S.waitlisted}[decision]
    for registration in registrations:
        if wanted not in ALLOWED[registration.state]:
            skipped += 1
            continue
        decide(registration, decision, actor=actor, message=message)
        done += 1
    return done, skipped


def add_note(registration: Registration, body: str, *, actor) -> RegistrationNote:
    """An organiser-only note; audited without its text."""
    note = RegistrationNote(registration_id=registration.id, author_id=actor.id, body=body)
    db.session.add(note)
    db.session.flush()
    record(actor=actor, action="registration.note", obj=registration, event=registration.event,
           summary=registration.full_name)
    return note


def notes(registration: Registration) -> list[RegistrationNote]:
    from sqlalchemy.orm import joinedload

    return list(db.session.scalars(select(RegistrationNote).options(joinedload(RegistrationNote.author))
                                   .where(RegistrationNote.registration_id == registration.id)
                                   .order_by(RegistrationNote.id)))


def history(registration: Registration):
    """The audit entries about this registration, oldest first."""
    from sqlalchemy.orm import joinedload

    from app.audit.models import AuditEntry

    return list(db.session.scalars(select(AuditEntry).options(joinedload(AuditEntry.actor)).where(
        AuditEntry.object_type == "Registration", AuditEntry.object_id == str(registration.id))
        .order_by(AuditEntry.id)))


def answer_text(question: Question, value) -> str:
    """A custom answer as one line of text (pages and exports)."""
    if value is None or value == "" or value == []:
        return ""
    if question.kind == QuestionKind.yesno:
        return str(_l("Yes")) if value in (True, "yes", "y") else str(_l("No"))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


# --- Officer list, duplicates and export --------------------------------------------

SORTS = {
    "newest": (Registration.id.desc(),),
    "oldest": (Registration.id,),
    "name": (Registration.family_name, Registration.given_name, Registration.id),
    "country": (Registration.country, Registration.family_name, Registration.id),
    "state": (Registration.state, Registration.id),
    "category": (Registration.category_id, Registration.family_name, Registration.id),
}


def duplicate_keys(event) -> tuple[set[str], set[tuple]]:
    """(emails, (given, family, date of birth)) shared by more than one live
    registration of the event: two aggregate queries whatever the size."""
    live = (Registration.event_id == event.id, Registration.state != S.cancelled)
    emails = set(db.session.scalars(
        select(func.lower(Registration.email)).where(*live, Registration.email != "")
        .group_by(func.lower(Registration.email)).having(func.count(Registration.id) > 1)))
    people = set(db.session.execute(
        select(func.lower(Registration.given_name), func.lower(Registration.family_name), Registration.date_of_birth)
        .where(*live, Registration.date_of_birth.is_not(None))
        .group_by(func.lower(Registration.given_name), func.lower(Registration.family_name),
                  Registration.date_of_birth)
        .having(func.count(Registration.id) > 1)).tuples().all())
    return emails, people


def is_duplicate(registration: Registration, keys: tuple[set[str], set[tuple]]) -> bool:
    emails, people = keys
    if registration.state == S.cancelled:
        return False
    if registration.email and registration.email.lower() in emails:
        return True
    return (registration.given_name.lower(), registration.family_name.lower(), registration.date_of_birth) in people


def registration_query(event, filters: dict):
    """The officer list's statement for `filters` (state, category, country,
    delegation, visa, q, duplicates, other_address, sort), with what the page shows loaded."""
    from sqlalchemy import or_
    from sqlalchemy.orm import joinedload

    stmt = (select(Registration).where(Registration.event_id == event.id)
            .options(joinedload(Registration.category), joinedload(Registration.delegation)))
    state = filters.get("state")
    if state in S.__members__:
        stmt = stmt.where(Registration.state == S(state))
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
    search = (filters.get("q") or "").strip()[:100]
    if search:
        like = f"%{search.lower()}%"
        stmt = stmt.where(or_(func.lower(Registration.given_name).like(like),
                              func.lower(Registration.family_name).like(like),
                              func.lower(Registration.email).like(like),
                              func.lower(Registration.organisation).like(like)))
    if filters.get("duplicates"):
        emails, people = duplicate_keys(event)
        conditions = [func.lower(Registration.email).in_(emails)] if emails else []
        for given, family, born in people:
            conditions.append((func.lower(Registration.given_name) == given)
                              & (func.lower(Registration.family_name) == family)
                              & (Registration.date_of_birth == born))
        if not conditions:
            return stmt.where(Registration.id.is_(None))
        stmt = stmt.where(Registration.state != S.cancelled, or_(*conditions))
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


def _export_value(registration: Registration, key: str, locale: str = "en"):
    if key in ("country_name", "nationality_name"):
        return country_name(getattr(registration, key.removesuffix("_name")), locale)
    if key == "language_names":
        return language_names(registration.languages, locale)
    if key == "state":
        return SHORT_LABELS[registration.state]
    if key == "category":
        return registration.category.name
    if key == "delegation":
        return registration.delegation.name if registration.delegation else ""
    if key == "honorific":
        return honorific_label(registration.honorific or "")
    return getattr(registration, key)


def export_table(event, filters: dict, *, with_passport: bool) -> Table:
    """The registrations of the current filter for CSV/XLSX, titles, states, country
    and language names in the reader's language (next to the codes), dates and numbers
    typed, times in the event's zone; passport columns only when
    the reader may see them. Custom questions come last, titled by their label."""
    qs = questions(event)
    columns = EXPORT_COLUMNS | (PASSPORT_COLUMNS if with_passport else {})
    keys = list(columns)
    locale = reader_locale()
    rows = []
    for registration in db.session.scalars(registration_query(event, filters)).unique():
        answers = registration.answers or {}
        rows.append([_export_value(registration, key, locale) for key in keys]
                    + [answer_text(q, answers.get(str(q.id))) for q in qs])
    return build_table(list(columns.items()) + [(f"question_{q.id}", q.label) for q in qs], rows,
                       zone=event.timezone)


def record_export(event, fmt: str, count: int, *, actor) -> None:
    """Exports carry personal data: who took which one is audited."""
    record(actor=actor, action="registration.export", obj=event, event=event, summary=f"{fmt}: {count} rows")


def replace_photo(registration: Registration, jpeg: bytes, *, actor) -> None:
    """Store a processed badge photo, drop the old file; audited. A new photo
    invalidates a printed badge."""
    from app.registration import photos

    old = registration.photo_filename
    registration.photo_filename = photos.save_photo(jpeg)
    if old:
        photos.delete_photo(old)
        if registration.state == S.approved:
            invalidate_badge(registration)
    record(actor=actor, action="registration.photo", obj=registration, event=registration.event,
           summary=registration.full_name)


# --- Configuration ------------------------------------------------------------------

CATEGORY_FIELDS = ("name", "description", "approval", "invite_only", "capacity", "protocol_rank", "position",
                   "active")
SETTINGS_FIELDS = ("capacity", "waitlist_mode", "invited_preapproved", "passport_retention_days",
                   "invitation_days", "participant_list")


def category_name_taken(event, name: str, *, exclude: Category | None = None) -> bool:
    stmt = select(Category.id).where(Category.event_id == event.id, func.lower(Category.name) == name.lower())
    if exclude is not None:
        stmt = stmt.where(Category.id != exclude.id)
    return db.session.scalar(stmt) is not None


def save_category(event, category: Category | None, data: dict, *, actor) -> Category:
    """Create or change a category; audited. A larger capacity fills free places from the waitlist."""
    created = category is None
    if created:
        category = Category(event_id=event.id)
        db.session.add(category)
    before = {} if created else snapshot(category, CATEGORY_FIELDS)
    for field in CATEGORY_FIELDS:
        if field in data:
            setattr(category, field, data[field])
    db.session.flush()
    record(actor=actor, action="category.create" if created else "category.update", obj=category, event=event,
           summary=category.name, before=before, after=snapshot(category, CATEGORY_FIELDS))
    if not created:
        _lock_places(event, category)
        fill_free_places(event, category, actor=actor)
    return category


def update_settings(event, data: dict, *, actor) -> RegistrationSettings:
    """Change the event's registration settings; audited. Opening or closing the
    participant list also renews the cached public agenda pages, whose menu links to it."""
    settings = settings_for(event)
    before = snapshot(settings, SETTINGS_FIELDS)
    for field in SETTINGS_FIELDS:
        if field in data:
            setattr(settings, field, data[field])
    db.session.flush()
    record(actor=actor, action="registration.settings", obj=settings, event=event, before=before,
           after=snapshot(settings, SETTINGS_FIELDS))
    if bool(before["participant_list"]) != bool(settings.participant_list):
        from app.agenda.cache import invalidate_public_cache

        invalidate_public_cache(event)
    return settings


def add_question(event, *, label: str, kind: QuestionKind, choices: list[str], required: bool, position: int,
                 actor) -> Question:
    """A custom question on the form and in exports; audited."""
    question = Question(event_id=event.id, label=label, kind=kind,
                        choices=choices if kind in (QuestionKind.choice, QuestionKind.multi) else [],
                        required=required, position=position)
    db.session.add(question)
    db.session.flush()
    record(actor=actor, action="question.create", obj=question, event=event, summary=label)
    return question


def set_question_active(question: Question, active: bool, *, actor) -> None:
    """Hide or show a question; answers already given are kept."""
    question.active = active
    record(actor=actor, action="question.update", obj=question, event=question.event, summary=question.label,
           before={"active": not active}, after={"active": active})


def places_taken_by_category(event) -> dict[int, int]:
    """{category id: places held}, one aggregate query."""
    return dict(db.session.execute(
        select(Registration.category_id, func.count(Registration.id))
        .where(Registration.event_id == event.id, Registration.holds_place.is_(True))
        .group_by(Registration.category_id)).tuples().all())


# --- Invitations --------------------------------------------------------------------

MAX_CSV_ROWS = 1000


def _token_hash(raw: str) -> str:
    import hashlib

    return hashlib.sha256(raw.encode()).hexdigest()


def _new_token(invitation: Invitation) -> str:
    import secrets

    raw = secrets.token_urlsafe(32)
    invitation.token_hash = _token_hash(raw)
    return raw


def _send_invitation(invitation: Invitation, raw: str) -> None:
    queue_email(to=invitation.email, template="registration_invitation", locale=invitation.locale,
                event=invitation.event, invitation=invitation,
                accept_url=external_url("registration.accept_invitation", slug=invitation.event.slug, token=raw))


def create_invitation(event, *, email: str, category: Category, actor, delegation=None, message: str = "",
                      honorific: str = "", given_name: str = "", family_name: str = "",
                      locale: str = "en") -> Invitation:
    """Invite one person: a single-use link that expires, emailed in `locale`;
    audited. Refused if the address already holds a usable invitation."""
    if category.event_id != event.id or (delegation is not None and delegation.event_id != event.id):
        raise RegistrationError(_l("Choose a category from the list."))
    if pending_invitation(event, email) is not None:
        raise RegistrationError(_l("%(email)s already has an invitation: resend it instead.", email=email))
    settings = settings_for(event)
    invitation = Invitation(event_id=event.id, email=email.strip().lower(), category_id=category.id,
                            delegation_id=delegation.id if delegation else None, message=message,
                            honorific=honorific, given_name=given_name, family_name=family_name,
                            locale=locale if locale in current_app.config["LANGUAGES"] else "en",
                            created_by_id=getattr(actor, "id", None),
                            expires_at=utcnow() + timedelta(days=settings.invitation_days))
    raw = _new_token(invitation)
    db.session.add(invitation)
    db.session.flush()
    db.session.refresh(invitation, ["event"])
    record(actor=actor, action="invitation.create", obj=invitation, event=event, summary=invitation.email)
    _send_invitation(invitation, raw)
    return invitation


def resend_invitation(invitation: Invitation, *, actor) -> None:
    """A fresh link (the old one stops working) and a fresh expiry; audited."""
    if invitation.state in (InvitationState.registered, InvitationState.revoked):
        raise RegistrationError(_l("This invitation was used or revoked and cannot be sent again."))
    raw = _new_token(invitation)
    invitation.expires_at = utcnow() + timedelta(days=settings_for(invitation.event).invitation_days)
    invitation.sent_count += 1
    invitation.last_sent_at = utcnow()
    db.session.flush()
    record(actor=actor, action="invitation.resend", obj=invitation, event=invitation.event,
           summary=invitation.email)
    _send_invitation(invitation, raw)


def revoke_invitation(invitation: Invitation, *, actor) -> None:
    if invitation.state == InvitationState.registered:
        raise RegistrationError(_l("This invitation was already used to register."))
    invitation.state = InvitationState.revoked
    invitation.revoked_at = utcnow()
    record(actor=actor, action="invitation.revoke", obj=invitation, event=invitation.event,
           summary=invitation.email)


def invitation_by_token(event, raw: str) -> Invitation | None:
    """The usable invitation for a link's token, or None (unknown, used, revoked, expired)."""
    if not raw or len(raw) > 128:
        return None
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == _token_hash(raw),
                                                            Invitation.event_id == event.id))
    return invitation if invitation is not None and invitation.usable else None


def open_invitation(invitation: Invitation) -> None:
    if invitation.state == InvitationState.sent:
        invitation.state = InvitationState.opened
        invitation.opened_at = utcnow()


def register_invited(invitation: Invitation, user, data: dict, *, actor) -> Registration:
    """Register through an invitation's link: its category (even invitation-only)
    and delegation; approved at once when the event says invited delegates are
    and the address is the invited one (another address is flagged for
    accreditation). The invitation is used up, by one registration only:
    RegistrationError if it was used meanwhile."""
    if not claim_invitation(invitation):
        raise RegistrationError(_l("This invitation was already used to register."))
    registration = _new_registration(invitation.event, user, data, category=invitation.category, actor=actor,
                                     delegation=invitation.delegation)
    apply_invitation(registration, invitation, actor=actor)
    if user.is_verified:
        submit_registration(registration, actor=actor, preapproved=_invitation_preapproves(registration))
    return registration


def import_invitations(event, text_value: str, *, category: Category, actor, delegation=None,
                       message: str = "") -> tuple[int, list[tuple[int, str]]]:
    """Invite everyone in a CSV (email, given_name, family_name, honorific, locale;
    a header line is optional). Returns (invited, [(line, problem)]); bad lines
    are skipped, good ones invited."""
    import csv

    from email_validator import EmailNotValidError, validate_email

    invited, problems = 0, []
    rows = list(csv.reader(io.StringIO(text_value)))
    if rows and rows[0] and rows[0][0].strip().lower() in ("email", "e-mail"):
        rows = rows[1:]
        start = 2
    else:
        start = 1
    if len(rows) > MAX_CSV_ROWS:
        return 0, [(0, str(_l("At most %(n)d lines at once.", n=MAX_CSV_ROWS)))]
    for number, row in enumerate(rows, start=start):
        cells = [c.strip()[:200] for c in row] + [""] * 5
        if not any(cells):
            continue
        email = cells[0]
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError:
            problems.append((number, str(_l("not a valid email address"))))
            continue
        try:
            with db.session.begin_nested():
                create_invitation(event, email=email, category=category, actor=actor, delegation=delegation,
                                  message=message, given_name=cells[1][:120], family_name=cells[2][:120],
                                  honorific=cells[3][:40], locale=cells[4] or "en")
        except RegistrationError as exc:
            problems.append((number, str(exc.message)))
            continue
        invited += 1
    return invited, problems


def invitations(event) -> list[Invitation]:
    from sqlalchemy.orm import joinedload

    return list(db.session.scalars(select(Invitation).options(joinedload(Invitation.category),
                                                              joinedload(Invitation.delegation))
                                   .where(Invitation.event_id == event.id).order_by(Invitation.id.desc())))


# --- The public participant list ------------------------------------------------------
# Approved delegates who ticked "show me in the public participant list", and of them
# only what that box names: formal name, position, organisation, country, delegation.
# The category stays out: it is the secretariat's classification (some categories are
# invitation-only, badges and access follow it) and the delegate never agreed to show it.

PARTICIPANT_FIELDS = ("honorific", "given_name", "family_name", "organisation", "position", "country",
                      "delegation_id")
MAX_SEARCH_WORDS = 6


class ParticipantFilters:
    """The list's search words and country, read from query arguments: malformed values
    are dropped, never an error; an unknown country is remembered to be pointed out."""

    def __init__(self, q: str = "", country: str = "", bad_country: str = ""):
        self.q, self.country, self.bad_country = q, country, bad_country

    @classmethod
    def from_args(cls, args) -> "ParticipantFilters":
        from app.utils.countries import is_country

        q = " ".join((args.get("q") or "").split())[:100]
        country = (args.get("country") or "").strip()[:10].upper()
        if country and not is_country(country):
            return cls(q=q, bad_country=country)
        return cls(q=q, country=country)

    @property
    def words(self) -> list[str]:
        return self.q.split()[:MAX_SEARCH_WORDS]

    def link_args(self) -> dict[str, str]:
        """The query arguments that give the same list (for the pages' links)."""
        return {k: v for k, v in (("q", self.q), ("country", self.country)) if v}


def _listed(event) -> tuple:
    """Who is in the public list: approved, with their own account, and agreed to it.
    A held place without a name and a registration back in review are not."""
    return (Registration.event_id == event.id, Registration.state == S.approved,
            Registration.public_listing.is_(True), Registration.user_id.is_not(None))


def _contains_word(column, word: str):
    """`column` contains `word`, case aside, in any script (lower() folds every
    alphabet on both databases: see `tune_sqlite`)."""
    from sqlalchemy import String

    return func.lower(column, type_=String).contains(word.lower(), autoescape=True)


def participant_query(event, filters: ParticipantFilters):
    """The public list's statement: listed delegates by family name, then given name.
    It reads the shown fields and the delegation's name, no other column."""
    from sqlalchemy import and_, or_
    from sqlalchemy.orm import joinedload, load_only

    stmt = (select(Registration).where(*_listed(event))
            .options(load_only(*(getattr(Registration, f) for f in PARTICIPANT_FIELDS)),
                     joinedload(Registration.delegation).load_only(Delegation.name)))
    if filters.country:
        stmt = stmt.where(Registration.country == filters.country)
    if filters.words:
        stmt = stmt.where(and_(*(or_(_contains_word(Registration.given_name, w),
                                     _contains_word(Registration.family_name, w),
                                     _contains_word(Registration.organisation, w)) for w in filters.words)))
    return stmt.order_by(func.lower(Registration.family_name), func.lower(Registration.given_name),
                         Registration.id)


def participants_page(event, filters: ParticipantFilters, *, page: int, per_page: int):
    """One page of the public list (a count and a page of rows). A page past the end
    shows the last one (two more queries, only then)."""
    stmt = participant_query(event, filters)
    page = min(max(page, 1), MAX_PAGE)
    pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    if pagination.page > 1 and pagination.page > pagination.pages:
        pagination = db.paginate(stmt, page=max(pagination.pages, 1), per_page=per_page, error_out=False)
    return pagination


def participant_countries(event) -> list[str]:
    """The country codes of the listed delegates (for the list's country filter): one query."""
    return list(db.session.scalars(select(Registration.country).where(*_listed(event), Registration.country != "")
                                   .distinct()))


# --- Delegations --------------------------------------------------------------------

DELEGATION_FIELDS = ("name", "country", "category_id", "head_user_id", "quota", "protocol_rank")
MEMBER_FIELDS = ("honorific", "given_name", "family_name", "organisation", "position", "nationality", "country")


def delegations_in_protocol_order(event) -> list[Delegation]:
    """Delegations by their category's protocol rank, then their own rank, then name."""
    from sqlalchemy.orm import joinedload

    return list(db.session.scalars(
        select(Delegation).outerjoin(Category, Category.id == Delegation.category_id)
        .options(joinedload(Delegation.category), joinedload(Delegation.head))
        .where(Delegation.event_id == event.id)
        .order_by(func.coalesce(Category.protocol_rank, 10000), Delegation.protocol_rank, Delegation.name)))


def delegation_counts(event) -> dict[int, dict[S, int]]:
    """{delegation id: {state: count}} in one grouped query."""
    result: dict[int, dict[S, int]] = {}
    for delegation_id, state, n in db.session.execute(
            select(Registration.delegation_id, Registration.state, func.count(Registration.id))
            .where(Registration.event_id == event.id, Registration.delegation_id.is_not(None))
            .group_by(Registration.delegation_id, Registration.state)).all():
        result.setdefault(delegation_id, {})[state] = n
    return result


def members(delegation: Delegation) -> list[Registration]:
    """The delegation's registrations in protocol order (cancelled last)."""
    from sqlalchemy.orm import joinedload

    return list(db.session.scalars(
        select(Registration).join(Category, Category.id == Registration.category_id)
        .options(joinedload(Registration.category), joinedload(Registration.user))
        .where(Registration.delegation_id == delegation.id)
        .order_by((Registration.state == S.cancelled), Category.protocol_rank, Registration.protocol_rank,
                  Registration.family_name, Registration.id)))


def delegations_led(event, user) -> list[Delegation]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return list(db.session.scalars(select(Delegation).where(Delegation.event_id == event.id,
                                                            Delegation.head_user_id == user.id)
                                   .order_by(Delegation.name)))


def save_delegation(event, delegation: Delegation | None, data: dict, *, actor) -> Delegation:
    """Create or change a delegation; audited."""
    created = delegation is None
    if created:
        delegation = Delegation(event_id=event.id)
        db.session.add(delegation)
    before = {} if created else snapshot(delegation, DELEGATION_FIELDS)
    for field in DELEGATION_FIELDS:
        if field in data:
            setattr(delegation, field, data[field])
    db.session.flush()
    record(actor=actor, action="delegation.create" if created else "delegation.update", obj=delegation,
           event=event, summary=delegation.name, before=before, after=snapshot(delegation, DELEGATION_FIELDS))
    return delegation


def delegation_name_taken(event, name: str, *, exclude: Delegation | None = None) -> bool:
    stmt = select(Delegation.id).where(Delegation.event_id == event.id, func.lower(Delegation.name) == name.lower())
    if exclude is not None:
        stmt = stmt.where(Delegation.id != exclude.id)
    return db.session.scalar(stmt) is not None


def _lock_delegation(delegation: Delegation) -> None:
    """Serialise quota checks of one delegation (see `_lock_places` for SQLite)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Delegation.id).where(Delegation.id == delegation.id)
                           .with_for_update(key_share=True))


def _check_quota(delegation: Delegation) -> None:
    """Called after the new rows are flushed: refuses (the caller rolls back) if over quota."""
    if delegation.quota is None:
        return
    used = db.session.scalar(select(func.count(Registration.id)).where(
        Registration.delegation_id == delegation.id, Registration.state.not_in((S.cancelled, S.rejected))))
    if used > delegation.quota:
        raise RegistrationError(_l("The delegation's quota of %(quota)d places is used up.", quota=delegation.quota))


def _delegation_category(delegation: Delegation) -> Category:
    if delegation.category is None:
        raise RegistrationError(_l("Give the delegation a category first."))
    return delegation.category


def hold_places(delegation: Delegation, count: int, *, actor) -> list[Registration]:
    """Hold `count` places under the quota before names are known: registrations
    without a person, submitted like any other of the delegation's category."""
    if not 1 <= count <= 100:
        raise RegistrationError(_l("Hold between 1 and 100 places at a time."))
    category = _delegation_category(delegation)
    _lock_delegation(delegation)
    held = []
    for _ in range(count):
        registration = Registration(event=delegation.event, user=None, category=category, delegation=delegation,
                                    state=S.draft, organisation=delegation.name, country=delegation.country)
        db.session.add(registration)
        held.append(registration)
    db.session.flush()
    _check_quota(delegation)
    for registration in held:
        record(actor=actor, action="registration.hold", obj=registration, event=delegation.event,
               summary=delegation.name)
        submit_registration(registration, actor=actor)
    return held


def _member_account(email: str, data: dict):
    """The member's account, created (unverified) when the address has none.
    Returns (user, set_password_url or None)."""
    import secrets as _secrets

    from app.accounts.models import User
    from app.accounts.services import create_token, create_user

    user = User.by_email(email)
    if user is not None:
        return user, None
    user = create_user(email=email, password=_secrets.token_urlsafe(24), verified=False,
                       **{k: v for k, v in data.items() if k in ("honorific", "given_name", "family_name",
                                                                 "organisation", "position", "country")})
    raw = create_token(user, "reset", hours=24 * 14)
    return user, external_url("accounts.reset_password", token=raw)


def register_member(delegation: Delegation, email: str, data: dict, *, actor) -> Registration:
    """The head (or accreditation) registers a member on their behalf. The member
    gets their own account (a link to choose a password when new) and an email;
    the registration is submitted at once, the head vouching for the address."""
    category = _delegation_category(delegation)
    _lock_delegation(delegation)
    user, set_password_url = _member_account(email, data)
    if live_registration(delegation.event, user) is not None:
        raise RegistrationError(_l("%(email)s is already registered for this event.", email=email))
    registration = Registration(event=delegation.event, user=user, category=category, delegation=delegation,
                                email=user.email, state=S.draft, organisation=delegation.name,
                                country=delegation.country)
    apply_details(registration, data)
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise AlreadyRegistered() from exc
    _check_quota(delegation)
    record(actor=actor, action="registration.create", obj=registration, event=delegation.event,
           summary=f"{registration.full_name} ({delegation.name})", after=snapshot(registration, AUDIT_FIELDS))
    _notify(registration, "registration_member_added", head=actor, set_password_url=set_password_url)
    submit_registration(registration, actor=actor)
    return registration


def substitute_member(registration: Registration, email: str, data: dict, *, actor) -> Registration:
    """Put another person on a delegation's place (or name a held place). The place,
    state and approval stay; the replaced person is emailed and their badge stops
    being valid. Audited."""
    if registration.delegation is None or registration.state in (S.cancelled, S.rejected):
        raise RegistrationError(_l("Only a live place of a delegation can be given to someone else."))
    user, set_password_url = _member_account(email, data)
    if user.id == registration.user_id:
        raise RegistrationError(_l("This person already holds the place."))
    if live_registration(registration.event, user) is not None:
        raise RegistrationError(_l("%(email)s is already registered for this event.", email=email))
    replaced = registration.user
    before = snapshot(registration, AUDIT_FIELDS + ("user_id",))
    if replaced is not None:
        _notify(registration, "registration_replaced")
        invalidate_badge(registration)
    registration.user = user
    registration.email = user.email
    # Nothing of the replaced person stays on the place: the newcomer starts, like a
    # member registered by the head, from the delegation's organisation and country,
    # and has agreed to nothing (not to the public participant list either).
    _clear_passport(registration)
    registration.visa_letter_needed = False
    registration.photo_filename = ""
    registration.organisation = registration.delegation.name
    registration.country = registration.delegation.country
    registration.phone = registration.dietary = registration.accessibility = ""
    registration.languages = []
    registration.arrival_date = registration.departure_date = None
    registration.public_listing = False
    registration.answers = {}
    for field in TRAVEL_FIELDS:
        setattr(registration, field, None if field in NULLABLE_FIELDS else
                False if field == "airport_transfer" else "")
    registration.travel_updated_at = None
    apply_details(registration, data)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise AlreadyRegistered() from exc
    record(actor=actor, action="registration.substitute", obj=registration, event=registration.event,
           summary=f"{registration.full_name} ({registration.delegation.name})", before=before,
           after=snapshot(registration, AUDIT_FIELDS + ("user_id",)))
    _notify(registration, "registration_member_added", head=actor, set_password_url=set_password_url)
    return registration


def set_member_rank(registration: Registration, rank: int, *, actor) -> None:
    before = {"protocol_rank": registration.protocol_rank}
    registration.protocol_rank = rank
    record(actor=actor, action="registration.rank", obj=registration, event=registration.event,
           summary=registration.full_name, before=before, after={"protocol_rank": rank})


# --- Travel (second stage) and passport retention -------------------------------------

def update_travel(registration: Registration, data: dict, *, actor) -> None:
    """Save an approved delegate's travel details for protocol and logistics; audited."""
    if registration.state != S.approved:
        raise RegistrationError(_l("Travel details are asked for once the registration is approved."))
    before = snapshot(registration, TRAVEL_FIELDS)
    for field in TRAVEL_FIELDS:
        if field in data:
            value = data[field]
            setattr(registration, field, value if value is not None or field in NULLABLE_FIELDS else "")
    registration.travel_updated_at = utcnow()
    db.session.flush()
    record(actor=actor, action="registration.travel", obj=registration, event=registration.event,
           summary=registration.full_name, before=before, after=snapshot(registration, TRAVEL_FIELDS))


def queue_travel_reminders(event, *, actor=None, min_hours_between: int = 24) -> int:
    """Email approved delegates who have not given their travel details (at most
    once per `min_hours_between` hours each). Returns how many were queued."""
    from sqlalchemy.orm import joinedload

    since = utcnow() - timedelta(hours=min_hours_between)
    due = list(db.session.scalars(
        select(Registration).options(joinedload(Registration.user), joinedload(Registration.event))
        .where(Registration.event_id == event.id, Registration.state == S.approved,
               Registration.user_id.is_not(None), Registration.travel_updated_at.is_(None),
               (Registration.travel_reminded_at.is_(None)) | (Registration.travel_reminded_at < since))))
    for registration in due:
        registration.travel_reminded_at = utcnow()
        _notify(registration, "registration_travel_reminder",
                travel_url=external_url("registration.travel", slug=event.slug))
    if due:
        record(actor=actor, action="registration.travel_reminders", obj=event, event=event,
               summary=f"{len(due)} reminders")
    return len(due)


def purge_passports(*, today: date | None = None) -> dict[str, int]:
    """Delete passport fields of every event whose retention period is over (the
    event's last day plus its retention days); the rest of each registration
    stays. One audit entry per event. Returns {event slug: registrations purged}."""
    from app.events.models import Event

    today = today or utcnow().date()
    purged: dict[str, int] = {}
    for event in db.session.scalars(select(Event).order_by(Event.id)):
        days = settings_for(event).passport_retention_days
        if today <= event.end_date + timedelta(days=days):
            continue
        holders = list(db.session.scalars(select(Registration).where(
            Registration.event_id == event.id,
            (Registration.passport_number != "") | Registration.passport_expiry.is_not(None)
            | Registration.date_of_birth.is_not(None) | (Registration.place_of_birth != ""))))
        if not holders:
            continue
        now = utcnow()
        for registration in holders:
            _clear_passport(registration)
            registration.passport_purged_at = now
        db.session.flush()
        record(actor=None, action="registration.purge_passports", obj=event, event=event,
               summary=f"passport data deleted from {len(holders)} registrations, {days} days after the event")
        purged[event.slug] = len(holders)
    return purged
