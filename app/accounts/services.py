"""Account rules: sign-up, verification, login, password reset, profile.

Answers never reveal whether an email address has an account: callers show the
same message whatever happens, and these functions send an explanatory email to
the address owner instead.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from blinker import Namespace
from flask import current_app
from sqlalchemy import func, select

from app.accounts.models import AccountToken, LoginAttempt, User
from app.accounts.passwords import hash_password, needs_rehash, verify_password
from app.audit.services import record, snapshot
from app.extensions import db
from app.mail.services import queue_email, queue_for_user
from app.utils.time import utcnow
from app.utils.urls import external_url

PROFILE_FIELDS = ("honorific", "given_name", "family_name", "organisation", "position", "country", "locale")

# Other domains react to a newly verified address (registration submits the
# drafts that waited for it) without accounts knowing about them.
signals = Namespace()
email_verified = signals.signal("email-verified")

# Failed logins for one account within the window after which it is throttled,
# whatever address the attempts come from.
ACCOUNT_FAILURE_LIMIT = 10
ACCOUNT_FAILURE_WINDOW = timedelta(minutes=15)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(user: User, purpose: str, *, hours: float, payload: dict | None = None) -> str:
    """Store a new single-use token for `user` and return its raw value (sent, never stored)."""
    raw = secrets.token_urlsafe(32)
    db.session.add(AccountToken(user=user, purpose=purpose, token_hash=_hash_token(raw),
                                payload=payload or {}, expires_at=utcnow() + timedelta(hours=hours)))
    return raw


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
    """Mark the token used and return it; None if invalid, expired or already used."""
    token = peek_token(raw, purpose)
    if token is None:
        return None
    token.used_at = utcnow()
    # Tokens of the same purpose issued earlier die with this one.
    for other in db.session.scalars(select(AccountToken).where(
            AccountToken.user_id == token.user_id, AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None), AccountToken.id != token.id)):
        other.used_at = token.used_at
    return token


def sign_up(*, email: str, password: str, locale: str = "en", **profile) -> User | None:
    """Create an unverified account and queue the verification email.

    If the address already has an account, nothing is created: its owner gets
    an email saying so (with a reset link hint), and None is returned. The
    caller answers the same way in both cases.
    """
    email = normalise_email(email)
    # Hashed in both cases, so the answer takes as long whether the address is known or not.
    password_hash = hash_password(password)
    existing = User.by_email(email)
    if existing is not None:
        queue_for_user(existing, "account_exists", login_url=external_url("accounts.login"),
                       reset_url=external_url("accounts.forgot_password"))
        return None
    user = User(email=email, password_hash=password_hash, locale=locale,
                **{k: v for k, v in profile.items() if k in PROFILE_FIELDS})
    db.session.add(user)
    db.session.flush()
    send_verification(user)
    return user


def send_verification(user: User) -> None:
    raw = create_token(user, "verify", hours=current_app.config["TOKEN_HOURS_VERIFY"])
    queue_for_user(user, "verify_email", verify_url=external_url("accounts.verify_email", token=raw))


def resend_verification(email: str) -> None:
    user = User.by_email(email)
    if user is not None and not user.is_verified and user.active:
        send_verification(user)


def verify_email(raw: str) -> User | None:
    token = use_token(raw, "verify")
    if token is None:
        return None
    first_time = token.user.email_verified_at is None
    token.user.email_verified_at = token.user.email_verified_at or utcnow()
    if first_time:
        email_verified.send(token.user)
    return token.user


def mark_email_verified(user: User) -> None:
    """The address is proven another way (a personal invitation link sent to it)."""
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        email_verified.send(user)


def recent_failures(email: str) -> int:
    since = utcnow() - ACCOUNT_FAILURE_WINDOW
    return db.session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.email == normalise_email(email), LoginAttempt.success.is_(False),
        LoginAttempt.created_at >= since)) or 0


def authenticate(email: str, password: str, *, ip: str) -> User | None:
    """The user if the credentials are right and the account may log in.

    Every attempt is recorded (never the password). An account with too many
    recent failures is refused even with the right password, for a while.
    """
    email = normalise_email(email)[:254]
    user = User.by_email(email)
    throttled = recent_failures(email) >= ACCOUNT_FAILURE_LIMIT
    ok = verify_password(user.password_hash if user else None, password)
    success = bool(user and ok and user.active and not throttled)
    db.session.add(LoginAttempt(email=email, ip=ip[:64], success=success))
    if not success:
        current_app.logger.warning("login failed: email=%s ip=%s throttled=%s", email, ip, throttled)
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    current_app.logger.info("login: user=%s ip=%s", user.id, ip)
    return user


def request_password_reset(email: str) -> None:
    """Queue a reset link if the address has an active account; otherwise do nothing visible."""
    user = User.by_email(email)
    if user is None or not user.active:
        return
    raw = create_token(user, "reset", hours=current_app.config["TOKEN_HOURS_RESET"])
    queue_for_user(user, "reset_password", reset_url=external_url("accounts.reset_password", token=raw),
                   hours=current_app.config["TOKEN_HOURS_RESET"])


def reset_password(raw: str, new_password: str) -> User | None:
    """Set a new password through a reset token; ends every other session."""
    token = use_token(raw, "reset")
    if token is None:
        return None
    user = token.user
    user.password_hash = hash_password(new_password)
    user.rotate_session_token()
    # Receiving the link proves the address.
    user.email_verified_at = user.email_verified_at or utcnow()
    queue_for_user(user, "password_changed")
    return user


def change_password(user: User, current: str, new: str) -> bool:
    """Change the password after checking the current one; other sessions end."""
    if not verify_password(user.password_hash, current):
        return False
    user.password_hash = hash_password(new)
    user.rotate_session_token()
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
    user.email_verified_at = utcnow()
    user.rotate_session_token()
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
        user.rotate_session_token()
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


def load_user_from_session(session_id: str) -> User | None:
    """Flask-Login loader: the cookie holds "id:session_token"."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or not secrets.compare_digest(user.session_token, token):
        return None
    return user
