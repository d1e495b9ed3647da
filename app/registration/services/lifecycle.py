"""A registration's life: created (by the delegate, or through an invitation's
link), submitted once the address is proven, changed, cancelled, and decided by
accreditation. Functions here flush but never commit: the caller commits once."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit.services import record, snapshot
from app.extensions import db
from app.registration import photos
from app.registration.models import ApprovalMode, Category, Invitation, Registration, RegistrationState
from app.registration.services.errors import AlreadyRegistered, IllegalTransition, RegistrationError
from app.registration.services.invitations import apply_invitation, claim_invitation, match_pending_invitation
from app.registration.services.places import approve_or_waitlist, lock_places, release_place
from app.registration.services.settings import live_registration, settings_for
from app.registration.services.transitions import (ALLOWED, AUDIT_FIELDS, REVIEW_FIELDS, apply_details,
                                                   invalidate_badge, transition)
from app.utils.time import utcnow


def create_registration(event, user, data: dict, *, category: Category, actor,
                        delegation=None) -> Registration:
    """Create `user`'s registration and submit it if their email is verified.

    Raises AlreadyRegistered (after a database refusal: the caller rolls back)
    when the person already has a live registration for the event. Side
    effects: audit entry `registration.create`; submission (see
    `submit_verified`) when the address is verified, otherwise it stays a
    draft until `email_verified` fires.
    """
    registration = new_registration(event, user, data, category=category, actor=actor, delegation=delegation)
    if user.is_verified:
        submit_verified(registration, actor=actor)
    return registration


def insert_registration(registration: Registration, data: dict) -> None:
    """Fill a new registration from the form's `data` and write it. A second live
    registration of the same person in the event (a double submission racing this
    one) hits the database's unique index and is refused as AlreadyRegistered."""
    apply_details(registration, data)
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise AlreadyRegistered() from exc


def new_registration(event, user, data: dict, *, category: Category, actor, delegation=None) -> Registration:
    if category.event_id != event.id:
        raise RegistrationError(_l("Choose a category from the list."))
    if live_registration(event, user) is not None:
        raise AlreadyRegistered()
    registration = Registration(event=event, user=user, category=category, email=user.email,
                                delegation=delegation, state=RegistrationState.draft, privacy_consent_at=utcnow())
    insert_registration(registration, data)
    record(actor=actor, action="registration.create", obj=registration, event=event,
           summary=registration.full_name, after=snapshot(registration, AUDIT_FIELDS))
    return registration


def register_invited(invitation: Invitation, user, data: dict, *, actor) -> Registration:
    """Register through an invitation's link: its category (even invitation-only)
    and delegation; approved at once when the event says invited delegates are
    and the address is the invited one (another address is flagged for
    accreditation). The invitation is used up, by one registration only:
    RegistrationError if it was used meanwhile."""
    if not claim_invitation(invitation):
        raise RegistrationError(_l("This invitation was already used to register."))
    registration = new_registration(invitation.event, user, data, category=invitation.category, actor=actor,
                                     delegation=invitation.delegation)
    apply_invitation(registration, invitation, actor=actor)
    if user.is_verified:
        submit_registration(registration, actor=actor, preapproved=invitation_preapproves(registration))
    return registration


def submit_registration(registration: Registration, *, actor, preapproved: bool = False) -> RegistrationState:
    """draft -> submitted; auto-approved categories (and pre-approved invitations)
    then take a free place at once or join the waitlist. One email tells the
    delegate the outcome."""
    decide_now = preapproved or registration.category.approval == ApprovalMode.auto
    transition(registration, RegistrationState.submitted, actor=actor, notify=not decide_now)
    if decide_now:
        approve_or_waitlist(registration, actor=actor)
    return registration.state


def submit_verified(registration: Registration, *, actor) -> RegistrationState:
    """Submit a draft whose owner's address is proven. A pending invitation to
    that address applies first (its category and delegation; used up), whatever
    browser its link was opened in."""
    match_pending_invitation(registration, actor=actor)
    return submit_registration(registration, actor=actor, preapproved=invitation_preapproves(registration))


