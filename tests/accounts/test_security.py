"""Rate limits, throttling, sessions, redirects, links in emails, response headers."""
from __future__ import annotations

import logging
import os
import re
import uuid
import pytest
from sqlalchemy import select

from app.accounts.models import LoginAttempt
from app.extensions import db, limiter
from app.security import CSP
from app.utils.time import utcnow
from config import DevelopmentConfig, ProductionConfig
from tests.factories import (PASSWORD, flashes, grant, link_in, login, login_session, make_event,
                             make_user, outbox, page)

STRONG_SECRET = "a-production-secret-key-of-more-than-32-characters"
BAD_LOGIN = {"email": "x", "password": ""}  # refused by the form: no slow password hashing


def csrf_token_of(response) -> str:
    return page(response).xpath('//form[@method="post"]//input[@name="csrf_token"]/@value')[0]


def browser(app):
    """A client that, like a browser on an https page, sends a same-origin Referer
    (Flask-WTF checks it on https requests when CSRF protection is on)."""
    client = app.test_client()
    client.environ_base["HTTP_REFERER"] = f"{app.config['PREFERRED_URL_SCHEME']}://{app.config['SERVER_NAME']}/"
    return client


def session_cookie(response) -> str:
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("kurultai_session=")]
    return cookie


# --- Rate limits on login -------------------------------------------------------------

@pytest.fixture
def limited(make_app):
    """An app with the rate limits of production (memory storage)."""
    def build(**settings):
        other = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", **settings)
        limiter.reset()
        return other
    return build


def test_login_posts_get_429_after_the_limit(limited):
    client = limited().test_client()
    codes = [client.post("/account/login", data=BAD_LOGIN).status_code for _ in range(11)]
    assert codes == [200] * 10 + [429]
    response = client.post("/account/login", data=BAD_LOGIN)
    assert response.status_code == 429
    assert "Too many attempts. Please wait a little and try again." in response.get_data(as_text=True)
    assert client.get("/account/login").status_code == 200  # reading the page is not limited


def test_spoofed_forwarded_for_does_not_reset_the_limit_without_trusted_proxies(limited):
    client = limited(TRUSTED_PROXIES=0).test_client()
    codes = [client.post("/account/login", data=BAD_LOGIN,
                         headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code for n in range(11)]
    assert codes == [200] * 10 + [429]


def test_limit_follows_the_forwarded_address_behind_one_trusted_proxy(limited):
    client = limited(TRUSTED_PROXIES=1).test_client()

    def post(forwarded):
        return client.post("/account/login", data=BAD_LOGIN, headers={"X-Forwarded-For": forwarded}).status_code

    # What the client wrote left of the proxy's own entry is not believed.
    codes = [post(f"10.9.9.{n}, 203.0.113.7") for n in range(11)]
    assert codes == [200] * 10 + [429]
    assert post("203.0.113.8") == 200


def test_rate_limits_work_with_redis_storage(make_app):
    url = os.environ.get("REDIS_TEST_URL", "")
    if not url:
        pytest.skip("REDIS_TEST_URL is not set (e.g. redis://127.0.0.1:6379/15)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at REDIS_TEST_URL={url} is not reachable: {exc}")
    # A key prefix of its own, so runs sharing the Redis database do not meet.
    client = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=url,
                      RATELIMIT_KEY_PREFIX=f"kurultai-test-{uuid.uuid4().hex}").test_client()
    codes = [client.post("/account/login", data=BAD_LOGIN).status_code for _ in range(11)]
    assert codes == [200] * 10 + [429]


def test_login_attempts_are_logged_without_the_password(client, caplog):
    user = make_user()
    db.session.commit()
    caplog.set_level(logging.INFO)
    client.post("/account/login", data={"email": user.email, "password": "Secret-Guess-2027"})
    login(client, user)
    messages = [r.getMessage() for r in caplog.records]
    assert f"login failed: email={user.email} ip=127.0.0.1" in messages
    assert f"login: user={user.id} ip=127.0.0.1" in messages
    assert not [m for m in messages if "Secret-Guess-2027" in m or PASSWORD in m]
    attempts = db.session.execute(select(LoginAttempt.email, LoginAttempt.ip, LoginAttempt.success)
                                  .order_by(LoginAttempt.id)).all()
    assert attempts == [(user.email, "127.0.0.1", False), (user.email, "127.0.0.1", True)]


# --- Password hashing ------------------------------------------------------------------------

