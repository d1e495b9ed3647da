"""After logging in, each person lands where they work."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.agenda.models import AgendaSession, Room, SessionType, Visibility
from app.extensions import db
from app.registration import services as registration
from app.speakers.models import AssignmentRole, AssignmentState, SpeakerAssignment
from app.utils.time import utcnow
from tests.factories import grant, make_category, make_event, make_user, PASSWORD
from tests.registration.conftest import details


def lands(client, user, next_url: str | None = None) -> str:
    url = "/account/login" + (f"?next={next_url}" if next_url else "")
    response = client.post(url, data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response.headers["Location"]


def register(event, user):
    registration.create_registration(event, user, details(), category=make_category(event), actor=user)


def assign_speaker(event, user):
    room = Room(event=event, name="Hall A", capacity=100, position=0)
    db.session.add(room)
    db.session.flush()
    start = utcnow() + timedelta(days=30)
    session = AgendaSession(event=event, room=room, title="Aral Sea basin", type=SessionType.panel, starts_at=start,
                            ends_at=start + timedelta(hours=1), visibility=Visibility.published, sdgs=[],
                            languages=["en"], category_ids=[])
    db.session.add(session)
    db.session.flush()
    db.session.add(SpeakerAssignment(event_id=event.id, session_id=session.id, user_id=user.id,
                                     role=AssignmentRole.panelist, position=0, state=AssignmentState.accepted))


@pytest.fixture
def summit():
    return make_event("astana-2027")


def test_a_delegate_lands_on_their_registration(client, summit):
    user = make_user()
    register(summit, user)
    db.session.commit()
    assert lands(client, user) == "/e/astana-2027/my-registration"


@pytest.mark.parametrize("role", ["secretariat", "accreditation", "programme", "protocol", "viewer"])
def test_an_organiser_lands_in_the_organiser_area(client, summit, role):
    user = make_user()
    grant(user, summit, role)
    db.session.commit()
    assert lands(client, user) == "/e/astana-2027/manage/"


def test_check_in_staff_land_at_the_desk(client, summit):
    user = make_user()
    grant(user, summit, "checkin")
    db.session.commit()
    assert lands(client, user) == "/e/astana-2027/manage/checkin"


def test_a_speaker_lands_in_the_speaker_portal(client, summit):
    user = make_user()
    assign_speaker(summit, user)
    register(summit, user)
    db.session.commit()
    assert lands(client, user) == "/e/astana-2027/speaker/"


def test_an_admin_lands_in_the_admin_area(client, summit):
    user = make_user(is_admin=True)
    db.session.commit()
    assert lands(client, user) == "/admin/"


def test_someone_without_an_event_lands_on_the_home_page(client, summit):
    user = make_user()
    db.session.commit()
    assert lands(client, user) == "/"


def test_a_safe_next_wins_and_an_unsafe_one_is_ignored(client, summit):
    user = make_user()
    register(summit, user)
    db.session.commit()
    assert lands(client, user, "/account/profile") == "/account/profile"
    client.post("/account/logout")
    assert lands(client, user, "//evil.example/") == "/e/astana-2027/my-registration"


def test_the_event_under_way_or_next_is_chosen_over_a_past_one(client):
    past = make_event("astana-2025", start_date=date(2025, 4, 21), end_date=date(2025, 4, 23))
    coming = make_event("astana-2027")
    later = make_event("astana-2029", start_date=date(2029, 4, 21), end_date=date(2029, 4, 23))
    user = make_user()
    grant(user, past, "secretariat")
    grant(user, later, "secretariat")
    register(coming, user)
    db.session.commit()
    assert lands(client, user) == "/e/astana-2027/my-registration"


def test_a_past_event_is_chosen_when_there_is_no_other(client):
    past = make_event("astana-2025", start_date=date(2025, 4, 21), end_date=date(2025, 4, 23))
    user = make_user()
    register(past, user)
    db.session.commit()
    assert lands(client, user) == "/e/astana-2025/my-registration"


def test_an_unpublished_event_does_not_draw_a_delegate(client):
    hidden = make_event("hidden-2027", published=False)
    user = make_user()
    register(hidden, user)
    db.session.commit()
    assert lands(client, user) == "/"


def test_a_logged_in_visitor_of_the_login_page_is_sent_to_their_place(client, summit):
    user = make_user()
    grant(user, summit, "secretariat")
    db.session.commit()
    lands(client, user)
    response = client.get("/account/login")
    assert response.headers["Location"] == "/e/astana-2027/manage/"


def test_a_delegate_who_registered_without_an_account_is_logged_in_by_the_link(client, summit):
    from tests.factories import link_in, outbox
    from tests.registration.conftest import form_data

    category = make_category(summit)
    db.session.commit()
    response = client.post("/e/astana-2027/register", data=form_data(
        category, email="new.delegate@example.org", password="a quiet river at dawn", confirm="a quiet river at dawn"))
    assert response.status_code == 200
    response = client.get(link_in(outbox("verify_email")[0], "/account/verify/"))
    assert response.headers["Location"] == "/e/astana-2027/my-registration"
    assert client.get("/e/astana-2027/my-registration").status_code == 200
