"""Accounts as a person uses them: sign up, confirm, log in and out, reset and
change the password, change the email address, edit the profile."""
from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from app.accounts.models import AccountToken, User
from app.accounts.services import create_token
from app.extensions import db
from app.utils.time import utcnow
from tests.factories import (PASSWORD, field_error, flashes, link_in, login, make_user, outbox, page,
                             visible_html)

NEW_PASSWORD = "a quiet river at dawn"


def sign_in(client, user, password: str = PASSWORD) -> None:
    """Log in and read the welcome page, so the next page shows only its own messages."""
    login(client, user, password)
    client.get("/")


def signup_data(**changes) -> dict:
    data = {"email": "new.delegate@example.org", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
            "honorific": "Dr", "given_name": "Қасым-Жомарт", "family_name": "Мусадик",
            "organisation": "Ministry of Ecology", "position": "Adviser", "country": "KZ", "locale": "en"}
    data.update(changes)
    return data


def page_text(response) -> str:
    return response.get_data(as_text=True)


# --- Sign-up, verification, login, logout ----------------------------------------------

def test_signup_verify_login_logout_as_a_new_delegate(client):
    response = client.post("/account/signup", data=signup_data())
    assert response.status_code == 200
    assert "We sent a message to new.delegate@example.org." in page_text(response)

    user = User.by_email("new.delegate@example.org")
    assert (user.given_name, user.family_name, user.is_verified) == ("Қасым-Жомарт", "Мусадик", False)
    [message] = outbox("verify_email")
    assert message.to_address == "new.delegate@example.org"

    # The link opened in the browser that signed up confirms and logs in: no password asked again.
    response = client.get(link_in(message, "/account/verify/"), follow_redirects=True)
    assert flashes(response) == ["Thank you: your email address is confirmed."]
    db.session.expire_all()
    assert User.by_email("new.delegate@example.org").is_verified
    assert client.get("/account/profile").status_code == 200

    response = client.post("/account/logout", follow_redirects=True)
    assert flashes(response) == ["You are logged out."]
    assert client.get("/account/profile").status_code == 302

    response = client.post("/account/login", data={"email": "New.Delegate@example.org", "password": NEW_PASSWORD},
                           follow_redirects=True)
    assert flashes(response) == ["Welcome, Қасым-Жомарт Мусадик."]
    assert client.get("/account/profile").status_code == 200


def test_verification_link_in_another_browser_confirms_and_asks_for_the_password(client, app):
    client.post("/account/signup", data=signup_data())
    other = app.test_client()
    response = other.get(link_in(outbox("verify_email")[0], "/account/verify/"), follow_redirects=True)
    assert response.request.path == "/account/login"
    assert flashes(response) == ["Thank you: your email address is confirmed."]
    assert page(response).xpath('//input[@name="email"]/@value') == ["new.delegate@example.org"]
    db.session.expire_all()
    assert User.by_email("new.delegate@example.org").is_verified
    assert other.get("/account/profile").status_code == 302


def test_verification_link_opened_while_logged_in_as_someone_else_does_not_switch(client):
    client.post("/account/signup", data=signup_data())
    link = link_in(outbox("verify_email")[0], "/account/verify/")
    colleague = make_user("colleague@example.org")
    db.session.commit()
    sign_in(client, colleague)
    response = client.get(link, follow_redirects=True)
    assert flashes(response) == [
        "The address new.delegate@example.org is confirmed. You are still logged in as colleague@example.org."]
    db.session.expire_all()
    assert User.by_email("new.delegate@example.org").is_verified
    assert "colleague@example.org" in page_text(client.get("/account/profile"))


def session_cookie_of(client) -> str:
    return client.get_cookie("kurultai_session", domain="summit.test").value


def browser_with(app, cookie: str):
    copy = app.test_client()
    copy.set_cookie("kurultai_session", cookie, domain="summit.test")
    return copy


def test_logout_ends_the_session_on_the_server(client, app):
    user = make_user()
    db.session.commit()
    sign_in(client, user)
    saved = session_cookie_of(client)
    assert browser_with(app, saved).get("/account/profile").status_code == 200
    client.post("/account/logout")
    assert browser_with(app, saved).get("/account/profile").status_code == 302
    # Another browser of the same person stays logged in.
    other = app.test_client()
    sign_in(other, user)
    client.post("/account/logout")
    assert other.get("/account/profile").status_code == 200


