"""Wording that comes from outside the page templates still follows the reader's
language: the login prompt of a page that needs an account, and a head of delegation's
title on the protocol dashboard."""
from __future__ import annotations

from app.extensions import db
from app.registration.models import Delegation
from tests.factories import flashes, grant, login, make_event, make_user, page


def test_a_page_that_needs_an_account_asks_to_log_in_in_the_readers_language(client, db):
    event = make_event(languages=["en", "ru", "kk"])
    db.session.commit()
    for lang, wording in (("kk", "Бұл бетті ашу үшін жүйеге кіріңіз."), ("ru", "Войдите, чтобы открыть эту страницу."),
                          ("en", "Please log in to access this page.")):
        response = client.get(f"/e/{event.slug}/my-registration", headers={"Accept-Language": lang},
                              follow_redirects=True)
        assert wording in flashes(response)


def test_protocol_dashboard_prints_the_heads_title_in_the_readers_language(client, db):
    event = make_event(languages=["en", "ru"])
    head = make_user(honorific="Mr", given_name="Farrukh", family_name="Iqbal")
    db.session.add(Delegation(event=event, name="Pakistan", country="PK", head_user_id=head.id))
    protocol = make_user()
    db.session.flush()
    grant(protocol, event, "protocol")
    db.session.commit()
    login(client, protocol)
    russian = page(client.get(f"/e/{event.slug}/manage/dashboard/protocol?lang=ru")).text_content()
    assert "Г-н Farrukh Iqbal" in russian and "Mr Farrukh Iqbal" not in russian
