"""The registration's fields and states: the delegate's details, and
`transition()`, through which every state change goes (it refuses illegal moves,
writes the audit entry and queues the delegate's email in their language)."""
from __future__ import annotations

from app.audit.services import record
from app.extensions import db
from app.mail.services import queue_for_user
from app.registration.models import Registration, RegistrationState
from app.registration.services.errors import IllegalTransition
from app.utils.time import utcnow
from app.utils.urls import external_url
from app.utils.translated import Translated


ALLOWED: dict[RegistrationState, frozenset[RegistrationState]] = {
    RegistrationState.draft: frozenset({RegistrationState.submitted, RegistrationState.cancelled}),
    RegistrationState.submitted: frozenset({RegistrationState.approved, RegistrationState.rejected,
                                            RegistrationState.waitlisted, RegistrationState.cancelled}),
    RegistrationState.waitlisted: frozenset({RegistrationState.approved, RegistrationState.rejected,
                                             RegistrationState.cancelled}),
    # approved -> submitted: an approved delegate changed their name or passport.
    RegistrationState.approved: frozenset({RegistrationState.cancelled, RegistrationState.submitted}),
    RegistrationState.rejected: frozenset(),
    RegistrationState.cancelled: frozenset(),
}


# Fields the delegate fills in; the form and the exports use the same list.
DETAIL_FIELDS = ("honorific", "given_name", "family_name", "organisation", "position", "country", "nationality",
                 "phone", "languages", "dietary", "accessibility", "arrival_date", "departure_date",
                 "visa_letter_needed", "public_listing")


PASSPORT_FIELDS = ("passport_number", "passport_expiry", "date_of_birth", "place_of_birth")


# Changing these after approval sends the registration back to review.
REVIEW_FIELDS = ("honorific", "given_name", "family_name") + PASSPORT_FIELDS


TRAVEL_FIELDS = ("arrival_flight", "arrival_at", "departure_flight", "departure_at", "hotel", "airport_transfer",
                 "travel_origin", "travel_legs", "travel_return")
# What a travel field holds when it is cleared (the rest: an empty text, or None where nullable).
TRAVEL_BLANKS = {"airport_transfer": False, "travel_legs": [], "travel_return": True}


NULLABLE_FIELDS = ("arrival_date", "departure_date", "passport_expiry", "date_of_birth", "arrival_at",
                   "departure_at")


AUDIT_FIELDS = ("state", "category_id", "delegation_id") + DETAIL_FIELDS + ("visa_letter_needed",)


def transition(registration: Registration, to: RegistrationState, *, actor, message: str = "", reason: str = "",
               notify: bool = True) -> None:
    """Move `registration` to state `to`, or raise IllegalTransition.

    Side effects: timestamps, an audit entry `registration.<state>`, and (unless
    `notify` is False) an email to the delegate in their language. Places are
    the caller's business (see `_take_place` / `release_place`).
    """
    current = registration.state
    if to not in ALLOWED[current]:
        raise IllegalTransition(current, to)
    registration.state = to
    now = utcnow()
    if to == RegistrationState.submitted:
        registration.submitted_at = now
    elif to in (RegistrationState.approved, RegistrationState.rejected):
        registration.decided_at = now
    elif to == RegistrationState.waitlisted:
        registration.waitlisted_at = now
    elif to == RegistrationState.cancelled:
        registration.cancelled_at = now
        registration.cancel_reason = (reason or "")[:500]
    if to in (RegistrationState.cancelled, RegistrationState.rejected) and has_passport(registration):
        # No letter will be written: the passport data has no purpose left.
        clear_passport(registration)
        registration.passport_purged_at = now
    if to != RegistrationState.waitlisted:
        registration.offered_at = None
    db.session.flush()
    record(actor=actor, action=f"registration.{to.value}", obj=registration, event=registration.event,
           summary=_plain_summary(message, reason, registration),
           before={"state": current.value}, after={"state": to.value})
    if notify:
        notify_delegate(registration, "registration_status", message=message, reason=reason)


def _plain_summary(message, reason, registration) -> str:
    # Lazy (translatable) messages are shown to the delegate in their language;
    # the audit log keeps only what an organiser typed.
    typed = [m.in_(m.source) if isinstance(m, Translated) else m for m in (message, reason)
             if isinstance(m, (str, Translated)) and m]
    return (typed[0] if typed else registration.full_name)[:500]


def notify_delegate(registration: Registration, template: str, **context) -> None:
    user = registration.user
    if user is None:
        return
    queue_for_user(user, template, event=registration.event, registration=registration,
                   status_url=external_url("registration.my_registration", slug=registration.event.slug),
                   **context)


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
        clear_passport(registration)
    if "answers" in data:
        registration.answers = dict(data["answers"])


def has_passport(registration: Registration) -> bool:
    return bool(registration.passport_number or registration.passport_expiry or registration.date_of_birth
                or registration.place_of_birth)


def clear_passport(registration: Registration) -> None:
    registration.passport_number = ""
    registration.passport_expiry = None
    registration.date_of_birth = None
    registration.place_of_birth = ""


def invalidate_badge(registration: Registration) -> None:
    """Any badge printed so far stops being valid; the next one gets a new version."""
    registration.badge_version += 1
    registration.badge_invalidated_at = utcnow()
