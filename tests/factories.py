"""Test data builders. Each returns saved (flushed) objects with plain defaults."""
from __future__ import annotations

import itertools
from datetime import date

from app.accounts.models import User
from app.accounts.passwords import hash_password
from app.events.models import Event, EventRole, EventRoleName
from app.extensions import db
from app.utils.time import utcnow

PASSWORD = "correct horse battery"
_seq = itertools.count(1)
# Hashing with argon2 is slow on purpose; tests share one hash of PASSWORD.
_PASSWORD_HASH = None


def password_hash() -> str:
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = hash_password(PASSWORD)
    return _PASSWORD_HASH


def make_user(email: str | None = None, *, verified: bool = True, **fields) -> User:
    n = next(_seq)
    user = User(email=email or f"user{n}@example.org", password_hash=password_hash(),
                given_name=fields.pop("given_name", f"Given{n}"), family_name=fields.pop("family_name", f"Family{n}"),
                email_verified_at=utcnow() if verified else None, **fields)
    db.session.add(user)
    db.session.flush()
    return user


def make_event(slug: str | None = None, **fields) -> Event:
    n = next(_seq)
    defaults = dict(slug=slug or f"summit-{n}", title=f"Summit {n}", city="Astana", country="KZ",
                    timezone="Asia/Almaty", start_date=date(2027, 4, 21), end_date=date(2027, 4, 23),
                    published=True)
    defaults.update(fields)
    event = Event(**defaults)
    db.session.add(event)
    db.session.flush()
    return event


def grant(user: User, event: Event, role: EventRoleName | str) -> EventRole:
    role = EventRoleName(role)
    grant_ = EventRole(user=user, event=event, role=role)
    db.session.add(grant_)
    db.session.flush()
    return grant_


def login(client, user_or_email, password: str = PASSWORD):
    email = user_or_email if isinstance(user_or_email, str) else user_or_email.email
    response = client.post("/account/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.data[:500]
    return response
