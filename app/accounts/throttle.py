"""Slowing down password guessing without letting a guesser lock the owner out.

Following OWASP's Authentication and Credential Stuffing cheat sheets:

- Failures are counted per account *and client*, never per account alone: a client
  is the browser's device cookie when it holds one from an earlier successful login
  to that account, otherwise the client address. Someone guessing from elsewhere
  therefore never slows down the owner on their own device or from their own address.
- After `FREE_FAILURES` failures a client must wait before its next try, and the wait
  doubles with every further failure, up to `MAX_DELAY`. A try during the wait is
  refused without looking at the password, and is not counted (it cannot lengthen
  the wait of someone sharing the address).
- A success clears that client's failures; a password reset clears every client's.
- Guessing spread over many addresses is held back by `UNTRUSTED_LIMIT`: past it, the
  account accepts no password for an hour from clients without its device cookie
  (its owner's known devices still get in, and a reset clears it).
- Unknown addresses are counted and answered exactly like known ones, so the throttle
  tells nothing about which addresses have accounts.
"""
from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import and_, select, update

from app.accounts.models import LoginAttempt
from app.extensions import db
from app.utils.time import as_utc, utcnow

FREE_FAILURES = 5
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=30)
WINDOW = timedelta(hours=24)
UNTRUSTED_LIMIT = 100
UNTRUSTED_WINDOW = timedelta(hours=1)
DEVICE_LIFETIME = timedelta(days=180)
# Accounts remembered by one browser's device cookie (a shared desk laptop).
DEVICE_ACCOUNTS = 8


@dataclass(frozen=True)
class Client:
    """Who is trying: a known device of the account, or else an address."""

    ip: str
    device: str | None = None

    def matches(self):
        if self.device is not None:
            return LoginAttempt.device == self.device
        return and_(LoginAttempt.device.is_(None), LoginAttempt.ip == self.ip)


# --- Device cookies --------------------------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="kurultai-device")


def _account_key(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:24]


def _entries(cookie: str) -> list[list[str]]:
    if not cookie or len(cookie) > 4000:
        return []
    try:
        entries = _serializer().loads(cookie, max_age=int(DEVICE_LIFETIME.total_seconds()))
    except BadSignature:
        return []
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, list) and len(e) == 2 and all(isinstance(x, str) for x in e)]


def device_for(cookie: str, email: str) -> str | None:
    """The device id the cookie holds for `email` (normalised), or None."""
    key = _account_key(email)
    for account, nonce in _entries(cookie):
        if account == key:
            return hashlib.sha256(nonce.encode()).hexdigest()[:32]
    return None


def add_device(cookie: str, email: str) -> str:
    """The device cookie value after a successful login to `email` in this browser."""
    key = _account_key(email)
    kept = [e for e in _entries(cookie) if e[0] != key]
    nonce = next((n for a, n in _entries(cookie) if a == key), None) or secrets.token_urlsafe(16)
    return _serializer().dumps(([[key, nonce]] + kept)[:DEVICE_ACCOUNTS])


# --- The throttle ------------------------------------------------------------------------

def _delay(failures: int) -> timedelta:
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(FIRST_DELAY * 2 ** (failures - FREE_FAILURES), MAX_DELAY)


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(0, math.ceil((moment - now).total_seconds()))


def wait_seconds(email: str, client: Client) -> int:
    """How long `client` must wait before it may try a password for `email` (0: now)."""
    now = utcnow()
    failures = [as_utc(t) for t in db.session.scalars(
        select(LoginAttempt.created_at).where(
            LoginAttempt.email == email, LoginAttempt.success.is_(False), LoginAttempt.cleared_at.is_(None),
            LoginAttempt.created_at >= now - WINDOW, client.matches())
        .order_by(LoginAttempt.created_at.desc()))]
    wait = _seconds_until(failures[0] + _delay(len(failures)), now) if failures else 0
    if client.device is None:
        untrusted = [as_utc(t) for t in db.session.scalars(
            select(LoginAttempt.created_at).where(
                LoginAttempt.email == email, LoginAttempt.success.is_(False), LoginAttempt.cleared_at.is_(None),
                LoginAttempt.device.is_(None), LoginAttempt.created_at >= now - UNTRUSTED_WINDOW)
            .order_by(LoginAttempt.created_at.desc()).limit(UNTRUSTED_LIMIT))]
        if len(untrusted) >= UNTRUSTED_LIMIT:
            # Open again when the oldest of the last UNTRUSTED_LIMIT failures leaves the window.
            wait = max(wait, _seconds_until(untrusted[-1] + UNTRUSTED_WINDOW, now))
    return wait


def record_attempt(email: str, client: Client, *, success: bool) -> None:
    """Log an attempt that was checked; a success clears the client's earlier failures."""
    now = utcnow()
    if success:
        db.session.execute(update(LoginAttempt).where(
            LoginAttempt.email == email, LoginAttempt.success.is_(False), LoginAttempt.cleared_at.is_(None),
            client.matches()).values(cleared_at=now))
    db.session.add(LoginAttempt(email=email, ip=client.ip[:64], device=client.device, success=success,
                                created_at=now))


def clear_account(email: str) -> None:
    """Forget every client's failures for `email` (after a password reset)."""
    db.session.execute(update(LoginAttempt).where(
        LoginAttempt.email == email, LoginAttempt.success.is_(False), LoginAttempt.cleared_at.is_(None))
        .values(cleared_at=utcnow()))
