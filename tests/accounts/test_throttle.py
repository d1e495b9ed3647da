"""The login throttle as an owner and a guesser meet it: the guesser is slowed down
and told so; the owner is not locked out by someone else's guesses."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts import throttle
from app.accounts.models import LoginAttempt
from app.extensions import db
from app.utils.time import utcnow
from tests.factories import PASSWORD, form_errors, link_in, make_user, outbox, visible_html

NEW_PASSWORD = "a quiet river at dawn"
GUESSER = "198.51.100.7"
OWNER = "203.0.113.5"


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def try_login(client, email: str, password: str = "not the password"):
    return client.post("/account/login", data={"email": email, "password": password})


def guess(client, email: str, times: int) -> list[int]:
    return [try_login(client, email).status_code for _ in range(times)]


def age_attempts(seconds: float) -> None:
    """Move every recorded attempt `seconds` into the past, as if that time went by."""
    for attempt in db.session.scalars(select(LoginAttempt)):
        attempt.created_at -= timedelta(seconds=seconds)
    db.session.commit()


def test_guesses_from_one_address_do_not_stop_the_owner_at_another(app):
    user = make_user()
    db.session.commit()
    assert guess(client_at(app, GUESSER), user.email, 20) == [200] * 5 + [429] * 15
    response = try_login(client_at(app, OWNER), user.email, PASSWORD)
    assert response.status_code == 302


def test_the_guessing_address_waits_longer_after_each_failure_and_is_told(app):
    user = make_user()
    db.session.commit()
    guesser = client_at(app, GUESSER)
    assert guess(guesser, user.email, 5) == [200] * 5
    refused = try_login(guesser, user.email, PASSWORD)  # even the right password is not looked at
    assert (refused.status_code, refused.headers["Retry-After"]) == (429, "30")
    assert form_errors(refused) == [
        "Too many failed attempts from here. Try again in 1 minute, or reset your password."]

    age_attempts(31)
    assert guess(guesser, user.email, 1) == [200]
    refused = try_login(guesser, user.email)
    assert (refused.status_code, refused.headers["Retry-After"]) == (429, "60")
    age_attempts(61)
    assert guess(guesser, user.email, 2) == [200, 429]
    assert form_errors(try_login(guesser, user.email)) == [
        "Too many failed attempts from here. Try again in 2 minutes, or reset your password."]
    # Refused tries are not counted: the wait does not grow while the guesser is waiting.
    assert int(try_login(guesser, user.email).headers["Retry-After"]) <= 120


def test_waiting_out_the_delay_lets_the_owner_in_and_clears_the_count(app):
    user = make_user()
    db.session.commit()
    shared = client_at(app, OWNER)
    guess(shared, user.email, 5)
    age_attempts(31)
    assert try_login(shared, user.email, PASSWORD).status_code == 302
    shared.post("/account/logout")
    # The earlier failures no longer count: five more free tries.
    assert guess(shared, user.email, 6) == [200] * 5 + [429]


def test_a_password_reset_clears_the_throttle(app):
    user = make_user()
    db.session.commit()
    shared = client_at(app, OWNER)  # the guesser sits behind the same address (the venue's network)
    guess(shared, user.email, 8)
    assert try_login(shared, user.email, PASSWORD).status_code == 429

    shared.post("/account/forgot", data={"email": user.email})
    link = link_in(outbox("reset_password", to=user.email)[-1], "/account/reset/")
    shared.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert try_login(shared, user.email, NEW_PASSWORD).status_code == 302


def test_a_known_device_is_not_slowed_by_guesses_from_its_address(app):
    user = make_user()
    db.session.commit()
    laptop = client_at(app, OWNER)
    assert try_login(laptop, user.email, PASSWORD).status_code == 302
    laptop.post("/account/logout")

    stranger = client_at(app, OWNER)  # same address, no device cookie
    assert guess(stranger, user.email, 12) == [200] * 5 + [429] * 7
    # The owner's own mistypes are counted apart, on the device.
    assert guess(laptop, user.email, 2) == [200, 200]
    assert try_login(laptop, user.email, PASSWORD).status_code == 302


def test_a_forged_device_cookie_counts_as_no_device(app):
    user = make_user()
    db.session.commit()
    forger = client_at(app, GUESSER)
    forger.set_cookie("kurultai_device", "forged.value.here", domain="summit.test")
    assert guess(forger, user.email, 6) == [200] * 5 + [429]


def test_unknown_addresses_are_throttled_and_answered_alike(app):
    user = make_user("known@example.org")
    db.session.commit()
    known, unknown = client_at(app, GUESSER), client_at(app, "198.51.100.8")
    known_pages = [try_login(known, user.email) for _ in range(7)]
    unknown_pages = [try_login(unknown, "nobody@example.org") for _ in range(7)]
    assert [r.status_code for r in known_pages] == [r.status_code for r in unknown_pages] == [200] * 5 + [429] * 2
    for mine, theirs in zip(known_pages, unknown_pages):
        assert (visible_html(mine).replace("known@example.org", "X")
                == visible_html(theirs).replace("nobody@example.org", "X"))


def test_guessing_spread_over_many_addresses_stops_strangers_but_not_known_devices(app):
    user = make_user()
    db.session.commit()
    phone = client_at(app, OWNER)
    assert try_login(phone, user.email, PASSWORD).status_code == 302
    phone.post("/account/logout")
    now = utcnow()
    db.session.add_all(LoginAttempt(email=user.email, ip=f"10.0.{n // 250}.{n % 250}", success=False,
                                    created_at=now - timedelta(seconds=n))
                       for n in range(throttle.UNTRUSTED_LIMIT))
    db.session.commit()
    newcomer = client_at(app, "192.0.2.44")
    refused = try_login(newcomer, user.email, PASSWORD)
    assert refused.status_code == 429
    assert 3500 < int(refused.headers["Retry-After"]) <= 3600
    assert try_login(phone, user.email, PASSWORD).status_code == 302


@pytest.mark.parametrize("cookie", ["", "x" * 5000, "not-signed", "W10.bad.sig"])
def test_device_cookies_that_do_not_verify_name_no_device(app, cookie):
    with app.test_request_context():
        assert throttle.device_for(cookie, "someone@example.org") is None


def test_device_cookie_names_the_accounts_it_was_given_for(app):
    with app.test_request_context():
        first = throttle.add_device("", "a@example.org")
        both = throttle.add_device(first, "b@example.org")
        assert throttle.device_for(both, "a@example.org") == throttle.device_for(first, "a@example.org")
        assert re.fullmatch(r"[0-9a-f]{32}", throttle.device_for(both, "b@example.org"))
        assert throttle.device_for(both, "c@example.org") is None
