"""What a scan at the desk without JavaScript costs, and what each worker keeps between
scans: the door list (per publication and language) and the offline desk's settings
(per event dates and language), each shown anew once what it is made of changes."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import lxml.html
import pytest

from app.agenda.services import publish_agenda
from app.checkin import services
from app.checkin.services import counts
from app.extensions import db
from tests.checkin.conftest import at, make_delegate
from tests.factories import login

DESK = "/e/astana/manage/checkin"


@pytest.fixture
def clock(clock):
    clock.set(datetime(2027, 4, 21, 4, tzinfo=UTC))  # 09:00 in Astana on the first day
    return clock


@pytest.fixture
def as_in_production(app, monkeypatch):
    """Counts and publication tokens kept by the worker for a few seconds, as in production."""
    monkeypatch.setitem(app.config, "CHECKIN_COUNTS_SECONDS", 2)
    monkeypatch.setitem(app.config, "PUBLIC_CACHE_TTL", 1)
    counts.forget_counts()
    services.forget_doors()
    yield
    counts.forget_counts()
    services.forget_doors()


def _badge_token(registration) -> str:
    return services.token_for(services.ensure_badge(registration), registration.event)


def _door_labels(page: str) -> list[str]:
    options = lxml.html.fromstring(page).xpath("//select[@id='door']/option")
    return [" ".join(o.text_content().split()) for o in options]


def _offline_days(page: str) -> list[str]:
    return json.loads(lxml.html.fromstring(page).get_element_by_id("desk-config").text)["days"]


def test_desk_scan_without_javascript_reads_a_fixed_few_statements_whatever_the_roster(
        client, summit, staff, agenda, count_queries, clock, as_in_production):
    event, cats = summit
    people = [make_delegate(event, cats["expert"], given=f"P{n}", family="Few", photo=False) for n in range(3)]
    tokens = [_badge_token(p) for p in people]
    db.session.commit()
    login(client, staff["checkin"])
    client.post(DESK, data={"code": tokens[0]})  # the worker counts the day and reads the doors once
    with count_queries() as few:
        page = client.post(DESK, data={"code": tokens[1]}).get_data(as_text=True)
    assert "Checked in." in page
    for n in range(30):
        make_delegate(event, cats["media" if n % 2 else "government"], given=f"Q{n}", family="Many", photo=False)
    db.session.commit()
    with count_queries() as many:
        page = client.post(DESK, data={"code": tokens[2]}).get_data(as_text=True)
    assert "Checked in." in page
    assert many.count == few.count
    # The officer and login session, the event with the officer's roles, the badge with its
    # signing key, person, category and today's check-in, the webhooks to tell, the check-in
    # itself, and the menu's facts: nothing for the doors, counts or offline settings.
    assert few.count == 6, few.statements


def test_desk_door_list_shows_a_session_changed_and_published_again(client, summit, staff, agenda, clock,
                                                                   as_in_production):
    event, _ = summit
    login(client, staff["checkin"])
    assert _door_labels(client.get(DESK).get_data(as_text=True)) == [
        "Entrance", "Wed 11:00 · Workshop: national adaptation plans", "Wed 15:00 · Ministerial roundtable"]
    ministerial = agenda["ministerial"]
    ministerial.title = "Ministerial dialogue"
    ministerial.starts_at, ministerial.ends_at = at(16), at(17)
    db.session.commit()
    # A draft is not what the desk checks.
    assert _door_labels(client.get(DESK).get_data(as_text=True))[2] == "Wed 15:00 · Ministerial roundtable"
    publish_agenda(event, actor=None)
    db.session.commit()
    clock.advance(seconds=2)  # the worker's trust in the publication it knew has run out
    page = client.get(DESK).get_data(as_text=True)
    assert _door_labels(page)[2] == "Wed 16:00 · Ministerial dialogue"
    # In another language, the same doors in its words; back in English, the English ones.
    assert _door_labels(client.get(DESK + "?lang=ru").get_data(as_text=True))[2] == "Ср 16:00 · Ministerial dialogue"
    assert _door_labels(client.get(DESK + "?lang=en").get_data(as_text=True))[2] == \
        "Wed 16:00 · Ministerial dialogue"


def test_desk_door_list_marks_the_door_chosen(client, summit, staff, agenda, clock, as_in_production):
    login(client, staff["checkin"])
    client.get(DESK)
    page = lxml.html.fromstring(client.get(f"{DESK}?session={agenda['workshop'].id}").get_data(as_text=True))
    chosen = page.xpath("//select[@id='door']/option[@selected]")
    assert [o.get("value") for o in chosen] == [str(agenda["workshop"].id)]
    page = lxml.html.fromstring(client.get(DESK).get_data(as_text=True))
    assert page.xpath("//select[@id='door']/option[@selected]") == []


def test_desk_offline_settings_follow_the_event_dates(client, summit, staff, clock, as_in_production):
    event, _ = summit
    login(client, staff["checkin"])
    assert _offline_days(client.get(DESK).get_data(as_text=True)) == ["2027-04-20", "2027-04-23"]
    event.end_date = date(2027, 4, 24)
    event.start_date = event.start_date + timedelta(days=1)
    db.session.commit()
    assert _offline_days(client.get(DESK).get_data(as_text=True)) == ["2027-04-21", "2027-04-24"]
