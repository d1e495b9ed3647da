"""Account services used by other domains, without HTTP."""
from __future__ import annotations

from app.accounts.services import (confirm_email_change, create_token, email_verified, mark_email_verified,
                                   reset_password)
from app.extensions import db
from tests.factories import make_user


def test_mark_email_verified_proves_the_address_once_and_says_so():
    user = make_user(verified=False)
    heard = []

    def listener(sender, **_kwargs):
        heard.append(sender)

    email_verified.connect(listener)
    try:
        assert mark_email_verified(user) is True
        first = user.email_verified_at
        assert first is not None
        assert mark_email_verified(user) is False
    finally:
        email_verified.disconnect(listener)
    assert heard == [user]
    assert user.email_verified_at == first
    db.session.commit()


def test_login_sessions_end_one_by_one_or_all_at_once_and_do_not_pile_up(app):
    from sqlalchemy import func, select

    from app.accounts import sessions
    from app.accounts.models import LoginSession

    user = make_user()
    phone, laptop = sessions.open_session(user), sessions.open_session(user)
    assert sessions.load_user(user.get_id(), phone) is user
    sessions.end_session(phone)
    assert sessions.load_user(user.get_id(), phone) is None
    assert sessions.load_user(user.get_id(), laptop) is user
    assert sessions.load_user(user.get_id(), "made-up") is None
    assert sessions.load_user(f"{user.id}:wrong-token", laptop) is None

    sessions.open_session(user)  # a new login clears away the ended rows
    assert db.session.scalar(select(func.count(LoginSession.id))) == 2
    sessions.end_all_sessions(user)
    assert sessions.load_user(user.get_id(), laptop) is None
    db.session.commit()


def _listening():
    heard = []

    def listener(sender, **_kwargs):
        heard.append(sender)

    return heard, listener


def test_a_password_reset_link_proves_the_address_and_says_so():
    user = make_user(verified=False)
    raw = create_token(user, "reset", hours=1)
    heard, listener = _listening()
    with email_verified.connected_to(listener):
        assert reset_password(raw, "a quiet river at dawn") is user
    assert user.email_verified_at is not None
    assert heard == [user]  # drafts waiting for the address go ahead
    db.session.commit()


def test_a_confirmed_email_change_proves_the_new_address_and_says_so():
    user = make_user(verified=False)
    raw = create_token(user, "email_change", hours=1, payload={"email": "moved@example.org"})
    heard, listener = _listening()
    with email_verified.connected_to(listener):
        assert confirm_email_change(raw) is user
    assert user.email == "moved@example.org"
    assert user.email_verified_at is not None
    assert heard == [user]
    db.session.commit()
