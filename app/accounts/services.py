"""Account rules: sign-up, verification, login, password reset, profile.

Answers never reveal whether an email address has an account: callers show the
same message whatever happens, and these functions send an explanatory email to
the address owner instead.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts import sessions, throttle
from app.accounts.models import AccountToken, User
from app.accounts.passwords import hash_password, needs_rehash, verify_password
from app.accounts.signals import email_verified, signals, signed_up  # noqa: F401 (importable from here too)
from app.audit.services import record, snapshot
from app.extensions import db
from app.mail.services import queue_email, queue_for_user
from app.utils.time import utcnow
from app.utils.urls import external_url

PROFILE_FIELDS = ("honorific", "given_name", "family_name", "organisation", "position", "country", "locale")

# However many sign-ups for a taken address arrive (double clicks, several workers),
# its owner hears about them at most once in this time.
ACCOUNT_NOTICE_INTERVAL = timedelta(minutes=5)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    """A fresh raw token and the hash under which it is stored."""
    raw = secrets.token_urlsafe(32)
    return raw, _hash_token(raw)


def create_token(user: User, purpose: str, *, hours: float, payload: dict | None = None) -> str:
    """Store a new single-use token for `user` and return its raw value (sent, never stored)."""
    raw, token_hash = _new_token()
    _store_token(user, purpose, token_hash, hours=hours, payload=payload)
    return raw


def _store_token(user: User, purpose: str, token_hash: str, *, hours: float, payload: dict | None = None) -> None:
    db.session.add(AccountToken(user=user, purpose=purpose, token_hash=token_hash, payload=payload or {},
                                expires_at=utcnow() + timedelta(hours=hours)))


def peek_token(raw: str, purpose: str) -> AccountToken | None:
    """The valid (unused, unexpired) token for `raw`, without using it."""
    if not raw or len(raw) > 128:
        return None
    token = db.session.scalar(select(AccountToken).where(AccountToken.token_hash == _hash_token(raw)))
    if token is None or token.purpose != purpose or token.used_at is not None:
        return None
    if token.expires_at <= utcnow():
        return None
    return token


def use_token(raw: str, purpose: str) -> AccountToken | None:
    """Mark the token used and return it; None if invalid, expired or already used.

    The use is one conditional UPDATE: of two requests using the same link at
    once, the database lets exactly one change the row (the other waits for it,
    then finds it used), so a link works once however it is clicked."""
    token = peek_token(raw, purpose)
    if token is None:
        return None
    now = utcnow()
    used = db.session.execute(
        update(AccountToken).where(AccountToken.id == token.id, AccountToken.used_at.is_(None),
                                   AccountToken.expires_at > now)
        .values(used_at=now).execution_options(synchronize_session=False))
    if used.rowcount != 1:
        db.session.expire(token)
        return None
    # Tokens of the same purpose issued earlier die with this one.
    db.session.execute(
        update(AccountToken).where(AccountToken.user_id == token.user_id, AccountToken.purpose == purpose,
                                   AccountToken.used_at.is_(None), AccountToken.id != token.id)
        .values(used_at=now).execution_options(synchronize_session=False))
    db.session.expire(token)
    return token


def sign_up(*, email: str, password: str, locale: str = "en", address_proven: bool = False,
            **profile) -> User | None:
    """Create an unverified account and queue the verification email. With
    `address_proven` (the caller has already proven the address, e.g. by a personal
    invitation link sent to it) the account is verified at once and no email is sent.

    If the address already has an account, nothing is created: its owner gets
    an email saying so (with a reset link hint), at most once per
    ACCOUNT_NOTICE_INTERVAL, and None is returned. The caller answers the same
    way in both cases. Two sign-ups of a new address at the same moment (a
    double click) make one account: the second finds it taken when it inserts,
    and answers like any sign-up of a taken address. Signal: `signed_up`.
    """
    email = normalise_email(email)
    # Hashed in both cases, so the answer takes as long whether the address is known or not.
    password_hash = hash_password(password)
    existing = User.by_email(email)
    if existing is None:
        user = User(email=email, password_hash=password_hash, locale=locale, account_notice_at=utcnow(),
                    **{k: v for k, v in profile.items() if k in PROFILE_FIELDS})
        try:
            with db.session.begin_nested():
                db.session.add(user)
        except IntegrityError:  # uq_users_email: the same address signed up in another request just now
            existing = User.by_email(email)
            if existing is None:
                raise
        else:
            if address_proven:
                mark_email_verified(user)
            else:
                send_verification(user)
            signed_up.send(user)
            return user
    if _claim_account_notice(existing):
        queue_for_user(existing, "account_exists", login_url=external_url("accounts.login"),
                       reset_url=external_url("accounts.forgot_password"))
    return None


def _claim_account_notice(user: User) -> bool:
    """True if the owner of `user` may be told about this account now (at most once per
    ACCOUNT_NOTICE_INTERVAL, made or told). One conditional UPDATE, so that it holds
    across requests and workers racing each other."""
    now = utcnow()
    claimed = db.session.execute(
        update(User).where(User.id == user.id, or_(User.account_notice_at.is_(None),
                                                   User.account_notice_at <= now - ACCOUNT_NOTICE_INTERVAL))
        .values(account_notice_at=now).execution_options(synchronize_session=False))
    return claimed.rowcount == 1


def send_verification(user: User) -> None:
    raw = create_token(user, "verify", hours=current_app.config["TOKEN_HOURS_VERIFY"])
    queue_for_user(user, "verify_email", verify_url=external_url("accounts.verify_email", token=raw))


def resend_verification(email: str) -> None:
    user = User.by_email(email)
    if user is not None and not user.is_verified and user.active:
        send_verification(user)


def mark_email_verified(user: User) -> bool:
    """Record that `user`'s address is proven (a link sent to it was opened, or the
    person came through a personal invitation to that address). True the first
    time; then `email_verified` is sent, so drafts waiting for it go ahead."""
    if user.email_verified_at is not None:
        return False
    user.email_verified_at = utcnow()
    email_verified.send(user)
    return True


def verify_email(raw: str) -> User | None:
    """Use a verification link: the address is proven. None if the link is not valid."""
    token = use_token(raw, "verify")
    if token is None:
        return None
    mark_email_verified(token.user)
    return token.user


@dataclass(frozen=True)
class LoginOutcome:
    """What a login attempt came to: the user, or how long the client must wait
    (0 when it was just the wrong password)."""

    user: User | None
    retry_after: int = 0


def attempt_login(email: str, password: str, *, ip: str, device_cookie: str = "") -> LoginOutcome:
    """Check a password, within the login throttle (see `throttle`).

    Every checked attempt is recorded (never the password). A client that must
    wait is refused without checking the password, and told how long to wait;
    known and unknown addresses are treated alike.
    """
    email = normalise_email(email)[:254]
    client = throttle.Client(ip=ip, device=throttle.device_for(device_cookie, email))
    wait = throttle.wait_seconds(email, client)
    if wait:
        current_app.logger.warning("login refused: email=%s ip=%s known_device=%s wait=%ss", email, ip,
                                   client.device is not None, wait)
        return LoginOutcome(None, retry_after=wait)
    user = User.by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    success = bool(user and ok and user.active)
    throttle.record_attempt(email, client, success=success)
    if not success:
        current_app.logger.warning("login failed: email=%s ip=%s", email, ip)
        return LoginOutcome(None)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    current_app.logger.info("login: user=%s ip=%s", user.id, ip)
    return LoginOutcome(user)


def authenticate(email: str, password: str, *, ip: str, device_cookie: str = "") -> User | None:
    """The user if the credentials are right, the account may log in and the client
    need not wait; None otherwise."""
    return attempt_login(email, password, ip=ip, device_cookie=device_cookie).user


def request_password_reset(email: str, *, locale: str = "en") -> None:
    """Queue a reset link if the address has an active account; otherwise do nothing visible.

    The same work is done either way (a token made and hashed, the message rendered
    in the account's language, or `locale` for an unknown address, and a row written
    in the transaction), so the answer takes as long and an address's having an
    account cannot be timed. Only for an active account are the token and the message
    kept.
    """
    user = User.by_email(email)
    known = user is not None and user.active
    hours = current_app.config["TOKEN_HOURS_RESET"]
    raw, token_hash = _new_token()
    recipient = user if known else User(email=normalise_email(email)[:254], locale=locale)
    message = queue_for_user(recipient, "reset_password", hours=hours,
                             reset_url=external_url("accounts.reset_password", token=raw))
    if known:
        _store_token(user, "reset", token_hash, hours=hours)
    else:
        # The message row is written and taken back in the same transaction, so that an
        # unknown address commits a write too: on PostgreSQL a commit that wrote waits
        # for the log to reach the disk and an empty one does not, which would tell
        # known addresses from unknown ones by time alone.
        db.session.flush()
        db.session.delete(message)


def reset_password(raw: str, new_password: str) -> User | None:
    """Set a new password through a reset token; None if the link is not valid (any
    more). Ends every session of the account and clears the login throttle for it."""
    token = use_token(raw, "reset")
    if token is None:
        return None
    user = token.user
    user.password_hash = hash_password(new_password)
    sessions.end_all_sessions(user)
    throttle.clear_account(user.email)
    # Receiving the link proves the address.
    mark_email_verified(user)
    queue_for_user(user, "password_changed")
    return user


def change_password(user: User, current: str, new: str) -> bool:
    """Change the password after checking the current one; every session ends (the
    caller opens a new one for the browser that asked)."""
    if not verify_password(user.password_hash, current):
        return False
    user.password_hash = hash_password(new)
    sessions.end_all_sessions(user)
    queue_for_user(user, "password_changed")
    return True


def request_email_change(user: User, new_email: str, password: str) -> bool:
    """Send a confirmation link to the new address. False if the password is wrong.

    If the new address already belongs to an account the link is not sent (that
    owner gets a notice instead) but the caller's answer is the same.
    """
    if not verify_password(user.password_hash, password):
        return False
    new_email = normalise_email(new_email)
    other = User.by_email(new_email)
    if other is not None:
        if other.id != user.id:
            queue_for_user(other, "email_taken_notice")
        return True
    raw = create_token(user, "email_change", hours=current_app.config["TOKEN_HOURS_VERIFY"],
                       payload={"email": new_email})
    queue_email(to=new_email, template="confirm_email_change", locale=user.locale, user=user,
                confirm_url=external_url("accounts.confirm_email_change", token=raw), new_email=new_email)
    return True


def confirm_email_change(raw: str) -> User | None:
    token = use_token(raw, "email_change")
    if token is None:
        return None
    new_email = token.payload.get("email", "")
    if not new_email or User.by_email(new_email) is not None:
        return None
    user = token.user
    old_email = user.email
    user.email = new_email
    # The link reached the new address: that address is proven now, whatever was
    # proven of the old one.
    user.email_verified_at = None
    mark_email_verified(user)
    sessions.end_all_sessions(user)
    queue_email(to=old_email, template="email_changed_notice", locale=user.locale, user=user,
                new_email=new_email)
    return user


def update_profile(user: User, data: dict, *, actor: User) -> None:
    """Update the profile fields; an organiser editing someone else is audited."""
    before = snapshot(user, PROFILE_FIELDS)
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(user, field, data[field])
    if actor.id != user.id:
        record(actor=actor, action="user.update", obj=user, before=before, after=snapshot(user, PROFILE_FIELDS))


def set_active(user: User, active: bool, *, actor: User) -> None:
    """Activate or deactivate an account; deactivating ends all its sessions at once."""
    before = snapshot(user, ("active",))
    user.active = active
    if not active:
        sessions.end_all_sessions(user)
    record(actor=actor, action="user.activate" if active else "user.deactivate", obj=user,
           summary=user.email, before=before, after=snapshot(user, ("active",)))


def set_admin(user: User, is_admin: bool, *, actor: User) -> None:
    before = snapshot(user, ("is_admin",))
    user.is_admin = is_admin
    record(actor=actor, action="user.admin", obj=user, summary=user.email, before=before,
           after=snapshot(user, ("is_admin",)))


def create_user(*, email: str, password: str, verified: bool = True, is_admin: bool = False,
                **profile) -> User:
    """Create an account directly (command line, seed data)."""
    user = User(email=normalise_email(email), password_hash=hash_password(password), is_admin=is_admin,
                email_verified_at=utcnow() if verified else None,
                **{k: v for k, v in profile.items() if k in PROFILE_FIELDS})
    db.session.add(user)
    db.session.flush()
    return user
