"""Paginated lists take any ?page= a person or a script sends: never a 500."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.registration.models import RegistrationSettings
from tests.factories import grant, login_session, make_event, make_user

PAGES = ("abc", "-1", "0", "1.5", "9" * 30, "100001")


@pytest.fixture
def organiser(client):
    event = make_event(slug="astana", published=True)
    db.session.add(RegistrationSettings(event=event, participant_list=True))
    user = make_user(is_admin=True)
    grant(user, event, "secretariat")
    db.session.commit()
    login_session(client, user)
    return event


@pytest.mark.parametrize("url", [
    "/admin/", "/admin/outbox", "/admin/audit", "/e/astana/manage/audit", "/e/astana/manage/registrations",
    "/e/astana/participants",
])
@pytest.mark.parametrize("number", PAGES)
def test_any_page_number_gives_a_page(client, organiser, url, number):
    response = client.get(url, query_string={"page": number})
    assert response.status_code == 200
