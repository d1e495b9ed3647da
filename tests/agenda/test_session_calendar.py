""""Add to calendar" on a session page gives that session's calendar file to whoever
may open the page, restricted sessions included."""
from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar

from app.agenda import services as svc
from app.agenda.models import Room, Visibility
from app.extensions import db
from tests.agenda.conftest import DAY1, add_session, at
from tests.factories import grant, login_session, make_event, make_user, page


@pytest.fixture
def roundtable():
    """A published agenda with a roundtable for the ministers' category only."""
    from tests.factories import make_category

    event = make_event("astana", start_date=DAY1, end_date=DAY1 + timedelta(days=2))
    room = Room(event=event, name="Plenary")
    db.session.add(room)
    ministers, experts = make_category(event, "Ministers"), make_category(event, "Experts")
    session = add_session(event, room, at(14), at(15), title="Ministerial roundtable",
                          visibility=Visibility.restricted, category_ids=[ministers.id])
    svc.publish_agenda(event, actor=None)
    db.session.flush()
    return event, session, ministers, experts


def _delegate(event, category):
    from app.registration import services as registration
    from tests.registration.conftest import details

    user = make_user()
    record = registration.create_registration(event, user, details(), category=category, actor=user)
    registration.approve_registration(record, actor=user)
    return user


def _calendar_link(client, session) -> str:
    response = client.get(f"/e/astana/sessions/{session.id}")
    assert response.status_code == 200
    links = page(response).xpath('//a[normalize-space()="Add to calendar"]/@href')
    assert links == [f"/e/astana/sessions/{session.id}.ics"]
    return links[0]


@pytest.mark.parametrize("who", ["delegate of the category", "organiser"])
def test_restricted_session_calendar_link_works_for_those_who_see_the_session(client, roundtable, who):
    event, session, ministers, _experts = roundtable
    if who == "organiser":
        user = make_user()
        grant(user, event, "viewer")
    else:
        user = _delegate(event, ministers)
    db.session.commit()
    login_session(client, user)

    response = client.get(_calendar_link(client, session))

    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    events = [str(item["SUMMARY"]) for item in Calendar.from_ical(response.data).walk("VEVENT")]
    assert events == ["Ministerial roundtable"]
    assert response.headers["Cache-Control"] == "private, no-cache"


@pytest.mark.parametrize("who", ["anonymous", "delegate of another category"])
def test_restricted_session_calendar_stays_hidden_from_others(client, roundtable, who):
    event, session, _ministers, experts = roundtable
    if who != "anonymous":
        user = _delegate(event, experts)
        db.session.commit()
        login_session(client, user)
    else:
        db.session.commit()

    assert client.get(f"/e/astana/sessions/{session.id}").status_code == 404
    assert client.get(f"/e/astana/sessions/{session.id}.ics").status_code == 404
