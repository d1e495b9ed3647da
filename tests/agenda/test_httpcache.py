"""The HTTP cache in front of the published agenda: what visitors without a session get."""
from __future__ import annotations

import itertools

import pytest

from app.agenda import services as svc
from app.extensions import db
from tests.agenda.conftest import add_session, at
from tests.agenda.test_public_views import FEEDS, published  # noqa: F401 - fixture
from tests.factories import login, login_session, make_user

PAGES = ("/e/astana/agenda",) + FEEDS


@pytest.mark.parametrize("url", PAGES)
def test_visitor_page_carries_nothing_personal(client, published, url):  # noqa: F811
    response = client.get(url)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "X-Public-Cache" not in response.headers
    assert 'name="csrf_token"' not in response.get_data(as_text=True)


@pytest.mark.parametrize("url", PAGES)
def test_second_visitor_is_answered_without_running_the_page(app, published, count_queries, url):  # noqa: F811
    first = app.test_client().get(url)
    with count_queries() as queries:
        second = app.test_client().get(url)
    assert second.data == first.data
    assert second.headers["Content-Type"] == first.headers["Content-Type"]
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    # Only the check that the publication is still the current one.
    assert queries.count == 1


def test_new_publication_is_served_at_once(app, published):  # noqa: F811
    event, _opening, _workshop, _publication = published
    visitor = app.test_client()
    assert "Closing ceremony" not in visitor.get("/e/astana/agenda").get_data(as_text=True)
    add_session(event, event_rooms(event)[0], at(18), at(19), title="Closing ceremony")
    svc.publish_agenda(event, actor=None)
    db.session.commit()
    assert "Closing ceremony" in visitor.get("/e/astana/agenda").get_data(as_text=True)


@pytest.mark.parametrize("url", PAGES)
def test_renamed_event_shows_its_new_title_without_a_new_publication(app, published, url):  # noqa: F811
    from app.events.services import update_event

    event, _opening, _workshop, _publication = published
    visitor = app.test_client()
    assert "Water and Climate Summit 2027" not in visitor.get(url).get_data(as_text=True)
    update_event(event, {"title": "Water and Climate Summit 2027"}, actor=None)
    db.session.commit()
    assert "Water and Climate Summit 2027" in visitor.get(url).get_data(as_text=True)


def test_bodies_stored_by_an_earlier_release_are_not_served_after_an_upgrade(app, published, monkeypatch):  # noqa: F811
    from sqlalchemy import update

    from app.agenda import cache
    from app.agenda.models import RenderedPage

    def fresh_visit() -> str:
        cache.clear_memory()
        app.extensions["public_page_cache"].forget()
        return app.test_client().get("/e/astana/agenda").get_data(as_text=True)

    assert "Opening plenary" in fresh_visit()
    db.session.execute(update(RenderedPage).values(body=b"stored by the old release"))
    db.session.commit()
    assert fresh_visit() == "stored by the old release"  # the shared table is read first

    monkeypatch.setattr(cache, "code_version", lambda: "0123456789")  # the code has changed
    assert "Opening plenary" in fresh_visit()


def event_rooms(event):
    from app.agenda.models import Room

    return list(db.session.scalars(db.select(Room).where(Room.event_id == event.id).order_by(Room.position)))


