"""The registration domain's part of personal data rights (registered with
app/privacy in the wiring): a person's registrations, travel, answers, delegations
and invitations for their copy; erasure of one person; anonymisation of an event.

What aggregate figures read stays on each registration: its event, category, state,
country, dates of sending and deciding, arrival and departure days.
"""
from __future__ import annotations

from sqlalchemy import delete, func, select, update

from app.audit.services import pseudonymise
from app.events.models import Event
from app.extensions import db
from app.registration import photos, travel_watch
from app.registration.models import (Delegation, Invitation, Question, Registration, RegistrationNote,
                                     RegistrationState)
from app.registration.services.lifecycle import cancel_registration
from app.registration.services.review import answer_text
from app.registration.services.transitions import clear_passport
from app.utils.time import utcnow

EXPORTED = ("honorific", "given_name", "family_name", "organisation", "position", "country", "nationality", "email",
            "phone", "languages", "dietary", "accessibility", "arrival_date", "departure_date", "visa_letter_needed",
            "passport_number", "passport_expiry", "date_of_birth", "place_of_birth", "public_listing",
            "arrival_flight", "arrival_at", "departure_flight", "departure_at", "hotel", "airport_transfer",
            "travel_origin", "travel_legs", "travel_return", "created_at", "submitted_at", "decided_at", "cancelled_at", "cancel_reason", "privacy_consent_at")
# Blanked on anonymisation (the rest is what the figures count).
PERSONAL_TEXT = ("honorific", "given_name", "organisation", "position", "nationality", "email", "phone", "dietary",
                 "accessibility", "arrival_flight", "departure_flight", "hotel", "cancel_reason", "place_of_birth",
                 "passport_number", "photo_filename", "travel_origin")
AUDITED_FIELDS = frozenset(EXPORTED) | {"photo_filename"}
LIVE = (RegistrationState.draft, RegistrationState.submitted, RegistrationState.approved,
        RegistrationState.waitlisted)


def export(user) -> dict:
    """The person's registrations (with answers by question), the delegations they lead
    and the invitations sent to their address: four queries."""
    regs = list(db.session.scalars(select(Registration).where(Registration.user_id == user.id)
                                   .order_by(Registration.id)))
    event_ids = {r.event_id for r in regs}
    events = dict(db.session.execute(select(Event.id, Event.slug).where(Event.id.in_(event_ids))).tuples().all()) \
        if event_ids else {}
    questions = {str(q.id): q for q in db.session.scalars(select(Question).where(Question.event_id.in_(event_ids)))} \
        if event_ids else {}
    led = db.session.execute(select(Delegation.name, Delegation.event_id).where(Delegation.head_user_id == user.id)
                             .order_by(Delegation.id)).all()
    invitations = db.session.execute(
        select(Invitation.event_id, Invitation.state, Invitation.created_at, Invitation.opened_at)
        .where(func.lower(Invitation.email) == user.email.lower()).order_by(Invitation.id)).all()
    return {
        "registrations": [{
            "event": events.get(r.event_id), "state": r.state.value, "category_id": r.category_id,
            "delegation_id": r.delegation_id, "badge_photo": bool(r.photo_filename),
            **{field: getattr(r, field) for field in EXPORTED},
            "answers": {questions[key].label if key in questions else key:
                        answer_text(questions[key], value) if key in questions else value
                        for key, value in (r.answers or {}).items()},
        } for r in regs],
        "delegations_led": [{"delegation": name.texts, "event_id": event_id} for name, event_id in led],
        "invitations": [{"event_id": event_id, "state": state.value, "sent_at": sent, "opened_at": opened}
                        for event_id, state, sent, opened in invitations],
        "_audit_objects": [("Registration", str(r.id)) for r in regs],
    }


def _anonymise(registration: Registration, pseudonym: str) -> None:
    travel_watch.forget_quietly(registration)
    if registration.photo_filename:
        photos.delete_photo_on_commit(registration.photo_filename)
    for field in PERSONAL_TEXT:
        setattr(registration, field, "")
    clear_passport(registration)
    registration.family_name = pseudonym
    registration.languages, registration.answers, registration.travel_legs = [], {}, []
    registration.arrival_at = registration.departure_at = None
    registration.public_listing = registration.airport_transfer = False
    registration.passport_purged_at = registration.passport_purged_at or utcnow()


def erase_person(user, pseudonym: str, actor) -> list[str]:
    """Cancel the person's live registrations of events still to come (their place goes
    to the waitlist), then anonymise all of them; they stop leading delegations.
    Returns the names and addresses they were known by (for the audit log)."""
    today = utcnow().date()
    names: list[str] = []
    regs = list(db.session.scalars(select(Registration).where(Registration.user_id == user.id)))
    for registration in regs:
        names += [registration.full_name, registration.formal_name, registration.email]
        if registration.state in LIVE and registration.event.end_date >= today:
            cancel_registration(registration, actor=actor, reason="")
        _anonymise(registration, pseudonym)
    db.session.execute(update(Delegation).where(Delegation.head_user_id == user.id).values(head_user_id=None))
    db.session.execute(update(Invitation).where(func.lower(Invitation.email) == user.email.lower())
                       .values(email="erased@invalid", honorific="", given_name="", family_name=pseudonym, message=""))
    db.session.execute(delete(RegistrationNote).where(RegistrationNote.registration_id.in_([r.id for r in regs])))
    db.session.flush()
    pseudonymise(names, pseudonym, objects=[("Registration", str(r.id)) for r in regs], fields=AUDITED_FIELDS)
    return names


def anonymise_event(event, actor) -> int:
    """Every registration of the event keeps what the figures count and loses the rest;
    invitations lose their addresses and names, organiser notes go."""
    regs = list(db.session.scalars(select(Registration).where(Registration.event_id == event.id)))
    names = []
    for registration in regs:
        names += [registration.full_name, registration.formal_name, registration.email]
        _anonymise(registration, f"#{registration.id}")
    db.session.execute(update(Invitation).where(Invitation.event_id == event.id).values(
        email="erased@invalid", honorific="", given_name="", family_name="", message=""))
    db.session.execute(delete(RegistrationNote).where(RegistrationNote.registration_id.in_(
        select(Registration.id).where(Registration.event_id == event.id))))
    db.session.flush()
    pseudonymise(names, "—", event=event, objects=[("Registration", str(r.id)) for r in regs],
                 fields=AUDITED_FIELDS)
    return len(regs)


def people(event):
    """The accounts with a registration in the event."""
    return select(Registration.user_id).where(Registration.event_id == event.id, Registration.user_id.is_not(None))
