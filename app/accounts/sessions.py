"""Login sessions kept on the server.

Flask's session is a signed cookie: it cannot be taken back once given. So each
login also gets a row in `login_sessions`, named in the cookie by a random secret
(only its hash is stored), and the cookie logs in only while that row is open and
the user's session token (rotated to end every session of an account at once)
still matches. Logging out closes the row, so a copy of the cookie saved before
is worth nothing afterwards.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, or_, select, update

from app.accounts.models import LoginSession, User
from app.extensions import db
from app.utils.time import utcnow


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _lifetime() -> timedelta:
    return timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])


def open_session(user: User, *, ip: str = "") -> str:
    """Record a new login of `user` and return the secret the browser keeps for it.

    Side effect: the user's sessions that ended or outlived the absolute limit are
    deleted, so the table holds about one row per browser in use."""
    now = utcnow()
    db.session.execute(delete(LoginSession).where(
        LoginSession.user_id == user.id,
        or_(LoginSession.ended_at.is_not(None), LoginSession.created_at < now - _lifetime())))
    raw = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, token_hash=_hash(raw), ip=ip[:64], created_at=now))
    db.session.flush()
    return raw


def end_session(raw: str | None) -> None:
    """Close the login session named by `raw` (logout); unknown secrets are ignored."""
    if not raw or len(raw) > 128:
        return
    db.session.execute(update(LoginSession).where(LoginSession.token_hash == _hash(raw),
                                                  LoginSession.ended_at.is_(None)).values(ended_at=utcnow()))


def end_all_sessions(user: User) -> None:
    """End every session of `user`, in every browser (the caller may open a new one)."""
    user.rotate_session_token()
    db.session.execute(update(LoginSession).where(LoginSession.user_id == user.id,
                                                  LoginSession.ended_at.is_(None)).values(ended_at=utcnow()))


# Asked on every request of a logged-in user: built once, run with the request's values.
_LOGIN = (select(User).join(LoginSession, LoginSession.user_id == User.id)
          .where(User.id == bindparam("user_id"), LoginSession.token_hash == bindparam("token_hash"),
                 LoginSession.ended_at.is_(None), LoginSession.created_at > bindparam("since")))


def load_user(user_id: str, raw: str | None) -> User | None:
    """The user a browser's session names, or None when that session has ended.

    `user_id` is what Flask-Login stored ("id:session_token"), `raw` the login
    session's secret. One query."""
    number, _, token = (user_id or "").partition(":")
    if not number.isdigit() or len(number) > 18 or not token or not raw or len(raw) > 128:
        return None
    user = db.session.scalar(_LOGIN, {"user_id": int(number), "token_hash": _hash(raw),
                                      "since": utcnow() - _lifetime()})
    if user is None or not user.active or not secrets.compare_digest(user.session_token, token):
        return None
    return user
