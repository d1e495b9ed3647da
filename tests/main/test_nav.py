"""The event's public menu links to the participant list exactly while the public may open it."""
from __future__ import annotations

from datetime import time

import pytest

from app.agenda.models import Room
from app.extensions import db
from app.registration import services as registration
from tests.factories import grant, login_session, make_event, make_user, page


def menu(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return page(response).xpath('//nav[@aria-label="Main"]//a[contains(@class, "nav-link")]/@href')


def switch_list(event, on: bool) -> None:
    registration.update_settings(event, {"participant_list": on}, actor=None)
    db.session.commit()


@pytest.fixture
def event(db):
    return make_event()


def test_menu_links_to_the_participant_list_while_it_is_public(client, event):
    db.session.commit()
    link = f"/e/{event.slug}/participants"
    assert link not in menu(client, f"/e/{event.slug}/")
    switch_list(event, True)
    assert link in menu(client, f"/e/{event.slug}/")
    assert link in menu(client, f"/e/{event.slug}/speakers")
    switch_list(event, False)
    assert link not in menu(client, f"/e/{event.slug}/")


def test_menu_link_is_marked_as_the_current_page(client, event):
    switch_list(event, True)
    doc = page(client.get(f"/e/{event.slug}/participants"))
    assert doc.xpath('//nav[@aria-label="Main"]//a[@aria-current="page"]/text()') == ["Participants"]


def test_organisers_get_no_menu_link_to_a_list_that_is_switched_off(client, event):
    organiser = make_user()
    grant(organiser, event, "secretariat")
    db.session.commit()
    login_session(client, organiser)
    assert f"/e/{event.slug}/participants" not in menu(client, f"/e/{event.slug}/")


def test_unpublished_event_menu_has_no_participant_list_for_its_team(client):
    event = make_event(published=False)
    organiser = make_user()
    grant(organiser, event, "secretariat")
    switch_list(event, True)
    login_session(client, organiser)
    assert f"/e/{event.slug}/participants" not in menu(client, f"/e/{event.slug}/")


def test_cached_public_agenda_page_follows_the_switch(app, client, event):
    """Visitors get the agenda page from a cache kept per publication: switching the list
    renews it, so its menu is not left without (or with) the link."""
    from app.agenda import services as agenda
    from app.agenda.cache import clear_memory
    from app.agenda.models import AgendaSession, SessionType
    from app.utils.time import local_to_utc

    room = Room(event=event, name="Plenary", capacity=100, opens_at=time(8), closes_at=time(20), position=0)
    db.session.add(room)
    db.session.add(AgendaSession(event=event, room=room, title="Opening", type=SessionType.plenary,
                                 starts_at=local_to_utc(event.start_date, time(9), event.timezone),
                                 ends_at=local_to_utc(event.start_date, time(10), event.timezone)))
    db.session.flush()
    agenda.publish_agenda(event, actor=None)
    db.session.commit()
    clear_memory()
    link = f"/e/{event.slug}/participants"
    try:
        assert link not in menu(app.test_client(), f"/e/{event.slug}/agenda")
        switch_list(event, True)
        app.extensions["public_page_cache"].forget()  # the front cache checks the token once a second
        assert link in menu(app.test_client(), f"/e/{event.slug}/agenda")
    finally:
        clear_memory()


def test_menu_offers_register_until_the_person_has_registered(client, event):
    from tests.registration.conftest import details
    from tests.factories import make_category

    user = make_user()
    db.session.commit()
    home = f"/e/{event.slug}/"
    register, mine = f"/e/{event.slug}/register", f"/e/{event.slug}/my-registration"
    assert (register in menu(client, home), mine in menu(client, home)) == (True, False)  # a visitor

    login_session(client, user)
    assert (register in menu(client, home), mine in menu(client, home)) == (True, False)

    registration.create_registration(event, user, details(), category=make_category(event, "Expert"), actor=user)
    db.session.commit()
    links = menu(client, home)
    assert (register in links, mine in links, f"/e/{event.slug}/my-agenda" in links) == (False, True, True)
