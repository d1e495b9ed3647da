"""The account's part of a person's data: what it holds (for their copy) and how it is
anonymised when they are erased. Called by app/privacy, which sits above."""
from __future__ import annotations

import secrets

from sqlalchemy import delete, select

from app.accounts.models import AccountToken, LoginAttempt, LoginSession, User
from app.accounts.passwords import hash_password
from app.extensions import db

PROFILE = ("email", "honorific", "given_name", "family_name", "organisation", "position", "country", "locale")


def account_data(user: User) -> dict:
    """The account, its sign-ins and login attempts (two queries)."""
    sessions = db.session.execute(select(LoginSession.created_at, LoginSession.ended_at, LoginSession.ip)
                                  .where(LoginSession.user_id == user.id).order_by(LoginSession.id)).all()
    attempts = db.session.execute(select(LoginAttempt.created_at, LoginAttempt.ip, LoginAttempt.success)
                                  .where(LoginAttempt.email == user.email).order_by(LoginAttempt.id)).all()
    return {
        **{field: getattr(user, field) for field in PROFILE},
        "created_at": user.created_at, "email_verified_at": user.email_verified_at,
        "last_login_at": user.last_login_at, "is_admin": user.is_admin, "active": user.active,
        "sign_ins": [{"at": at, "ended_at": ended, "address": ip} for at, ended, ip in sessions],
        "login_attempts": [{"at": at, "address": ip, "success": ok} for at, ip, ok in attempts],
    }


def anonymise_account(user: User, pseudonym: str) -> None:
    """The account keeps its row (what it did stays attributed to a pseudonym) but no
    longer names, reaches or lets in anyone: no address, no password, no sessions."""
    email = user.email
    db.session.execute(delete(AccountToken).where(AccountToken.user_id == user.id))
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
    user.email = f"erased-{user.id}@invalid"
    user.honorific = user.organisation = user.position = ""
    user.given_name, user.family_name = "", pseudonym
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.active = False
    user.is_admin = False
    user.rotate_session_token()
    db.session.flush()
