"""The speakers directory and a speaker's page are stored per publication, language and
audience (app/agenda/pages.py), rendered from this speaker's sessions only, and follow a
changed biography once it is published."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.speakers import services as svc
from app.speakers.models import AssignmentRole as R, AssignmentState as S
from tests.factories import login_session, make_user
from tests.speakers.conftest import assign, make_speaker, publish


@pytest.fixture
def speaker(app, summit):
    event, (water, finance, _workshop) = summit
    zarina = assign(water, make_speaker(given_name="Zarina", family_name="Nazarova"), state=S.accepted,
                    role=R.presenter).user
    assign(finance, zarina, state=S.accepted, role=R.chair)
    svc.profile_for(event, zarina).bio = "Glaciologist on the Fedchenko glacier."
    db.session.commit()
    publish(event)
    app.extensions["public_page_cache"].forget()
    return zarina


def test_speaker_page_follows_a_new_biography_once_the_agenda_is_republished(client, summit, speaker):
    event, _sessions = summit
    url = f"/e/astana/speakers/{speaker.id}"
    first = client.get(url)
    assert b"Fedchenko" in first.data and b"Aral Sea basin cooperation" in first.data and b"Green bonds" in first.data
    assert first.headers["ETag"]
    svc.profile_for(event, speaker).bio = "Hydrologist of the Amu Darya."  # changed without the profile form
    db.session.commit()
    assert b"Fedchenko" in client.get(url).data  # the stored page, until the next publication
    publish(event)
    again = client.get(url)
    assert b"Amu Darya" in again.data and b"Fedchenko" not in again.data
    assert again.headers["ETag"] != first.headers["ETag"]
    # Through the speaker's own profile form the pages follow at once.
    svc.update_profile(svc.profile_for(event, speaker), {}, {"bio": "Works on the Syr Darya."}, actor=speaker)
    db.session.commit()
    assert b"Syr Darya" in client.get(url).data
    assert b"Nazarova" in client.get("/e/astana/speakers").data


def test_speaker_pages_are_identical_for_visitors_and_logged_in_readers(app, client, summit, speaker, programme):
    reader, organiser = app.test_client(), app.test_client()
    login_session(reader, make_user("reader@example.org", given_name="Reader", family_name="Person"))
    login_session(organiser, programme)
    db.session.commit()
    for url in (f"/e/astana/speakers/{speaker.id}", "/e/astana/speakers", "/e/astana/agenda"):
        visitor = client.get(url)
        mine = reader.get(url)
        theirs = organiser.get(url)
        assert visitor.status_code == mine.status_code == theirs.status_code == 200
        assert visitor.data == mine.data == theirs.data
        for personal in (b"Reader", b"Daniyar", b"csrf_token", b"Organiser area", b"Log out"):
            assert personal not in mine.data + theirs.data, (url, personal)


def test_speaker_page_of_someone_not_confirmed_is_not_found(client, summit, speaker):
    _event, (_water, _finance, workshop) = summit
    invited = assign(workshop, make_speaker("invited@example.org", given_name="Only", family_name="Invited")).user
    db.session.commit()
    assert client.get(f"/e/astana/speakers/{invited.id}").status_code == 404
    assert client.get("/e/astana/speakers/999999").status_code == 404


def test_a_speaker_page_is_rendered_from_their_own_sessions(app, client, summit, speaker, count_queries):
    """Rendering reads the speaker's sessions, their speakers and their account: a fixed
    number of queries, whatever the size of the programme."""
    url = f"/e/astana/speakers/{speaker.id}"
    db.session.expire_all()
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    # the event and publication, the stored body (none yet), the event, the speaker's sessions, the
    # publication, those sessions' speakers, the account and profile, the menu's participant list; storing it
    assert counter.count == 9, counter.statements
    app.extensions["public_page_cache"].forget()
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    assert counter.count == 1


def test_without_restricted_sessions_a_logged_in_reader_costs_two_queries(app, summit, speaker, count_queries):
    """No session is for some categories only: every reader is one audience, so a logged-in
    reader's page needs their login and the publication, nothing more."""
    reader = app.test_client()
    login_session(reader, make_user("reader@example.org"))
    url = f"/e/astana/speakers/{speaker.id}"
    assert reader.get(url).status_code == 200
    for page in (url, "/e/astana/speakers", "/e/astana/agenda"):
        reader.get(page)
        db.session.expire_all()
        with count_queries() as counter:
            assert reader.get(page).status_code == 200
        assert counter.count == 2, (page, counter.statements)
