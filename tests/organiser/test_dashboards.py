"""The role dashboards: which figures each role sees, the numbers against seeded and
built data, links to the lists behind them, their CSV, what stays hidden from whom,
and a query count that does not grow with the registrations."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time

import pytest
from flask import g
from lxml import etree
from sqlalchemy import func, insert, select

from app.accounts.models import User
from app.bilaterals.models import Bilateral, BilateralState
from app.checkin.models import CheckIn, CheckInMethod
from app.events import figures as provided
from app.extensions import db
from app.registration import services as registration
from app.registration.models import Registration, RegistrationState as S
from app.seed import DEMO_SLUG, seed_demo
from app.utils import worldmap
from app.utils.time import local_to_utc, to_zone
from tests.factories import grant, login_session, make_category, make_event, make_user, page, queries_for
from tests.registration.conftest import details

ROLE_FIGURES = {
    "secretariat": ["registrations-by-state", "registrations-over-time", "registrations-by-category", "countries",
                    "countries-map", "delegations", "invitations", "agenda-readiness", "bilaterals-by-state",
                    "checkins-per-hour", "outbox", "travel-footprint", "footprint-by-delegation"],
    "accreditation": ["review-queue", "accreditation-tasks", "waitlist"],
    "programme": ["agenda-readiness", "speakers-by-state", "proposals", "sessions-by-track", "sessions-by-type",
                  "sessions-by-sdg", "room-use"],
    "protocol": ["vip-arrivals", "delegations-protocol", "bilaterals-today"],
    "checkin": ["today-per-hour", "today-per-door"],
    "viewer": ["registrations-by-state", "registrations-by-category", "countries", "sessions-by-track",
               "speakers-by-state"],
}


def figures_on(response) -> list[str]:
    return page(response).xpath('//section[@data-figure]/@data-figure')


def table_of(response, key) -> list[list[str]]:
    rows = page(response).xpath(f'//section[@data-figure="{key}"]//tbody/tr')
    return [[" ".join(cell.text_content().split()) for cell in row.xpath("./th|./td")] for row in rows]


def tiles_of(response, key) -> dict[str, str]:
    cards = page(response).xpath(f'//section[@data-figure="{key}"]//div[contains(@class, "stat-card")]')
    return {" ".join(c.xpath(".//p")[1].text_content().split()): c.xpath(".//p")[0].text_content().strip()
            for c in cards}


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


@pytest.fixture
def demo(client):
    seed_demo()
    db.session.commit()

    def as_(role):
        login_session(client, User.by_email(f"{role}@example.org"))
        return f"/e/{DEMO_SLUG}/manage"
    return as_


@pytest.mark.parametrize("role", list(ROLE_FIGURES))
def test_each_demo_role_opens_on_its_own_dashboard(client, demo, role):
    manage = demo(role)
    response = client.get(f"{manage}/")
    assert response.status_code == 200
    assert figures_on(response) == ROLE_FIGURES[role]


def test_the_secretariat_dashboard_shows_the_seeded_figures(client, demo):
    response = client.get(f"{demo('secretariat')}/")
    assert table_of(response, "registrations-by-state") == [
        ["Approved", "12"], ["Submitted", "3"], ["Cancelled", "1"], ["Rejected", "1"], ["Waitlisted", "1"]]
    assert table_of(response, "countries")[:2] == [["Kazakhstan", "3"], ["Kyrgyzstan", "2"]]
    assert ["Pakistan", "Mr Farrukh Iqbal", "6", "4"] in table_of(response, "delegations")
    assert ["Government delegation", "6", "2", "0", "8"] in table_of(response, "registrations-by-category")
    # Every chart is an image named by its title and description, its numbers in a table.
    svg = page(response).xpath('//section[@data-figure="registrations-by-state"]//*[local-name()="svg"]')[0]
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    assert page(response).xpath(f'//*[@id="{title_id}"]')[0].text == "Registrations by state"
    assert page(response).xpath(f'//*[@id="{desc_id}"]')


def test_the_demo_secretariat_sees_the_travel_footprint_and_a_chart_by_delegation(client, demo):
    response = client.get(f"{demo('secretariat')}/")
    footprint = tiles_of(response, "travel-footprint")
    # Every demo delegate whose place counts gave where they travel from.
    assert footprint["Trips declared by the delegates"] == "12"
    assert footprint["Trips estimated from the delegation's capital"] == "0"
    low, total, high = (float(footprint[label].replace(",", "")) for label in (
        "Low end of the range, t CO₂e", "Travel footprint, t CO₂e", "High end of the range, t CO₂e"))
    assert 0 < low < total < high
    by_delegation = dict(table_of(response, "footprint-by-delegation"))
    assert {"Pakistan", "Kazakhstan", "Kyrgyzstan", "Uzbekistan"} <= set(by_delegation)
    assert "Flights include the radiative-forcing uplift." in page(response).xpath(
        'string(//section[@data-figure="footprint-by-delegation"])')


def test_each_number_links_to_the_list_behind_it(client, demo):
    manage = demo("secretariat")
    response = client.get(f"{manage}/")
    link = page(response).xpath('//section[@data-figure="registrations-by-state"]//a[text()="Approved"]/@href')[0]
    assert link == f"{manage}/registrations?state=approved"
    listed = page(client.get(link)).xpath('//table//tbody/tr')
    assert len(listed) == 12
    country = page(response).xpath('//section[@data-figure="countries"]//a[text()="Pakistan"]/@href')[0]
    assert country == f"{manage}/registrations?country=PK&state=approved"


def test_the_countries_are_shaded_on_a_world_map_with_its_legend(client, demo):
    manage = demo("secretariat")
    response = client.get(f"{manage}/")
    countries = dict(table_of(response, "countries"))
    assert countries == {"Kazakhstan": "3", "Kyrgyzstan": "2", "Pakistan": "2", "Uzbekistan": "2", "Norway": "1",
                         "Senegal": "1"}
    # The legend: how many countries have 1, 2 and 3 delegates.
    assert table_of(response, "countries-map") == [["1", "2"], ["2", "3"], ["3", "1"]]
    image = page(response).xpath('//section[@data-figure="countries-map"]//img')[0]
    assert image.get("src") == f"{manage}/dashboard/secretariat/countries-map.svg"
    assert image.get("alt").startswith("A world map: the darker a country")
    picture = client.get(image.get("src"))
    assert picture.status_code == 200 and picture.mimetype == "image/svg+xml"
    svg = etree.fromstring(picture.get_data())
    fill = {country.get("class"): country.getparent().get("fill")
            for country in svg.iter("{http://www.w3.org/2000/svg}g") if country.get("class")}
    # The more delegates, the darker; the countries without any in grey.
    assert [fill[code] for code in ("kz", "pk", "kg", "uz", "no", "sn")] == [worldmap.SHADES[-1]] + \
        [worldmap.SHADES[-2]] * 3 + [worldmap.SHADES[-3]] * 2
    assert fill["fr"] == fill["br"] == worldmap.NONE and len(fill) > 200
    # Seen again unchanged: nothing is sent.
    again = client.get(image.get("src"), headers={"If-None-Match": picture.headers["ETag"]})
    assert again.status_code == 304 and not again.get_data()
    assert client.get(f"{manage}/dashboard/secretariat/countries.svg").status_code == 404


def test_the_map_is_the_secretariats_only(client, demo):
    manage = demo("viewer")
    assert client.get(f"{manage}/dashboard/viewer/countries.svg").status_code == 404
    assert client.get(f"{manage}/dashboard/secretariat/countries-map.svg").status_code == 403


def test_figures_download_as_csv_with_the_same_numbers(client, demo):
    manage = demo("secretariat")
    rows = csv_rows(client.get(f"{manage}/dashboard/secretariat/registrations-by-state.csv"))
    assert rows == [["State", "Registrations"], ["Approved", "12"], ["Submitted", "3"], ["Cancelled", "1"],
                    ["Rejected", "1"], ["Waitlisted", "1"]]
    # A figure of another dashboard, or none at all, is not found under this one.
    assert client.get(f"{manage}/dashboard/viewer/delegations.csv").status_code == 404
    assert client.get(f"{manage}/dashboard/secretariat/nothing.csv").status_code == 404


@pytest.mark.parametrize("role, refused", [("accreditation", "secretariat"), ("programme", "protocol"),
                                           ("checkin", "accreditation"), ("viewer", "programme")])
def test_a_role_cannot_open_another_roles_dashboard_or_its_numbers(client, demo, role, refused):
    manage = demo(role)
    assert client.get(f"{manage}/dashboard/{refused}").status_code == 403
    assert client.get(f"{manage}/dashboard/{refused}/registrations-by-state.csv").status_code == 403


def test_the_viewer_summary_names_nobody(client, demo):
    manage = demo("viewer")
    response = client.get(f"{manage}/")
    text = response.get_data(as_text=True)
    people = [(r.given_name, r.family_name, r.email) for r in db.session.query(Registration).all()]
    for given, family, email in people:
        assert (not family or family not in text) and (not email or email not in text)
    assert "Iqbal" not in text
    # No number leads to a list the viewer may not open.
    assert not page(response).xpath('//section[@data-figure]//a[contains(@href, "/manage/registrations")]')
    for key in ROLE_FIGURES["viewer"]:
        body = client.get(f"{manage}/dashboard/viewer/{key}.csv").get_data().decode("utf-8-sig")
        assert not any(family and family in body for _g, family, _e in people)


# --- Built data ----------------------------------------------------------------------------

@pytest.fixture
def event():
    return make_event(registration_closes_at=datetime(2027, 4, 10, 13, tzinfo=UTC))


def _staff(client, event, role):
    user = make_user()
    grant(user, event, role)
    db.session.commit()
    login_session(client, user)
    return user


def _approved(event, category, **fields):
    user = make_user()
    reg = registration.create_registration(event, user, details(**fields), category=category, actor=user)
    registration.approve_registration(reg, actor=user)
    return reg


def test_check_in_staff_see_admissions_but_no_passport_travel_or_names(client, event, clock):
    clock.set(datetime(2027, 4, 21, 4, 30, tzinfo=UTC))   # 09:30 in Astana, the first day
    category = make_category(event)
    reg = _approved(event, category, given_name="Zhanar", family_name="Kassymova", visa_letter_needed=True,
                    passport_number="N7654321", passport_expiry=date(2031, 1, 1), date_of_birth=date(1985, 2, 3),
                    place_of_birth="Shymkent")
    registration.update_travel(reg, {"arrival_flight": "KC 921", "hotel": "Hotel Rixos",
                                     "arrival_at": datetime(2027, 4, 20, 10, tzinfo=UTC)}, actor=reg.user)
    others = [_approved(event, category) for _ in range(2)]
    for person, hour in ((reg, 3), (others[0], 4), (others[1], 4)):
        db.session.add(CheckIn(event_id=event.id, registration_id=person.id, scope="venue", day=date(2027, 4, 21),
                               checked_in_at=datetime(2027, 4, 21, hour, 5, tzinfo=UTC), method=CheckInMethod.qr))
    _staff(client, event, "checkin")
    response = client.get(f"/e/{event.slug}/manage/")
    assert figures_on(response) == ROLE_FIGURES["checkin"]
    assert table_of(response, "today-per-hour") == [["08:00", "1"], ["09:00", "2"]]
    assert table_of(response, "today-per-door") == [["Venue entrance", "3"]]
    assert page(response).xpath('//a[text()="Open the check-in desk"]/@href') == [f"/e/{event.slug}/manage/checkin"]
    text = response.get_data(as_text=True)
    for secret in ("N7654321", "Shymkent", "KC 921", "Rixos", "Kassymova", "Zhanar"):
        assert secret not in text


def test_registrations_over_time_add_up_and_mark_the_deadline(client, event, clock):
    category = make_category(event)
    for day in (1, 1, 3):
        clock.set(datetime(2027, 3, day, 6, tzinfo=UTC))
        registration.create_registration(event, make_user(), details(), category=category, actor=make_user())
    _staff(client, event, "secretariat")
    response = client.get(f"/e/{event.slug}/manage/")
    assert table_of(response, "registrations-over-time") == [["2027-03-01", "2", "2"], ["2027-03-03", "1", "3"]]
    assert "Registration deadline (2027-04-10)" in response.get_data(as_text=True)


def test_accreditation_sees_the_oldest_waiting_first_and_its_tasks(client, event, clock):
    category = make_category(event)
    clock.set(datetime(2027, 3, 1, 6, tzinfo=UTC))
    old = registration.create_registration(event, make_user(), details(given_name="Old"), category=category,
                                           actor=make_user())
    clock.set(datetime(2027, 3, 5, 6, tzinfo=UTC))
    registration.create_registration(event, make_user(), details(given_name="New"), category=category,
                                     actor=make_user())
    approved = _approved(event, category, visa_letter_needed=True, passport_number="N1", given_name="Traveller",
                         passport_expiry=date(2031, 1, 1), date_of_birth=date(1980, 1, 1), place_of_birth="X")
    clock.set(datetime(2027, 3, 11, 6, tzinfo=UTC))
    _staff(client, event, "accreditation")
    response = client.get(f"/e/{event.slug}/manage/")
    queue = table_of(response, "review-queue")
    assert [row[0] for row in queue] == ["Old Serikova", "New Serikova"]
    assert [row[-1] for row in queue] == ["10", "6"]
    assert page(response).xpath('//section[@data-figure="review-queue"]//a/@href')[0] == (
        f"/e/{event.slug}/manage/registrations/{old.id}")
    assert tiles_of(response, "accreditation-tasks") == {
        "Visa-support letters to issue": "1", "Likely duplicates": "0",
        "Approved without complete travel details": "1"}
    travel = page(response).xpath('//a[text()="Approved without complete travel details"]/@href')[0]
    listed = page(client.get(travel)).xpath('//table//tbody/tr')
    assert len(listed) == 1 and "Traveller" in listed[0].text_content()
    assert approved.id


def test_protocol_sees_heads_and_vip_arrivals_per_day(client, event):
    government = make_category(event, "Government delegation", protocol_rank=10)
    press = make_category(event, "Media", protocol_rank=70)
    head = make_user()
    delegation = registration.save_delegation(event, None, {"name": "Mongolia", "country": "MN",
                                                            "category_id": government.id, "head_user_id": head.id,
                                                            "quota": 5, "protocol_rank": 1}, actor=head)
    lead = registration.create_registration(event, head, details(), category=government, actor=head)
    lead.delegation_id = delegation.id
    registration.approve_registration(lead, actor=head)
    minister = _approved(event, government)
    reporter = _approved(event, press)
    for reg, day in ((lead, 19), (minister, 19), (reporter, 19)):
        registration.update_travel(reg, {"arrival_at": datetime(2027, 4, day, 8, tzinfo=UTC)}, actor=reg.user)
    registration.update_travel(minister, {"arrival_at": datetime(2027, 4, 20, 20, tzinfo=UTC)},
                               actor=minister.user)   # 01:00 on the 21st in Astana
    _staff(client, event, "protocol")
    response = client.get(f"/e/{event.slug}/manage/")
    assert table_of(response, "vip-arrivals") == [["2027-04-19", "1", "0", "1"], ["2027-04-21", "0", "1", "1"]]
    assert table_of(response, "delegations-protocol")[0][:3] == ["Mongolia", "Mongolia", head.formal_name]


def test_bilaterals_show_only_when_someone_provides_them(client, event):
    _staff(client, event, "secretariat")
    real = provided._PROVIDERS.pop("bilaterals.requests_by_state")
    try:
        assert "bilaterals-by-state" not in figures_on(client.get(f"/e/{event.slug}/manage/"))
        provided.register("bilaterals.requests_by_state", lambda ev: [("Requested", 4, None), ("Confirmed", 2, None)])
        response = client.get(f"/e/{event.slug}/manage/")
        assert table_of(response, "bilaterals-by-state") == [["Requested", "4"], ["Confirmed", "2"]]
    finally:
        provided.register("bilaterals.requests_by_state", real)


def test_the_demo_bilaterals_are_counted_by_state_and_listed_on_their_day(client, demo, clock):
    meetings = db.session.scalars(select(Bilateral).where(Bilateral.state == BilateralState.confirmed)).all()
    counts = dict(db.session.execute(select(Bilateral.state, func.count()).group_by(Bilateral.state)).all())
    manage = demo("secretariat")
    response = client.get(f"{manage}/")
    by_state = dict(table_of(response, "bilaterals-by-state"))
    assert by_state["Requested"] == str(counts[BilateralState.requested])
    assert by_state["Confirmed"] == str(counts[BilateralState.confirmed]) == str(len(meetings))
    link = page(response).xpath('//section[@data-figure="bilaterals-by-state"]//a[text()="Confirmed"]/@href')[0]
    assert link == f"{manage}/bilaterals?state=confirmed"
    meeting = meetings[0]
    clock.set(meeting.starts_at)
    demo("protocol")
    today = table_of(client.get(f"{manage}/"), "bilaterals-today")
    start, end = (to_zone(at, meeting.event.timezone) for at in (meeting.starts_at, meeting.ends_at))
    assert today[0] == [f"{start:%H:%M}–{end:%H:%M}", f"{meeting.requester.name} – {meeting.counterpart.name}",
                        meeting.room.room.name]
    assert meeting.topic and meeting.topic not in client.get(f"{manage}/").get_data(as_text=True)


def _bulk(event, category, n, start):
    rows = [dict(event_id=event.id, category_id=category.id, state=(S.approved, S.submitted, S.waitlisted)[i % 3],
                 given_name=f"Given{i}", family_name=f"Family{i}", email=f"bulk{start + i}@example.org",
                 country=("KZ", "PK", "MN", "NO")[i % 4], languages=[], answers={},
                 created_at=datetime(2027, 3, 1 + i % 20, 6, tzinfo=UTC),
                 submitted_at=datetime(2027, 3, 1 + i % 20, 6, tzinfo=UTC),
                 arrival_at=datetime(2027, 4, 19 + i % 3, 6, tzinfo=UTC)) for i in range(n)]
    db.session.execute(insert(Registration), rows)
    db.session.commit()


@pytest.mark.parametrize("role", ["secretariat", "accreditation", "programme", "protocol", "checkin", "viewer"])
def test_dashboard_queries_do_not_grow_with_the_registrations(client, event, count_queries, role):
    category = make_category(event)
    make_category(event, "Media", position=1)
    _staff(client, event, role)
    url = f"/e/{event.slug}/manage/"
    _bulk(event, category, 12, 0)
    g.pop("policy_cache", None)
    small = queries_for(client, url, count_queries)
    _bulk(event, category, 600, 100)
    g.pop("policy_cache", None)
    large = queries_for(client, url, count_queries)
    assert large == small


def test_a_session_day_in_the_event_zone(client, event):
    """Room use counts hours per day in the event's time zone."""
    from app.agenda import services as agenda
    from app.agenda.models import SessionType, Visibility

    actor = make_user()
    room = agenda.create_room(event, {"name": "Hall A", "capacity": 100, "location": "", "equipment": "",
                                      "interpretation_languages": [], "opens_at": time(8), "closes_at": time(20),
                                      "position": 0}, actor=actor)
    for hour in (9, 11):
        agenda.create_session(event, {
            "title": f"Panel {hour}", "type": SessionType.panel, "track": None, "room": room, "sdgs": [6, 13],
            "starts_at": local_to_utc(date(2027, 4, 21), time(hour), event.timezone),
            "ends_at": local_to_utc(date(2027, 4, 21), time(hour + 1, 30), event.timezone), "abstract": "",
            "languages": ["en"], "capacity": None, "signup_required": False, "visibility": Visibility.published,
            "category_ids": []}, actor=actor)
    _staff(client, event, "programme")
    response = client.get(f"/e/{event.slug}/manage/")
    assert table_of(response, "room-use") == [["Hall A", "3", "3"]]
    assert table_of(response, "sessions-by-sdg") == [["SDG 6 — Clean water and sanitation", "2"],
                                                     ["SDG 13 — Climate action", "2"]]
    assert tiles_of(response, "agenda-readiness")["Sessions without speakers"] == "2"
