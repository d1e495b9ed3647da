"""Registering through the public form, in one call: the visitor's new account (or
the signed-in person's), the registration, what an invitation gives, and the photo."""
from __future__ import annotations

from dataclasses import dataclass

from app.accounts.models import User
from app.accounts.services import mark_email_verified, sign_up
from app.registration.models import Category, Invitation, Registration
from app.registration.services.invitations import same_address
from app.registration.services.lifecycle import create_registration, register_invited, replace_photo


@dataclass
class Registered:
    """What became of a registration through the form.

    `registration` is None when the visitor's address already has an account: its owner
    was emailed, and the visitor is told to check their email, as after a sign-up.
    `check_email`: a new account whose address is not proven yet (the registration
    waits as a draft). `new_account`: the visitor's account was created just now.
    """
    user: User | None
    registration: Registration | None
    new_account: bool = False

    @property
    def check_email(self) -> bool:
        return self.registration is None or (self.new_account and not self.user.is_verified)


def register(event, *, user: User | None, details: dict, category: Category | None,
             invitation: Invitation | None = None, account: dict | None = None,
             photo: bytes | None = None) -> Registered:
    """Register `user` (signed in), or the visitor who gave `account` (email, password,
    locale and profile fields), for `event`.

    Through `invitation` its category and delegation apply; a personal link that
    reached this address proves it, so no confirmation is asked for. Otherwise
    `category` is the one chosen. The photo (already processed) is stored with the
    registration; its file is written when the caller commits. Raises
    RegistrationError (AlreadyRegistered when the person already has a live
    registration: the caller rolls back).
    """
    email = account["email"] if user is None else user.email
    invited_here = invitation is not None and same_address(email, invitation.email)
    new_account = user is None
    if new_account:
        profile = {k: v for k, v in account.items() if k not in ("email", "password", "locale")}
        user = sign_up(email=account["email"], password=account["password"], locale=account.get("locale", "en"),
                       address_proven=invited_here, **profile)
        if user is None:
            return Registered(user=None, registration=None, new_account=False)
    elif invited_here:
        mark_email_verified(user)
    if invitation is not None:
        registration = register_invited(invitation, user, details, actor=user)
    else:
        registration = create_registration(event, user, details, category=category, actor=user)
    if photo:
        replace_photo(registration, photo, actor=user)
    return Registered(user=user, registration=registration, new_account=new_account)
