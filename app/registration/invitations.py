"""Using an invitation: once, atomically, and for the address it was sent to.

An invitation belongs to an address, not to the browser that opened its link:
whoever registers with that address (proven) gets what the invitation gives, in
whatever browser they register. A link used to register another address still
works (invitations get forwarded to the right colleague) but the registration is
flagged for accreditation and audited.
"""
from __future__ import annotations

from sqlalchemy import func, select, update

from app.audit.services import record
from app.extensions import db
from app.registration.models import Invitation, InvitationState, Registration
from app.utils.time import utcnow

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