def test_language_comes_from_accept_language_and_is_kept_apart(app, published):  # noqa: F811
    english = app.test_client().get("/e/astana/agenda", headers={"Accept-Language": "en"})
    russian = app.test_client().get("/e/astana/agenda", headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    again = app.test_client().get("/e/astana/agenda", headers={"Accept-Language": "ru"})
    assert 'lang="en"' in english.get_data(as_text=True)
    assert 'lang="ru"' in russian.get_data(as_text=True)
    assert again.data == russian.data


@pytest.mark.parametrize("url", FEEDS)
def test_stored_feed_answers_conditional_requests_with_304(app, published, url):  # noqa: F811
    first = app.test_client().get(url)
    app.test_client().get(url)  # now stored
    response = app.test_client().get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == first.headers["ETag"]
    assert "Content-Type" not in response.headers or response.headers["Content-Type"] == first.headers["Content-Type"]


def test_head_request_gets_headers_without_body(app, published):  # noqa: F811
    app.test_client().get("/e/astana/schedule.json")
    response = app.test_client().head("/e/astana/schedule.json")
    assert response.status_code == 200
    assert response.data == b""


def test_logged_in_user_is_never_given_the_stored_page(app, client, published):  # noqa: F811
    app.test_client().get("/e/astana/agenda")
    user = make_user(given_name="Dilnoza")
    db.session.commit()
    login(client, user)
    page = client.get("/e/astana/agenda").get_data(as_text=True)
    assert "Dilnoza" in page


def test_unpublished_event_is_not_served_from_memory(app, published):  # noqa: F811
    event, *_ = published
    assert app.test_client().get("/e/astana/agenda").status_code == 200
    app.test_client().get("/e/astana/agenda")
    event.published = False
    db.session.commit()
    assert app.test_client().get("/e/astana/agenda").status_code == 404


def test_visitor_language_link_sets_the_display_language(client, published):  # noqa: F811
    response = client.get("/language/kk?next=/e/astana/agenda")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/e/astana/agenda")
    assert 'lang="kk"' in client.get("/e/astana/agenda").get_data(as_text=True)


@pytest.mark.parametrize("url", PAGES)
def test_a_caching_proxy_may_keep_visitor_pages_for_the_cache_ttl_only(app, published, monkeypatch, url):  # noqa: F811
    monkeypatch.setitem(app.config, "PUBLIC_CACHE_TTL", 1.5)
    visitor = app.test_client()
    first, second = visitor.get(url), visitor.get(url)  # rendered, then from the workers' cache
    assert first.headers["X-Accel-Expires"] == "2" and second.headers["X-Accel-Expires"] == "2"
    assert "no-cache" in first.headers["Cache-Control"]  # browsers still ask each time
    delegate = app.test_client()
    login(delegate, make_user("reader@example.org"))
    assert "X-Accel-Expires" not in delegate.get(url).headers


@pytest.mark.parametrize("url", PAGES)
def test_a_browser_that_accepts_gzip_gets_the_stored_page_compressed(app, published, url):  # noqa: F811
    import gzip

    first = app.test_client().get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in first.headers  # the first one is rendered, then stored
    assert "Accept-Encoding" in first.headers["Vary"]
    plain = app.test_client().get(url)
    packed = app.test_client().get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data == first.data
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data)
    assert packed.headers["Content-Type"] == plain.headers["Content-Type"]
    for response in (plain, packed):
        vary = {v.strip() for v in response.headers["Vary"].split(",")}
        assert {"Accept-Language", "Accept-Encoding"} <= vary
    # Two representations, two validators; each answers its own revalidation.
    assert packed.headers["ETag"] != plain.headers["ETag"]
    again = app.test_client().get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
    assert (again.status_code, again.headers["ETag"], again.data) == (304, packed.headers["ETag"], b"")
    refused = app.test_client().get(url, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers and refused.data == plain.data


def test_the_agenda_page_compresses_to_a_fraction_of_its_size(app, published):  # noqa: F811
    app.test_client().get("/e/astana/agenda")
    plain = app.test_client().get("/e/astana/agenda")
    packed = app.test_client().get("/e/astana/agenda", headers={"Accept-Encoding": "gzip"})
    assert len(packed.data) * 3 < len(plain.data)


@pytest.mark.parametrize("header, accepted", [
    ("gzip", True), ("GZIP", True), ("deflate, gzip;q=0.5", True), ("*", True), ("br", False),
    ("gzip;q=0", False), ("identity", False), ("", False), (None, False), ("gzip;q=abc", False)])
def test_accept_encoding_is_read_as_rfc_9110_says(header, accepted):
    from app.agenda.httpcache import accepts_gzip

    assert accepts_gzip(header) is accepted


# --- readers with a session ------------------------------------------------------------

@pytest.fixture
def open_agenda(summit):
    """A published agenda without restricted sessions: every reader gets the same page."""
    event, rooms, tracks = summit
    add_session(event, rooms[0], at(9), at(10), title="Opening plenary", track=tracks[0])
    add_session(event, rooms[1], at(11), at(12), title="Green bonds workshop", track=tracks[1])
    svc.publish_agenda(event, actor=None)
    db.session.commit()
    return event


def _reader(app, name: str = "Dilnoza", **session_values):
    """A client logged in as a new user, with the session the login view writes."""
    user = make_user(f"{name.lower()}@example.org", given_name=name)
    db.session.commit()
    client = app.test_client()
    login_session(client, user)
    with client.session_transaction() as session:
        session["lang"] = "en"
        session.update(session_values)
    return client


SHARED = ("/e/astana/agenda", "/e/astana/speakers")


@pytest.mark.parametrize("url", SHARED)
def test_a_logged_in_reader_gets_the_stored_page_without_running_flask(app, open_agenda, count_queries, url):
    visitor = app.test_client().get(url, headers={"Accept-Language": "en"})  # rendered and stored
    reader = _reader(app)
    with count_queries() as queries:
        first = reader.get(url)  # Flask learns that no audience sees other sessions, and says so
    assert first.data == visitor.data and queries.count > 1
    assert "X-Public-Cache" not in first.headers and "X-Public-Cache-Shared" not in first.headers
    another = _reader(app, "Another")
    with count_queries() as queries:
        mine = another.get(url)
    assert mine.status_code == 200 and mine.data == visitor.data
    assert queries.count <= 1  # the publication's token, as for a visitor; not the login
    assert "Dilnoza" not in mine.get_data(as_text=True)
    assert mine.headers["Cache-Control"] == "private, no-cache"
    assert "X-Accel-Expires" not in mine.headers and "Set-Cookie" not in mine.headers
    assert "Cookie" in mine.headers["Vary"] and mine.headers["Content-Security-Policy"]
    again = reader.get(url, headers={"If-None-Match": mine.headers["ETag"]})
    assert again.status_code == 304
    # A visitor who asked for no language of ours got the same English page.
    app.extensions["public_page_cache"].forget()
    app.test_client().get(url)
    with count_queries() as queries:
        assert reader.get(url).data == visitor.data
    assert queries.count <= 1


def test_each_reader_gets_the_page_in_the_language_of_their_session(app, open_agenda):
    for lang in ("ru", "kk", "en"):
        app.test_client().get("/e/astana/agenda", headers={"Accept-Language": lang})
    for n in range(2):  # answered by Flask, then from memory
        for lang in ("ru", "kk", "en"):
            client = _reader(app, f"Reader{lang}{n}", lang=lang)
            page = client.get("/e/astana/agenda", headers={"Accept-Language": "en"})
            assert f'lang="{lang}"' in page.get_data(as_text=True)


_FIRST = itertools.count()


def _ran_flask(app, client, count_queries, url="/e/astana/agenda"):
    app.test_client().get(url, headers={"Accept-Language": "en"})  # stored for visitors
    _reader(app, f"First{next(_FIRST)}").get(url)  # and known to be every reader's page
    with count_queries() as queries:
        response = client.get(url)
    return response, queries.count > 1


def test_a_reader_with_a_message_waiting_gets_the_page_with_it(app, open_agenda, count_queries):
    client = _reader(app, _flashes=[("info", "Your registration was received.")])
    response, ran = _ran_flask(app, client, count_queries)
    assert ran and "Your registration was received." in response.get_data(as_text=True)


def test_an_idle_session_is_ended_by_flask_not_served_from_memory(app, open_agenda, count_queries):
    client = _reader(app, seen_at=1)
    response, ran = _ran_flask(app, client, count_queries)
    assert ran and "Your session has ended" in response.get_data(as_text=True)


def test_a_session_without_its_language_or_a_forged_cookie_is_answered_by_flask(app, open_agenda, count_queries):
    client = _reader(app)
    with client.session_transaction() as session:
        del session["lang"]  # the profile's language: read by Flask
    assert _ran_flask(app, client, count_queries)[1]
    forged = app.test_client()
    forged.set_cookie(app.config["SESSION_COOKIE_NAME"], "eyJfdXNlcl9pZCI6IjEifQ.forged.signature")
    response, _ran = _ran_flask(app, forged, count_queries)
    # Flask refused the cookie and answered as for a visitor.
    assert response.status_code == 200 and response.headers["Cache-Control"] == "public, no-cache"


def test_readers_of_restricted_agendas_are_answered_by_flask(app, published, count_queries):  # noqa: F811
    client = _reader(app)
    response, ran = _ran_flask(app, client, count_queries)
    assert ran and response.status_code == 200


def test_the_gzip_copy_is_made_once_the_first_reader_has_been_sent_the_page(app, published):  # noqa: F811
    """The reader who waited for the page to be rendered does not wait for it to be
    compressed: the server closes the response, then the copy is made for the next ones."""
    import gzip

    from werkzeug.test import EnvironBuilder

    cache = app.extensions["public_page_cache"]
    made = []
    original = cache._compress
    cache._compress = lambda entry: (made.append(entry.key), original(entry))[1]
    try:
        environ = EnvironBuilder(path="/e/astana/agenda", headers={"Accept-Encoding": "gzip"}).get_environ()
        answer = app.wsgi_app(environ, lambda status, headers, exc_info=None: None)
        body = b"".join(answer)
        assert made == []  # sent first
        answer.close()  # the server has sent it
        assert made == [("/e/astana/agenda", "")]
        packed = app.test_client().get("/e/astana/agenda", headers={"Accept-Encoding": "gzip"})
    finally:
        cache._compress = original
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == body


def test_stored_pages_are_kept_compressed_in_the_shared_table(app, published):  # noqa: F811
    from sqlalchemy import select

    from app.agenda import cache
    from app.agenda.models import RenderedPage

    page = app.test_client().get("/e/astana/agenda").data
    stored = db.session.scalars(select(RenderedPage.body)).all()
    assert stored and all(body[:2] == b"\x1f\x8b" for body in stored if len(body) > 1024)
    assert max(len(body) for body in stored) < len(page) / 2
    # Another worker (nothing in its memory) reads it back as rendered.
    cache.clear_memory()
    app.extensions["public_page_cache"].forget()
    assert app.test_client().get("/e/astana/agenda").data == page