def test_a_cookie_saved_before_a_password_change_or_reset_opens_nothing(client, app):
    user = make_user()
    db.session.commit()
    sign_in(client, user)
    before_change = session_cookie_of(client)
    client.post("/account/password", data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert client.get("/account/profile").status_code == 200
    assert browser_with(app, before_change).get("/account/profile").status_code == 302

    before_reset = session_cookie_of(client)
    link = request_reset(app.test_client(), user.email)
    app.test_client().post(link, data={"password": "another calm sentence", "confirm": "another calm sentence"})
    assert browser_with(app, before_reset).get("/account/profile").status_code == 302
    assert client.get("/account/profile").status_code == 302


def test_logout_refuses_get(client):
    user = make_user()
    db.session.commit()
    login(client, user)
    assert client.get("/account/logout").status_code == 405
    assert client.get("/account/profile").status_code == 200


def test_verification_link_works_once(client):
    client.post("/account/signup", data=signup_data())
    link = link_in(outbox("verify_email")[0], "/account/verify/")
    client.get(link, follow_redirects=True)
    response = client.get(link, follow_redirects=True)
    assert flashes(response) == ["This verification link is invalid or has expired. Log in to ask for a new one."]


def test_resend_verification_queues_a_new_link(client):
    user = make_user(verified=False)
    db.session.commit()
    login(client, user)
    response = client.get("/account/profile")
    assert "Please confirm your email address with the link we sent you." in page_text(response)
    client.post("/account/verify/resend")
    [message] = outbox("verify_email", to=user.email)
    client.get(link_in(message, "/account/verify/"))
    db.session.expire_all()
    assert db.session.get(User, user.id).is_verified


def test_login_with_wrong_password_shows_one_message(client):
    user = make_user()
    db.session.commit()
    wrong = client.post("/account/login", data={"email": user.email, "password": "not the password"})
    unknown = client.post("/account/login", data={"email": "nobody@example.org", "password": "not the password"})
    message = "The email address or password is not right."
    assert wrong.status_code == unknown.status_code == 200
    assert message in html.unescape(page_text(wrong))
    assert visible_html(wrong).replace(user.email, "X") == visible_html(unknown).replace("nobody@example.org", "X")


def test_login_refused_for_deactivated_account(client):
    user = make_user(active=False)
    db.session.commit()
    response = client.post("/account/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert client.get("/account/profile").status_code == 302


# --- No account enumeration ------------------------------------------------------------

def test_signup_with_existing_email_answers_the_same_and_tells_the_owner(client):
    owner = make_user("taken@example.org")
    db.session.commit()
    fresh = client.post("/account/signup", data=signup_data(email="fresh@example.org"))
    taken = client.post("/account/signup", data=signup_data(email="taken@example.org"))
    assert fresh.status_code == taken.status_code == 200
    assert visible_html(fresh).replace("fresh@example.org", "X") == visible_html(taken).replace("taken@example.org", "X")

    [notice] = outbox("account_exists")
    assert notice.to_address == "taken@example.org"
    assert notice.user_id == owner.id
    assert link_in(notice, "/account/forgot") == "/account/forgot"
    assert db.session.scalar(select(User).where(User.email == "taken@example.org")).given_name == owner.given_name
    assert outbox("verify_email", to="taken@example.org") == []


def test_signup_hashes_the_password_for_a_taken_address_too(client, monkeypatch):
    """The slow step (argon2) runs in both cases, so the answer's timing does not tell."""
    from app.accounts import services

    make_user("taken@example.org")
    db.session.commit()
    hashed = []
    real = services.hash_password
    monkeypatch.setattr(services, "hash_password", lambda password: hashed.append(password) or real(password))
    client.post("/account/signup", data=signup_data(email="fresh@example.org"))
    client.post("/account/signup", data=signup_data(email="taken@example.org"))
    assert hashed == [NEW_PASSWORD, NEW_PASSWORD]


def test_forgot_password_answers_the_same_for_known_and_unknown_addresses(client):
    make_user("known@example.org")
    db.session.commit()
    known = client.post("/account/forgot", data={"email": "known@example.org"}, follow_redirects=True)
    unknown = client.post("/account/forgot", data={"email": "unknown@example.org"}, follow_redirects=True)
    assert flashes(known) == flashes(unknown) == [
        "If the address can receive mail from us, a message is on its way. Check your inbox (and spam folder)."]
    assert visible_html(known) == visible_html(unknown)
    assert [m.to_address for m in outbox("reset_password")] == ["known@example.org"]


# --- Password reset --------------------------------------------------------------------

def request_reset(client, email: str) -> str:
    client.post("/account/forgot", data={"email": email}, follow_redirects=True)
    return link_in(outbox("reset_password", to=email)[-1], "/account/reset/")


def test_password_reset_sets_a_new_password_once(client):
    user = make_user()
    db.session.commit()
    link = request_reset(client, user.email)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, follow_redirects=True)
    assert flashes(response) == ["Your password is changed. Log in with the new one."]
    login(client, user, NEW_PASSWORD)
    client.post("/account/logout", follow_redirects=True)

    again = client.post(link, data={"password": "another fine sentence", "confirm": "another fine sentence"},
                        follow_redirects=True)
    assert flashes(again) == ["This reset link is invalid, used or expired. Ask for a new one."]
    login(client, user, NEW_PASSWORD)
    assert [m.template for m in outbox(to=user.email)] == ["reset_password", "password_changed"]


def test_password_reset_link_expires(client):
    user = make_user()
    db.session.commit()
    link = request_reset(client, user.email)
    db.session.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = client.get(link, follow_redirects=True)
    assert flashes(response) == ["This reset link is invalid, used or expired. Ask for a new one."]
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    login(client, user, PASSWORD)


def test_password_reset_refuses_a_token_made_for_another_purpose(client):
    user = make_user()
    raw = create_token(user, "verify", hours=1)
    db.session.commit()
    response = client.post(f"/account/reset/{raw}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                           follow_redirects=True)
    assert flashes(response) == ["This reset link is invalid, used or expired. Ask for a new one."]
    login(client, user, PASSWORD)


def test_password_reset_refuses_made_up_tokens(client):
    for token in ("nonsense", "x" * 500, "%00"):
        response = client.get(f"/account/reset/{token}")
        assert response.status_code == 302


def test_a_newer_reset_link_cancels_older_ones_once_used(client):
    user = make_user()
    db.session.commit()
    first = request_reset(client, user.email)
    second = request_reset(client, user.email)
    client.post(second, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert client.get(first).status_code == 302


def test_password_reset_ends_existing_sessions(client, app):
    user = make_user()
    db.session.commit()
    other = app.test_client()
    login(other, user)
    link = request_reset(client, user.email)
    client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert other.get("/account/profile").status_code == 302


# --- Change password, change email, profile ------------------------------------------------

def test_change_password_logs_out_other_sessions_and_keeps_this_one(client, app):
    user = make_user()
    db.session.commit()
    other = app.test_client()
    login(other, user)
    sign_in(client, user)
    assert other.get("/account/profile").status_code == 200

    response = client.post("/account/password", data={"current": PASSWORD, "password": NEW_PASSWORD,
                                                       "confirm": NEW_PASSWORD}, follow_redirects=True)
    assert flashes(response) == ["Your password is changed. Other devices have been logged out."]
    assert client.get("/account/profile").status_code == 200
    assert other.get("/account/profile").status_code == 302
    assert [m.template for m in outbox(to=user.email)] == ["password_changed"]


def test_change_password_refuses_a_wrong_current_password(client):
    user = make_user()
    db.session.commit()
    login(client, user)
    response = client.post("/account/password", data={"current": "wrong one", "password": NEW_PASSWORD,
                                                       "confirm": NEW_PASSWORD})
    assert field_error(response, "current") == "This is not your current password."
    client.post("/account/logout", follow_redirects=True)
    login(client, user, PASSWORD)


def test_change_email_takes_effect_when_the_link_is_opened(client):
    user = make_user("old@example.org")
    db.session.commit()
    sign_in(client, user)
    response = client.post("/account/email", data={"email": "New@Example.org", "current": PASSWORD},
                           follow_redirects=True)
    assert flashes(response) == [
        "We sent a confirmation link to the new address. Your email changes when you open it."]
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "old@example.org"

    [message] = outbox("confirm_email_change")
    assert message.to_address == "new@example.org"
    response = client.get(link_in(message, "/account/email/confirm/"), follow_redirects=True)
    assert flashes(response) == ["Your email address is changed. Log in with the new address."]
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "new@example.org"
    assert [m.to_address for m in outbox("email_changed_notice")] == ["old@example.org"]
    login(client, "new@example.org")


def test_change_email_to_a_taken_address_answers_the_same_and_changes_nothing(client):
    user = make_user("mine@example.org")
    make_user("theirs@example.org")
    db.session.commit()
    sign_in(client, user)
    response = client.post("/account/email", data={"email": "theirs@example.org", "current": PASSWORD},
                           follow_redirects=True)
    assert flashes(response) == [
        "We sent a confirmation link to the new address. Your email changes when you open it."]
    assert outbox("confirm_email_change") == []
    assert [m.to_address for m in outbox("email_taken_notice")] == ["theirs@example.org"]


def test_change_email_needs_the_current_password(client):
    user = make_user()
    db.session.commit()
    login(client, user)
    response = client.post("/account/email", data={"email": "elsewhere@example.org", "current": "wrong"})
    assert field_error(response, "current") == "This is not your current password."
    assert outbox("confirm_email_change") == []


def test_profile_edit_stores_and_shows_unicode_names(client):
    user = make_user()
    db.session.commit()
    login(client, user)
    response = client.post("/account/profile", data={
        "honorific": "H.E.", "given_name": "  Қасым-Жомарт ", "family_name": "Мусадик", "organisation": "Ақорда",
        "position": "", "country": "kz", "locale": "kk"}, follow_redirects=True)
    assert response.status_code == 200
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert (saved.honorific, saved.given_name, saved.family_name, saved.organisation, saved.country, saved.locale) == (
        "H.E.", "Қасым-Жомарт", "Мусадик", "Ақорда", "KZ", "kk")
    assert "Қасым-Жомарт Мусадик" in page_text(response)


def test_names_with_html_are_stored_as_typed_and_shown_escaped(client):
    user = make_user()
    db.session.commit()
    login(client, user)
    script = "<script>alert(1)</script>"
    client.post("/account/profile", data={"honorific": "", "given_name": script, "family_name": "<b>Bold</b>",
                                          "organisation": "", "position": "", "country": "", "locale": "en"})
    db.session.expire_all()
    assert db.session.get(User, user.id).given_name == script
    text = page_text(client.get("/account/profile"))
    assert script not in text
    assert "<b>Bold</b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;Bold&lt;/b&gt;" in text


# --- Bad input: a field error, never a 500 ----------------------------------------------------

def test_signup_with_a_10000_character_name_gives_a_field_error(client):
    response = client.post("/account/signup", data=signup_data(given_name="Ж" * 10_000))
    assert response.status_code == 200
    assert field_error(response, "given_name") == "Field cannot be longer than 120 characters."
    assert User.by_email("new.delegate@example.org") is None


def test_signup_with_an_invalid_email_gives_a_field_error(client):
    for email in ("not-an-email", "a@", "@example.org", "two@@example.org"):
        response = client.post("/account/signup", data=signup_data(email=email))
        assert field_error(response, "email") == "Enter a valid email address.", email
    assert outbox() == []


@pytest.mark.parametrize("password, message", [
    ("short", "Use at least 10 characters."),
    ("password123", "This password is too common or too simple."),
    ("aaaaaaaaaaaa", "This password is too common or too simple."),
    ("new.delegate2027", "Do not use your email address in the password."),
    ("Мусадик is my name", "Do not use your name in the password."),
    ("x" * 300, "Use at most 256 characters."),
])
def test_signup_refuses_weak_passwords_with_a_reason(client, password, message):
    response = client.post("/account/signup", data=signup_data(password=password, confirm=password))
    assert field_error(response, "password") == message
    assert User.by_email("new.delegate@example.org") is None


def test_signup_refuses_mismatched_passwords(client):
    response = client.post("/account/signup", data=signup_data(confirm="something else entirely"))
    assert field_error(response, "confirm") == "The passwords do not match."


def test_signup_with_only_the_required_fields_posted_creates_the_account(client):
    """A hand-made request leaving out the optional fields gets an account, not a 500."""
    response = client.post("/account/signup", data={
        "email": "minimal@example.org", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
        "given_name": "Aru", "family_name": "Sadykova", "honorific": "", "locale": "ru"})
    assert response.status_code == 200
    user = User.by_email("minimal@example.org")
    assert (user.organisation, user.position, user.country, user.locale) == ("", "", "", "ru")
    assert outbox("verify_email")[0].locale == "ru"


def test_forgot_password_does_the_same_work_for_known_and_unknown_addresses(client, monkeypatch):
    """A token is made and hashed and the message rendered either way, so the answer's
    timing does not tell which addresses have accounts; only the known one is stored."""
    from app.accounts import services
    from app.mail import services as mail

    make_user("known@example.org", locale="ru")
    db.session.commit()
    work = []
    real_hash, real_render = services._hash_token, mail.render_template
    monkeypatch.setattr(services, "_hash_token", lambda raw: work.append("hash") or real_hash(raw))
    monkeypatch.setattr(mail, "render_template",
                        lambda name, **context: work.append(name) or real_render(name, **context))

    writes = []

    def count_writes(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(statement.split()[0].upper())

    event.listen(db.engine, "before_cursor_execute", count_writes)
    try:
        client.post("/account/forgot", data={"email": "known@example.org"})
        known, known_writes, work[:], writes[:] = list(work), list(writes), [], []
        client.post("/account/forgot", data={"email": "unknown@example.org"})
    finally:
        event.remove(db.engine, "before_cursor_execute", count_writes)
    assert known == work == ["hash", "mail/reset_password.txt", "mail/_layout.html"]
    # Both commit a write (a commit that wrote waits for the disk; an empty one would not).
    assert known_writes and writes, (known_writes, writes)
    assert [m.to_address for m in outbox()] == ["known@example.org"]
    assert [t.user.email for t in db.session.scalars(select(AccountToken))] == ["known@example.org"]
