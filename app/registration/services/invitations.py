"""Invitations: sent, resent, revoked, imported from a CSV; and using one: once,
atomically, and for the address it was sent to.

An invitation belongs to an address, not to the browser that opened its link:
whoever registers with that address (proven) gets what the invitation gives, in
whatever browser they register. A link used to register another address still
works (invitations get forwarded to the right colleague) but the registration is
flagged for accreditation and audited.
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from collections.abc import Mapping
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from app.audit.services import record
from app.extensions import db
from app.mail.services import queue_email
from app.registration.models import Category, Invitation, InvitationState, Registration
from app.registration.services.errors import RegistrationError
from app.registration.services.settings import settings_for
from app.utils.time import utcnow
from app.utils.translated import Translated
from app.utils.urls import external_url

OPEN_STATES = (InvitationState.sent, InvitationState.opened)


def same_address(a: str, b: str) -> bool:
    return (a or "").strip().lower() == (b or "").strip().lower()


def pending_invitation(event, email: str) -> Invitation | None:
    """A still usable invitation of `email` to `event`, if any."""
    for invitation in db.session.scalars(select(Invitation).where(
            Invitation.event_id == event.id, func.lower(Invitation.email) == (email or "").strip().lower(),
            Invitation.state.in_(OPEN_STATES))):
        if invitation.usable:
            return invitation
    return None


def claim_invitation(invitation: Invitation) -> bool:
    """Mark the invitation used if nobody has used it yet; True if this call did.

    One conditional UPDATE decides: of two concurrent uses (two tabs, a forwarded
    link), the database lets exactly one change the row from sent/opened to
    registered; the other sees no row change and is refused.
    """
    now = utcnow()
    result = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.state.in_(OPEN_STATES), Invitation.expires_at > now)
        .values(state=InvitationState.registered, registered_at=now)
        .execution_options(synchronize_session=False))
    db.session.expire(invitation, ["state", "registered_at"])
    return result.rowcount == 1


def apply_invitation(registration: Registration, invitation: Invitation, *, actor) -> None:
    """Give a registration what its (already claimed) invitation gives: the
    category and delegation, the link to the invitation; flag it when the
    registered address is not the invited one. Audited on both counts."""
    registration.invitation = invitation
    registration.category = invitation.category
    registration.delegation = invitation.delegation
    registration.invitation_other_address = not same_address(registration.email, invitation.email)
    db.session.flush()
    record(actor=actor, action="invitation.register", obj=invitation, event=invitation.event,
           summary=invitation.email)
    if registration.invitation_other_address:
        record(actor=actor, action="registration.invitation_other_address", obj=registration,
               event=registration.event, summary=f"{invitation.email} → {registration.email}")


def match_pending_invitation(registration: Registration, *, actor) -> bool:
    """A registration made without the link, by an address with a pending
    invitation (the address now proven): the invitation applies and is used up.
    True if one was applied."""
    if registration.invitation_id is not None or registration.user is None:
        return False
    invitation = pending_invitation(registration.event, registration.user.email)
    if invitation is None or not claim_invitation(invitation):
        return False
    apply_invitation(registration, invitation, actor=actor)
    return True


MAX_CSV_ROWS = 1000


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_token(invitation: Invitation) -> str:
    raw = secrets.token_urlsafe(32)
    invitation.token_hash = _token_hash(raw)
    return raw


def _send_invitation(invitation: Invitation, raw: str) -> None:
    queue_email(to=invitation.email, template="registration_invitation", locale=invitation.locale,
                event=invitation.event, invitation=invitation,
                accept_url=external_url("registration.accept_invitation", slug=invitation.event.slug, token=raw))


def create_invitation(event, *, email: str, category: Category, actor, delegation=None,
                      message: str | Mapping[str, str] | Translated = "",
                      honorific: str = "", given_name: str = "", family_name: str = "",
                      locale: str = "en") -> Invitation:
    """Invite one person: a single-use link that expires, emailed in `locale`;
    audited. Refused if the address already holds a usable invitation. `message`
    has a version per language (a plain string is the event's own language): the
    email carries the version in `locale`, else the one it was written in."""
    if category.event_id != event.id or (delegation is not None and delegation.event_id != event.id):
        raise RegistrationError(_l("Choose a category from the list."))
    if pending_invitation(event, email) is not None:
        raise RegistrationError(_l("%(email)s already has an invitation: resend it instead.", email=email))
    settings = settings_for(event)
    invitation = Invitation(event_id=event.id, email=email.strip().lower(), category_id=category.id,
                            delegation_id=delegation.id if delegation else None,
                            message=Translated.coerce(message, event.default_language),
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


def import_invitations(event, text_value: str, *, category: Category, actor, delegation=None,
                       message: str | Mapping[str, str] | Translated = "") -> tuple[int, list[tuple[int, str]]]:
    """Invite everyone in a CSV (email, given_name, family_name, honorific, locale;
    a header line is optional; no locale means the event's own language). Each
    invitee reads `message` in their language. Returns (invited, [(line, problem)]);
    bad lines are skipped, good ones invited."""
    message = Translated.coerce(message, event.default_language)
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
                                  honorific=cells[3][:40], locale=cells[4] or event.default_language)
        except RegistrationError as exc:
            problems.append((number, str(exc.message)))
            continue
        invited += 1
    return invited, problems


def invitations(event) -> list[Invitation]:
    return list(db.session.scalars(select(Invitation).options(joinedload(Invitation.category),
                                                              joinedload(Invitation.delegation))
                                   .where(Invitation.event_id == event.id).order_by(Invitation.id.desc())))