def submit_drafts_on_verification(user, **_kwargs) -> None:
    """The address is now proven: the drafts that waited for it are submitted."""
    for registration in db.session.scalars(select(Registration).where(
            Registration.user_id == user.id, Registration.state == RegistrationState.draft)).all():
        submit_verified(registration, actor=user)


def invitation_preapproves(registration: Registration) -> bool:
    # A link used for another address is for accreditation to look at, never approved unseen.
    return (registration.invitation_id is not None and not registration.invitation_other_address
            and settings_for(registration.event).invited_preapproved)


def update_registration(registration: Registration, data: dict, *, actor, photo: bytes | None = None) -> bool:
    """Save the delegate's changes (and a new badge photo, if one is given). An
    approved registration whose name or passport fields change goes back to review
    (keeping its place) and its badge stops being valid. Returns True if it went
    back to review.
    """
    if registration.state in (RegistrationState.rejected, RegistrationState.cancelled):
        raise RegistrationError(_l("This registration can no longer be changed."))
    before = snapshot(registration, AUDIT_FIELDS)
    review_before = {f: getattr(registration, f) for f in REVIEW_FIELDS}
    apply_details(registration, data)
    db.session.flush()
    record(actor=actor, action="registration.update", obj=registration, event=registration.event,
           summary=registration.full_name, before=before, after=snapshot(registration, AUDIT_FIELDS))
    changed = any(getattr(registration, f) != v for f, v in review_before.items())
    back_to_review = registration.state == RegistrationState.approved and changed
    if back_to_review:
        invalidate_badge(registration)
        transition(registration, RegistrationState.submitted, actor=actor,
                   message=_l("Your name or passport details changed, so accreditation checks them again."))
    if photo:
        replace_photo(registration, photo, actor=actor)
    return back_to_review


def cancel_registration(registration: Registration, *, actor, reason: str = "") -> None:
    """Cancel (delegate or officer); a freed place goes to the waitlist."""
    lock_places(registration.event, registration.category, registration)
    transition(registration, RegistrationState.cancelled, actor=actor, reason=reason)
    release_place(registration, actor=actor)


def accept_offer(registration: Registration, *, actor) -> None:
    """The waitlisted delegate takes the place offered to them."""
    if registration.state != RegistrationState.waitlisted or registration.offered_at is None:
        raise RegistrationError(_l("There is no place on offer for this registration."))
    transition(registration, RegistrationState.approved, actor=actor)


def approve_registration(registration: Registration, *, actor, message: str = "") -> RegistrationState:
    """Approve if a place is free, otherwise waitlist; returns the resulting state."""
    if RegistrationState.approved not in ALLOWED[registration.state]:
        raise IllegalTransition(registration.state, RegistrationState.approved)
    return approve_or_waitlist(registration, actor=actor, message=message)


def reject_registration(registration: Registration, *, actor, message: str = "") -> None:
    lock_places(registration.event, registration.category, registration)
    transition(registration, RegistrationState.rejected, actor=actor, message=message)
    release_place(registration, actor=actor)


def waitlist_registration(registration: Registration, *, actor, message: str = "") -> None:
    lock_places(registration.event, registration.category, registration)
    transition(registration, RegistrationState.waitlisted, actor=actor, message=message)
    release_place(registration, actor=actor)


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
    wanted = {"approve": RegistrationState.approved, "reject": RegistrationState.rejected,
              "waitlist": RegistrationState.waitlisted}[decision]
    for registration in registrations:
        if wanted not in ALLOWED[registration.state]:
            skipped += 1
            continue
        decide(registration, decision, actor=actor, message=message)
        done += 1
    return done, skipped


def replace_photo(registration: Registration, jpeg: bytes, *, actor) -> None:
    """Store a processed badge photo, drop the old file; audited. A new photo
    invalidates a printed badge."""
    old = registration.photo_filename
    registration.photo_filename = photos.save_photo_on_commit(jpeg)
    if old:
        photos.delete_photo_on_commit(old)
        if registration.state == RegistrationState.approved:
            invalidate_badge(registration)
    record(actor=actor, action="registration.photo", obj=registration, event=registration.event,
           summary=registration.full_name)
