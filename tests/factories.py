"""Test data builders. Each returns saved (flushed) objects with plain defaults."""
from __future__ import annotations

import itertools
import threading
import io
from datetime import date

from PIL import Image

from app.accounts.models import User
from app.accounts.passwords import hash_password
from app.events.models import Event, EventRole, EventRoleName
from app.extensions import db
from app.registration.models import ApprovalMode, Category
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


# --- Sessions and email -------------------------------------------------------------

def login_session(client, user: User) -> None:
    """Log `user` in by writing the session the login view would write.

    For tests that need many logged-in clients: the login form hashes with argon2,
    which is slow on purpose. Tests of logging in itself use `login()`.
    """
    from app.accounts.sessions import open_session

    sid = open_session(user)
    db.session.commit()
    now = int(utcnow().timestamp())
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = user.get_id()
        session["sid"] = sid
        session["_fresh"] = True
        session["auth_at"] = now
        session["seen_at"] = now


def outbox(template: str | None = None, *, to: str | None = None) -> list:
    """Queued messages, oldest first, optionally only one template or recipient."""
    from sqlalchemy import select

    from app.mail.models import OutboxMessage

    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if template is not None:
        stmt = stmt.where(OutboxMessage.template == template)
    if to is not None:
        stmt = stmt.where(OutboxMessage.to_address == to)
    db.session.expire_all()
    return list(db.session.scalars(stmt))


def link_in(message, prefix: str) -> str:
    """The first link in `message`'s text whose path starts with `prefix`, as a path."""
    import re
    from urllib.parse import urlsplit

    for url in re.findall(r"https?://\S+", message.body_text):
        parts = urlsplit(url)
        if parts.path.startswith(prefix):
            return parts.path
    raise AssertionError(f"no link to {prefix} in message {message.template!r}:\n{message.body_text}")


# --- Reading pages ------------------------------------------------------------------

def page(response):
    """The response parsed as an HTML document (lxml)."""
    import lxml.html

    return lxml.html.fromstring(response.get_data(as_text=True))


def flashes(response) -> list[str]:
    """The flashed messages shown at the top of a page, as the reader sees them."""
    return [div.text_content().strip() for div in page(response).xpath('//div[@class="flash-messages"]/div')]


def flash_kinds(response) -> list[tuple[str, str]]:
    """The flashed messages with the kind their colour says (success, info, warning, danger)."""
    return [(div.get("class").removeprefix("alert alert-"), div.text_content().strip())
            for div in page(response).xpath('//div[@class="flash-messages"]/div')]


def told(client, url: str) -> list[tuple[str, str]]:
    """What the page at `url` flashes (kind, text) when the reader gets there."""
    return flash_kinds(client.get(url))


def audit_actions() -> list[str]:
    """The actions in the audit log, oldest first."""
    from sqlalchemy import select

    from app.audit.models import AuditEntry

    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def field_error(response, field_id: str) -> str:
    """The error shown under the field with this id ('' when there is none)."""
    found = page(response).xpath(f'//div[@id="{field_id}-error"]')
    return found[0].text_content().strip() if found else ""


def form_errors(response) -> list[str]:
    """Errors shown above a form (not tied to one field)."""
    return [div.text_content().strip() for div in page(response).xpath('//form//div[@role="alert"]')]


def visible_html(response) -> str:
    """The page's HTML without its CSRF token values, which differ on every page."""
    import re

    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*"', r'\1"', response.get_data(as_text=True))


def queries_for(client, url: str, count_queries) -> int:
    """How many SQL statements one GET of `url` runs, starting from a cold session
    (tests share the request's database session, so what the test loaded earlier
    would otherwise be served from memory)."""
    db.session.commit()
    db.session.expire_all()
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return counter.count


# --- Concurrency -------------------------------------------------------------------

def run_in_threads(app, jobs) -> list[Exception]:
    """Run each job in its own thread, app context, session and connection, all released
    at the same moment; returns the errors the jobs raised."""
    barrier = threading.Barrier(len(jobs))
    errors = []

    def worker(job):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                job()
            except Exception as exc:  # reported to the caller, with the thread's error
                db.session.rollback()
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def make_category(event, name="Climate expert", *, approval=ApprovalMode.moderated, **fields) -> Category:
    """A registration category of `event` (the model's defaults for the rest)."""
    category = Category(event_id=event.id, name=name, approval=approval, **fields)
    db.session.add(category)
    db.session.flush()
    return category


def image_bytes(fmt="JPEG", size=(60, 80)) -> bytes:
    """A small plain image in `fmt`, as an upload would carry it."""
    out = io.BytesIO()
    Image.new("RGB", size, (20, 120, 60)).save(out, fmt)
    return out.getvalue()
