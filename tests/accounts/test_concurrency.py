"""Double clicks against a running threaded server: each request in its own thread,
app context and database connection, as under `gunicorn -k gthread`."""
from __future__ import annotations

import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from app.accounts.models import AccountToken, User
from app.accounts.services import create_token
from app.extensions import db
from tests.browser.support import served_in_thread
from tests.factories import PASSWORD, make_event, make_user, outbox

CLICKS = 6
NEW_PASSWORD = "a quiet river at dawn"

pytestmark = pytest.mark.slow


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A client keeping its cookies, that shows redirects instead of following them."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  _NoRedirect)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()

    def csrf_token(self, path: str) -> str:
        status, _, text = self.request(path)
        assert status == 200, (path, status)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text).group(1)


def at_once(calls) -> list:
    """Run the calls in threads released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait(timeout=30)
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@contextmanager
def slow_after(fragment: str, seconds: float = 0.05):
    """Pause each request after it runs a statement containing `fragment`, as on a busy
    database server: every request passes its check before any of them writes, so a
    check-then-write race shows however the threads are scheduled."""

    def pause(conn, cursor, statement, parameters, context, executemany):
        if fragment in statement:
            time.sleep(seconds)

    event.listen(Engine, "after_cursor_execute", pause)
    try:
        yield
    finally:
        event.remove(Engine, "after_cursor_execute", pause)


def signup_form(email: str, token: str) -> dict:
    return {"csrf_token": token, "email": email, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
            "honorific": "", "given_name": "Aru", "family_name": "Sadykova", "organisation": "", "position": "",
            "country": "", "locale": "en"}


def test_a_double_clicked_sign_up_makes_one_account_and_one_email(app):
    with served_in_thread(app) as base:
        browser = Browser(base)
        form = signup_form("double@example.org", browser.csrf_token("/account/signup"))
        with slow_after("FROM users"):
            answers = at_once([lambda: browser.request("/account/signup", form)] * CLICKS)
    assert [status for status, _, _ in answers] == [200] * CLICKS
    assert all("We sent a message to double@example.org." in text for _, _, text in answers)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "double@example.org")) == 1
    assert [m.template for m in outbox(to="double@example.org")] == ["verify_email"]


def test_a_double_clicked_registration_without_an_account_makes_one_account_and_one_registration(app):
    from app.registration.models import Registration
    from tests.registration.conftest import form_data
    from tests.factories import make_category

    summit = make_event()
    category = make_category(summit)
    db.session.commit()
    path = f"/e/{summit.slug}/register"
    with served_in_thread(app) as base:
        browser = Browser(base)
        form = form_data(category, email="double@example.org", password=NEW_PASSWORD, confirm=NEW_PASSWORD,
                         csrf_token=browser.csrf_token(path))
        with slow_after("FROM users"):
            answers = at_once([lambda: browser.request(path, form)] * CLICKS)
    assert [status for status, _, _ in answers] == [200] * CLICKS
    db.session.expire_all()
    [user] = db.session.scalars(select(User).where(User.email == "double@example.org"))
    assert db.session.scalar(select(func.count(Registration.id)).where(Registration.user_id == user.id)) == 1
    assert [m.template for m in outbox(to="double@example.org")] == ["verify_email"]


def test_sign_ups_for_a_taken_address_at_once_tell_its_owner_once(app):
    make_user("taken@example.org")
    db.session.commit()
    with served_in_thread(app) as base:
        browsers = [Browser(base) for _ in range(CLICKS)]
        forms = [signup_form("taken@example.org", b.csrf_token("/account/signup")) for b in browsers]
        with slow_after("FROM users"):
            answers = at_once([lambda b=b, f=f: b.request("/account/signup", f) for b, f in zip(browsers, forms)])
        assert [status for status, _, _ in answers] == [200] * CLICKS
        assert [m.template for m in outbox(to="taken@example.org")] == ["account_exists"]
        # Another try minutes later is no news: still one message.
        again = Browser(base)
        again.request("/account/signup", signup_form("taken@example.org", again.csrf_token("/account/signup")))
    assert [m.template for m in outbox(to="taken@example.org")] == ["account_exists"]


def test_one_reset_link_used_twice_at_once_works_once(app):
    user = make_user()
    raw = create_token(user, "reset", hours=1)
    db.session.commit()
    path = f"/account/reset/{raw}"
    with served_in_thread(app) as base:
        browsers = [Browser(base) for _ in range(CLICKS)]
        tokens = [b.csrf_token(path) for b in browsers]
        passwords = [f"{NEW_PASSWORD} number {n}" for n in range(CLICKS)]
        with slow_after("FROM account_tokens"):
            answers = at_once([lambda b=b, t=t, p=p: b.request(path, {"csrf_token": t, "password": p, "confirm": p})
                               for b, t, p in zip(browsers, tokens, passwords)])
        statuses = [status for status, _, _ in answers]
        places = sorted(urllib.parse.urlsplit(location).path for _, location, _ in answers)
        assert statuses == [302] * CLICKS
        assert places == ["/account/forgot"] * (CLICKS - 1) + ["/account/login"]
        winner = passwords[[urllib.parse.urlsplit(loc).path for _, loc, _ in answers].index("/account/login")]

        db.session.expire_all()
        assert [t.used_at is not None for t in db.session.scalars(select(AccountToken))] == [True]
        assert [m.template for m in outbox(to=user.email)] == ["password_changed"]
        # The password is the one the single successful request set.
        login = Browser(base)
        token = login.csrf_token("/account/login")
        for password, expected in ((PASSWORD, 200), (winner, 302)):
            status, _, _ = login.request("/account/login", {"csrf_token": token, "email": user.email,
                                                            "password": password})
            assert status == expected


def test_one_verification_link_opened_twice_at_once_confirms_once(app):
    user = make_user(verified=False)
    raw = create_token(user, "verify", hours=1)
    db.session.commit()
    with served_in_thread(app) as base:
        with slow_after("FROM account_tokens"):
            answers = at_once([lambda: Browser(base).request(f"/account/verify/{raw}")] * CLICKS)
    assert [status for status, _, _ in answers] == [302] * CLICKS
    # One request confirmed (and offers the login form filled in); the others found the link used.
    assert sorted(location.split("?")[1:] for _, location, _ in answers) == (
        [[]] * (CLICKS - 1) + [[f"email={user.email}"]])
    db.session.expire_all()
    assert db.session.get(User, user.id).is_verified
    assert db.session.scalar(select(func.count(AccountToken.id)).where(AccountToken.used_at.is_not(None))) == 1
