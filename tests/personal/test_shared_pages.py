"""Public pages stored once for every reader (app/agenda/pages.py): the agenda and a
session's page are the same bytes for visitors and logged-in delegates of one audience,
cost a fixed handful of queries, follow a new publication, and the personal parts (menu,
stars) come from the overlay (main.overlay); starring works with and without JavaScript."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.agenda import cache
from app.agenda.services import publish_agenda
from app.events.services import update_event
from app.extensions import db
from app.personal.models import AgendaStar
from tests.checkin.conftest import make_delegate
from tests.factories import login_session, make_user


@pytest.fixture
def readers(app, summit, agenda):
    """Clients: a visitor, two approved experts, a government delegate, a user without a registration."""
    event, cats = summit
    people = {"berik": make_delegate(event, cats["expert"], given="Berik", family="Zhakupov", photo=False).user,
              "dana": make_delegate(event, cats["expert"], given="Dana", family="Sadykova", photo=False).user,
              "aliya": make_delegate(event, cats["government"], given="Aliya", family="Serikova", photo=False).user,
              "nobody": make_user("nobody@example.org", given_name="Nurlan", family_name="Outsider")}
    db.session.commit()
    clients = {"visitor": app.test_client()}
    for name, user in people.items():
        clients[name] = app.test_client()
        login_session(clients[name], user)
    app.extensions["public_page_cache"].forget()
    return clients, people


def _body(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data()


def _urls(agenda) -> list[str]:
    return ["/e/astana/agenda", f"/e/astana/sessions/{agenda['opening'].id}", "/e/astana/speakers"]


def test_readers_of_one_audience_get_byte_identical_pages_with_nothing_personal(readers, agenda):
    clients, _people = readers
    for url in _urls(agenda):
        bodies = {name: _body(clients[name], url) for name in ("visitor", "berik", "dana", "nobody")}
        assert bodies["berik"] == bodies["dana"] == bodies["visitor"] == bodies["nobody"], url
        text = bodies["berik"].decode()
        for personal in ("Berik", "Zhakupov", "Dana", "Nurlan", "csrf_token", "Log out", "My agenda</a>"):
            assert personal not in text, (url, personal)
        assert "Log in" in text and 'data-overlay="/e/astana/overlay.json"' in text


def test_restricted_sessions_show_to_their_audience_only(readers, agenda):
    clients, _people = readers
    assert b"Ministerial roundtable" in _body(clients["aliya"], "/e/astana/agenda")
    assert b"Ministerial roundtable" not in _body(clients["berik"], "/e/astana/agenda")
    ministerial = f"/e/astana/sessions/{agenda['ministerial'].id}"
    assert clients["aliya"].get(ministerial).status_code == 200
    assert clients["berik"].get(ministerial).status_code == 404
    assert clients["visitor"].get(ministerial).status_code == 404
    # The government delegate's stored page is not given to anyone else.
    assert b"Ministerial roundtable" not in _body(clients["visitor"], "/e/astana/agenda")


def test_stored_pages_cost_a_fixed_number_of_queries(app, readers, agenda, count_queries):
    clients, _people = readers
    for url in _urls(agenda):
        _body(clients["visitor"], url)
        _body(clients["berik"], url)
        app.extensions["public_page_cache"].forget()  # past the HTTP cache: Flask answers
        db.session.expire_all()
        with count_queries() as counter:
            _body(clients["visitor"], url)
        assert counter.count == 1, (url, counter.statements)  # the event and its publication
        db.session.expire_all()
        with count_queries() as counter:
            _body(clients["berik"], url)
        # the login, the event and publication, the event, the reader's roles and categories
        assert counter.count == 5, (url, counter.statements)
        with count_queries() as counter:
            _body(clients["visitor"], url)  # the HTTP cache in front of Flask
        assert counter.count <= 1, url


def test_stored_pages_carry_an_etag_and_answer_304(readers, agenda):
    clients, _people = readers
    for url in _urls(agenda):
        first = clients["visitor"].get(url)
        assert first.headers["Cache-Control"] == "public, no-cache" and first.headers["ETag"]
        again = clients["visitor"].get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
        mine = clients["berik"].get(url)
        assert mine.headers["Cache-Control"] == "private, no-cache"


def test_a_new_publication_and_new_event_settings_are_shown(readers, summit, agenda):
    clients, _people = readers
    event, _cats = summit
    session_url = f"/e/astana/sessions/{agenda['opening'].id}"
    for name in ("visitor", "berik"):
        assert b"Opening plenary" in _body(clients[name], session_url)
    agenda["opening"].title = "Opening plenary of the summit"
    db.session.commit()
    assert b"of the summit" not in _body(clients["visitor"], session_url)  # until it is published
    publish_agenda(event, actor=None)
    db.session.commit()
    for name in ("visitor", "berik"):
        assert b"Opening plenary of the summit" in _body(clients[name], session_url)
        assert b"Opening plenary of the summit" in _body(clients[name], "/e/astana/agenda")
    update_event(event, {"title": "Summit of the Steppe"}, actor=None)
    db.session.commit()
    for name in ("visitor", "berik"):
        assert b"Summit of the Steppe" in _body(clients[name], session_url)


def test_the_overlay_gives_each_reader_their_own_parts(readers, agenda):
    clients, _people = readers
    assert clients["visitor"].get("/e/astana/overlay.json").get_json() == {"authenticated": False}
    clients["berik"].post(f"/e/astana/my-agenda/{agenda['panel'].id}/star")
    mine = clients["berik"].get("/e/astana/overlay.json?page=/e/astana/agenda")
    assert mine.headers["Cache-Control"] == "private, no-store"
    me = mine.get_json()
    assert me["authenticated"] and me["delegate"] and me["csrf"]
    assert me["starred"] == [agenda["panel"].id]
    assert "Zhakupov" in me["nav_user"] or "Berik" in me["nav_user"]
    assert "Log out" in me["nav_user"] and "My agenda" in me["nav_main"]
    assert 'aria-current="page"' in me["nav_main"]  # the agenda is the current entry
    other = clients["nobody"].get("/e/astana/overlay.json?page=//evil.example/").get_json()
    assert other["authenticated"] and not other["delegate"] and other["starred"] == []


@pytest.fixture
def with_csrf(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def _stars(user) -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(select(AgendaStar.session_id).where(AgendaStar.user_id == user.id)))


def test_starring_from_a_shared_page_with_javascript(with_csrf, readers, agenda):
    clients, people = readers
    client, panel = clients["berik"], agenda["panel"].id
    body = _body(client, "/e/astana/agenda").decode()
    action = f"/e/astana/my-agenda/{panel}/mark"
    assert f'action="{action}"' in body
    token = client.get("/e/astana/overlay.json").get_json()["csrf"]  # what overlay.js adds to the form
    response = client.post(action, data={"csrf_token": token, "do": "star"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/e/astana/agenda#s-{panel}")
    assert _stars(people["berik"]) == {panel}
    response = client.post(action + "?back=session", data={"csrf_token": token, "do": "unstar"})
    assert response.headers["Location"].endswith(f"/e/astana/sessions/{panel}")
    assert _stars(people["berik"]) == set()


def test_starring_from_a_shared_page_without_javascript_asks_again(with_csrf, readers, agenda):
    clients, people = readers
    client, panel = clients["berik"], agenda["panel"].id
    action = f"/e/astana/my-agenda/{panel}/mark"
    # The stored page's form carries no token: nothing changes, the reader's own page asks.
    response = client.post(action)
    assert response.status_code == 200 and _stars(people["berik"]) == set()
    text = response.get_data(as_text=True)
    assert "Glacier monitoring panel" in text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text).group(1)
    response = client.post(action, data={"csrf_token": token, "do": "star"})
    assert response.status_code == 302 and _stars(people["berik"]) == {panel}
    # A forged post from elsewhere (no valid token) changes nothing either.
    client.post(action, data={"csrf_token": "forged", "do": "unstar"})
    assert _stars(people["berik"]) == {panel}
    # Visitors are asked to log in; users without an approved registration are told why.
    assert clients["visitor"].post(action).status_code == 302
    assert "once your registration is approved" in clients["nobody"].post(action).get_data(as_text=True)
    # A session the reader may not see is not found.
    assert client.post(f"/e/astana/my-agenda/{agenda['ministerial'].id}/mark").status_code == 404


def test_a_waiting_message_gives_the_reader_their_own_page(readers, agenda):
    clients, _people = readers
    client = clients["berik"]
    client.post(f"/e/astana/my-agenda/{agenda['panel'].id}/mark", data={"do": "star"})  # no CSRF in tests
    text = client.get("/e/astana/agenda").get_data(as_text=True)
    assert "Added to your agenda." in text and "Log out" in text
    assert "Added to your agenda." not in _body(clients["dana"], "/e/astana/agenda").decode()
    cache.clear_memory()


def test_without_javascript_log_in_brings_a_logged_in_reader_their_own_menu(readers):
    clients, _people = readers
    client = clients["berik"]
    assert "Log out" not in client.get("/e/astana/agenda").get_data(as_text=True)  # the shared page
    response = client.get("/account/login?next=/e/astana/agenda")  # its "Log in" link
    assert response.status_code == 302 and response.headers["Location"].endswith("/e/astana/agenda")
    text = client.get("/e/astana/agenda").get_data(as_text=True)
    assert "You are logged in as" in text and "Log out" in text and "My agenda</a>" in text


def test_the_overlay_costs_a_fixed_handful_of_queries_whatever_the_stars(app, readers, agenda, count_queries):
    clients, people = readers
    client, url = clients["berik"], "/e/astana/overlay.json?page=/e/astana/agenda"
    client.post(f"/e/astana/my-agenda/{agenda['panel'].id}/star")
    counts = []
    for more in ((), ("opening", "workshop")):
        for name in more:
            client.post(f"/e/astana/my-agenda/{agenda[name].id}/star")
        if more:
            client.post(f"/e/astana/my-agenda/{agenda['workshop'].id}/signup")
        db.session.expire_all()
        with count_queries() as counter:
            answer = client.get(url).get_json()
        counts.append(counter.count)
        assert answer["delegate"] and len(answer["starred"]) == 1 + len(more)
    # the login, the event, the reader's registration, their stars and sign-ups, and the menu's
    # questions in one: the participant list, speaking, bilaterals, organiser roles
    assert counts == [5, 5], counter.statements
    assert answer["signed_up"] == [agenda["workshop"].id]