def test_passwords_are_hashed_with_argon2id_at_full_cost_outside_tests(make_app):
    from app.accounts.passwords import hash_password

    production = make_app(ProductionConfig, SECRET_KEY=STRONG_SECRET)
    with production.app_context():
        # OWASP's parameters for a web server: 19 MiB, 2 passes, 1 lane.
        assert hash_password(PASSWORD).startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert hash_password(PASSWORD).startswith("$argon2id$v=19$m=1024,t=1,p=1$")


def test_login_renews_a_hash_made_at_another_cost(make_app):
    user = make_user()
    db.session.commit()
    client = browser(make_app(ProductionConfig, SECRET_KEY=STRONG_SECRET))
    token = csrf_token_of(client.get("/account/login"))
    response = client.post("/account/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_login_renews_a_hash_made_with_the_earlier_64_mib_default(make_app):
    from argon2 import PasswordHasher

    user = make_user()
    user.password_hash = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4).hash(PASSWORD)
    db.session.commit()
    client = browser(make_app(ProductionConfig, SECRET_KEY=STRONG_SECRET))
    token = csrf_token_of(client.get("/account/login"))
    response = client.post("/account/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    # The renewed hash still opens the account, and a wrong password still does not.
    client.post("/account/logout", data={"csrf_token": csrf_token_of(client.get("/"))})
    token = csrf_token_of(client.get("/account/login"))
    wrong = client.post("/account/login", data={"email": user.email, "password": PASSWORD + "x", "csrf_token": token})
    assert wrong.status_code == 200
    token = csrf_token_of(client.get("/account/login"))
    right = client.post("/account/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert right.status_code == 302


# --- Session cookies and lifetime -----------------------------------------------------------

def test_session_cookie_in_production_is_secure_httponly_and_lax(make_app):
    user = make_user()
    db.session.commit()
    client = browser(make_app(ProductionConfig, SECRET_KEY=STRONG_SECRET))
    token = csrf_token_of(client.get("/account/login"))
    response = client.post("/account/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    flags = {part.strip() for part in session_cookie(response).split(";")}
    assert {"Secure", "HttpOnly", "SameSite=Lax"} <= flags


def test_session_cookie_in_development_is_httponly_and_lax_without_secure(make_app):
    user = make_user()
    db.session.commit()
    client = make_app(DevelopmentConfig).test_client()
    token = csrf_token_of(client.get("/account/login"))
    response = client.post("/account/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    flags = {part.strip() for part in session_cookie(response).split(";")}
    assert {"HttpOnly", "SameSite=Lax"} <= flags
    assert "Secure" not in flags


def test_csrf_token_from_before_login_is_refused_after_login(make_app):
    user = make_user()
    db.session.commit()
    client = browser(make_app(WTF_CSRF_ENABLED=True))
    assert client.post("/account/login", data={"email": user.email, "password": PASSWORD}).status_code == 400
    before = csrf_token_of(client.get("/account/login"))
    response = client.post("/account/login", data={"email": user.email, "password": PASSWORD,
                                                   "csrf_token": before})
    assert response.status_code == 302

    profile = {"honorific": "", "given_name": "Aru", "family_name": "Sadykova", "organisation": "",
               "position": "", "country": "", "locale": "en"}
    stale = client.post("/account/profile", data=dict(profile, csrf_token=before))
    assert stale.status_code == 400
    assert "The form had expired or was sent twice. Please try again." in stale.get_data(as_text=True)
    fresh = csrf_token_of(client.get("/account/profile"))
    assert fresh != before
    assert client.post("/account/profile", data=dict(profile, csrf_token=fresh)).status_code == 302


def test_logout_without_csrf_token_is_refused_when_csrf_is_on(make_app):
    user = make_user()
    db.session.commit()
    client = browser(make_app(WTF_CSRF_ENABLED=True))
    login_session(client, user)
    assert client.post("/account/logout").status_code == 400
    assert client.get("/account/profile").status_code == 200


def shift_session(client, **seconds_ago) -> None:
    now = int(utcnow().timestamp())
    with client.session_transaction() as session:
        for key, ago in seconds_ago.items():
            session[key] = now - ago


def test_idle_session_ends_after_the_idle_limit(client, app):
    user = make_user()
    db.session.commit()
    login(client, user)
    shift_session(client, seen_at=app.config["SESSION_IDLE_MINUTES"] * 60 - 60)
    assert client.get("/account/profile").status_code == 200
    shift_session(client, seen_at=app.config["SESSION_IDLE_MINUTES"] * 60 + 5)
    response = client.get("/account/profile", follow_redirects=True)
    assert response.request.path == "/account/login"
    assert "Your session has ended. Please log in again." in flashes(response)
    assert client.get("/account/profile").status_code == 302


def test_session_ends_after_the_absolute_limit_even_when_active(client, app):
    user = make_user()
    db.session.commit()
    login(client, user)
    shift_session(client, auth_at=app.config["SESSION_ABSOLUTE_HOURS"] * 3600 + 5, seen_at=10)
    response = client.get("/account/profile", follow_redirects=True)
    assert response.request.path == "/account/login"
    assert "Your session has ended. Please log in again." in flashes(response)


def test_deactivating_a_user_ends_all_their_sessions(client, app):
    admin = make_user(is_admin=True)
    user = make_user()
    db.session.commit()
    phone, laptop = app.test_client(), app.test_client()
    login(phone, user)
    login_session(laptop, user)
    login_session(client, admin)
    assert client.post(f"/admin/users/{user.id}", data={"flag": "active", "value": "0"}).status_code == 302
    assert phone.get("/account/profile").status_code == 302
    assert laptop.get("/account/profile").status_code == 302
    response = phone.post("/account/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200


# --- Redirects after login ------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "//evil.com", "https://evil.com", "/\\evil.com", "\\\\evil.com", "/\t/evil.com", "///evil.com",
    "javascript:alert(1)", " //evil.com", "http:/evil.com", "evil.com",
])
def test_next_refuses_other_sites(client, target):
    response = client.post("/language", query_string={"next": target}, data={"lang": "en"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target, location", [
    ("/e/astana-2027/", "/e/astana-2027/"),
    ("/account/profile?tab=1", "/account/profile?tab=1"),
    ("  /account/profile ", "/account/profile"),
])
def test_next_keeps_local_paths(client, target, location):
    response = client.post("/language", query_string={"next": target}, data={"lang": "en"})
    assert response.headers["Location"] == location


def test_login_redirects_to_next_only_when_local(client):
    user = make_user()
    db.session.commit()
    response = client.post("/account/login?next=//evil.com", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/account/logout")
    response = client.post("/account/login?next=/account/profile", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/account/profile"


# --- Links in emails -------------------------------------------------------------------------

def test_reset_link_uses_the_configured_server_name_not_the_host_header(client):
    user = make_user()
    db.session.commit()
    client.post("/account/forgot", data={"email": user.email}, headers={"Host": "evil.example"})
    [message] = outbox("reset_password")
    [url] = re.findall(r"https?://\S+", message.body_text)
    assert url.startswith("https://summit.test/account/reset/")
    assert "evil.example" not in message.body_text + message.body_html


def test_signup_links_use_the_configured_server_name(client):
    make_user("taken@example.org")
    db.session.commit()
    for email in ("taken@example.org", "fresh@example.org"):
        client.post("/account/signup", headers={"Host": "evil.example"}, data={
            "email": email, "password": "a quiet river at dawn", "confirm": "a quiet river at dawn",
            "honorific": "", "given_name": "Aru", "family_name": "Sadykova", "locale": "en"})
    messages = outbox()
    assert [m.template for m in messages] == ["account_exists", "verify_email"]
    for message in messages:
        for url in re.findall(r"https?://\S+", message.body_text):
            assert url.startswith("https://summit.test/account/"), url
    assert link_in(messages[1], "/account/verify/")


# --- Response headers ---------------------------------------------------------------------

def test_security_headers_on_pages(client):
    response = client.get("/")
    headers = response.headers
    assert headers["Content-Security-Policy"] == CSP
    assert "frame-ancestors 'none'" in CSP
    assert "script-src 'self';" in CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers


def test_pages_of_logged_in_users_are_not_cached(client):
    user = make_user()
    db.session.commit()
    assert "Cache-Control" not in client.get("/").headers
    login_session(client, user)
    assert client.get("/account/profile").headers["Cache-Control"] == "private, no-store"


def test_hsts_only_in_production(make_app):
    production = make_app(ProductionConfig, SECRET_KEY=STRONG_SECRET).test_client()
    assert production.get("/").headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    development = make_app(DevelopmentConfig).test_client()
    assert "Strict-Transport-Security" not in development.get("/").headers


def test_headers_also_on_error_pages(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Frame-Options"] == "DENY"


def test_unpublished_event_is_404_for_outsiders_and_visible_to_its_team(client):
    event = make_event(published=False)
    member = make_user()
    grant(member, event, "viewer")
    outsider = make_user()
    db.session.commit()
    assert client.get(f"/e/{event.slug}/").status_code == 404
    login_session(client, outsider)
    assert client.get(f"/e/{event.slug}/").status_code == 404
    login_session(client, member)
    assert client.get(f"/e/{event.slug}/").status_code == 200
