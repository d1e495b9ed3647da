"""The login state of a browser: the Flask-Login user loader, starting and ending
a login session, the device cookie and the sign-up mark.

This is the one module of accounts that reads the request and the browser's
session; the rules it applies are in `sessions` and `throttle`.
"""
from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_login import login_user, logout_user

from app.accounts import sessions, throttle
from app.accounts.models import User
from app.accounts.signals import signed_up
from app.extensions import client_ip, login_manager
from app.utils.time import utcnow

DEVICE_COOKIE = "kurultai_device"
# The browser that signed an account up: its verification link logs it in there.
SIGNED_UP_KEY = "signed_up"


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user while this browser's login session is open."""
    return sessions.load_user(user_id, session.get("sid"))


def start_session(user: User) -> None:
    """A fresh session at login: nothing from before (CSRF token included) survives."""
    session.clear()
    login_user(user)
    session.permanent = True
    session["sid"] = sessions.open_session(user, ip=client_ip())
    now = int(utcnow().timestamp())
    session["auth_at"] = now
    session["seen_at"] = now
    session["lang"] = user.locale


def end_session() -> None:
    """Log this browser out, on the server too (the caller commits)."""
    sessions.end_session(session.get("sid"))
    logout_user()
    session.clear()


def device_cookie() -> str:
    return request.cookies.get(DEVICE_COOKIE, "")


def remember_device(response, user: User):
    """Give the browser a device cookie for `user` (kept with the ones of other accounts
    used on it): its next failed logins to this account are counted apart from a
    stranger's (see `throttle`)."""
    value = throttle.add_device(device_cookie(), user.email)
    response.set_cookie(DEVICE_COOKIE, value, max_age=int(throttle.DEVICE_LIFETIME.total_seconds()),
                        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax")
    return response


def mark_signed_up(user: User) -> None:
    """Remember in this browser that it signed `user` up."""
    session[SIGNED_UP_KEY] = [user.id, user.email]


def signed_up_here(user: User) -> bool:
    return session.get(SIGNED_UP_KEY) == [user.id, user.email]


def _on_signed_up(user: User, **_kwargs) -> None:
    # Sign-ups come from the accounts form and the registration form alike; both
    # browsers are marked here, so neither view has to remember to do it.
    if has_request_context():
        mark_signed_up(user)


def init_app(app) -> None:
    login_manager.user_loader(load_user)
    signed_up.connect(_on_signed_up)
