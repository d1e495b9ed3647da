"""What people see: the travel form's journey fields, the delegate's own figure in
their language, the secretariat's report with its privacy rule, downloads and choices."""
from __future__ import annotations

import json
import re

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.footprint import services as footprint
from app.registration import services as registration_services
from tests.factories import grant, login_session, make_user, queries_for
from tests.footprint.conftest import LONG_BUSINESS_RF, UPLIFT, approved, leg, travel


def test_the_delegate_gives_the_journey_and_sees_the_figure_of_the_trip(client, event, category):
    registration = approved(event, category)
    db.session.commit()
    login_session(client, registration.user)
    response = client.post(f"/e/{event.slug}/my-registration/travel", data={
        "travel_origin": "isb", "trip_kind": "return", "leg1_mode": "air", "leg1_cabin": "economy",
        "leg1_to": "", "leg2_mode": "", "leg3_mode": ""})
    assert response.status_code == 302
    db.session.refresh(registration)
    assert (registration.travel_origin, registration.travel_legs, registration.travel_return) == (
        "ISB", [{"mode": "air", "cabin": "economy", "to": ""}], True)
    page = client.get(f"/e/{event.slug}/my-registration").get_data(as_text=True)
    assert '<h2 class="h5" id="footprint-title">Footprint of your trip</h2>' in page
    assert "649 kg CO₂e" in page          # 528.642 kg of flights + 4 nights x 30 kg = 648.642 kg
    assert "Flights include the radiative-forcing uplift." in page
    assert "Estimate" not in page


def test_the_travel_form_keeps_the_journey_when_opened_again(client, event, category):
    registration = approved(event, category)
    travel(registration, "ISB", [leg("air", "business", "ALA"), leg("rail")], return_trip=False)
    db.session.commit()
    login_session(client, registration.user)
    page = client.get(f"/e/{event.slug}/my-registration/travel").get_data(as_text=True)
    assert 'value="ISB"' in page and 'value="ALA"' in page
    assert re.search(r'<option[^>]*selected[^>]*value="business"|<option[^>]*value="business"[^>]*selected', page)
    assert re.search(r'<input[^>]*checked[^>]*value="oneway"|<input[^>]*value="oneway"[^>]*checked', page)
    assert not re.search(r'<input[^>]*checked[^>]*value="return"|<input[^>]*value="return"[^>]*checked', page)


def test_unknown_places_and_incomplete_legs_are_told_next_to_the_field(client, event, category):
    registration = approved(event, category)
    db.session.commit()
    login_session(client, registration.user)
    url = f"/e/{event.slug}/my-registration/travel"
    page = client.post(url, data={"travel_origin": "Atlantis", "leg1_mode": "air"}).get_data(as_text=True)
    assert "We do not know this place" in page
    page = client.post(url, data={"travel_origin": "ISB"}).get_data(as_text=True)
    assert "Choose how you travel on the first leg." in page
    page = client.post(url, data={"leg1_mode": "rail"}).get_data(as_text=True)
    assert "Say where the journey starts." in page
    page = client.post(url, data={"travel_origin": "ISB", "leg1_mode": "air", "leg2_mode": "rail"}).get_data(
        as_text=True)
    assert "Say where this leg ends: the next leg starts there." in page
    page = client.post(url, data={"travel_origin": "ISB", "leg1_mode": "boat"}).get_data(as_text=True)
    assert "Not a valid choice" in page
    db.session.refresh(registration)
    assert registration.travel_origin == ""


def test_airport_suggestions_for_the_place_fields(client, event, category):
    registration = approved(event, category)
    db.session.commit()
    login_session(client, registration.user)
    body = client.get(f"/e/{event.slug}/my-registration/travel/places?q=ast").get_json()
    assert ["NQZ", "Astana, Nursultan Nazarbayev International Airport (NQZ), KZ"] in body["suggestions"]
    assert client.get(f"/e/{event.slug}/my-registration/travel/places?q=a").get_json() == {"suggestions": []}


def test_the_figure_is_written_the_readers_way_in_russian_and_kazakh(client, event, category):
    registration = approved(event, category)
    travel(registration, "LHR", [leg("air", "business")])
    db.session.commit()
    login_session(client, registration.user)
    kg = round(2 * 4796.9 * UPLIFT * LONG_BUSINESS_RF + 120)    # 3,516.627 kg + 4 nights x 30 kg = 3,637 kg
    assert kg == 3637
    assert "3,637 kg CO₂e" in client.get(f"/e/{event.slug}/my-registration?lang=en").get_data(as_text=True)
    ru = client.get(f"/e/{event.slug}/my-registration?lang=ru").get_data(as_text=True)
    assert "3\u00a0637 кг CO₂-экв." in ru and "Углеродный след вашей поездки" in ru
    kk = client.get(f"/e/{event.slug}/my-registration?lang=kk").get_data(as_text=True)
    assert "3\u00a0637 кг CO₂-экв." in kk and "Сапарыңыздың көміртек ізі" in kk


def test_an_estimate_is_marked_and_the_lower_carbon_choice_shown(client, event, category):
    estimated = approved(event, category, country="PK")
    db.session.commit()
    login_session(client, estimated.user)
    page = client.get(f"/e/{event.slug}/my-registration").get_data(as_text=True)
    assert "Estimate" in page and "Islamabad" in page
    business = approved(event, category)
    travel(business, "ISB", [leg("air", "business")])
    db.session.commit()
    login_session(client, business.user)
    page = client.get(f"/e/{event.slug}/my-registration").get_data(as_text=True)
    assert "In economy class:" in page


def test_organisers_who_see_registrations_see_a_delegates_figure_others_do_not(client, event, category):
    registration = approved(event, category, country="PK")
    protocol, viewer = make_user(), make_user()
    grant(protocol, event, "protocol")
    grant(viewer, event, "viewer")
    db.session.commit()
    login_session(client, protocol)
    page = client.get(f"/e/{event.slug}/manage/registrations/{registration.id}").get_data(as_text=True)
    assert '<h2 class="h5" id="footprint-title">Footprint of the trip</h2>' in page
    login_session(client, viewer)
    assert client.get(f"/e/{event.slug}/manage/registrations/{registration.id}").status_code == 403


def _five_delegations(event, category, sizes=(5, 1, 1), start=0):
    delegations = []
    for number, size in enumerate(sizes, start=start):
        delegation = registration_services.save_delegation(
            event, None, {"name": f"Delegation {number}", "country": "PK"}, actor=None)
        delegations.append(delegation)
        for _ in range(size):
            registration = approved(event, category, country="PK")
            registration.delegation_id = delegation.id
    db.session.flush()
    return delegations


def test_the_secretariat_sees_every_group_and_the_total_with_its_range(client, event, category):
    _five_delegations(event, category)
    secretariat = make_user()
    grant(secretariat, event, "secretariat")
    db.session.commit()
    login_session(client, secretariat)
    page = client.get(f"/e/{event.slug}/manage/footprint").get_data(as_text=True)
    report = footprint.event_report(event, actor=secretariat)
    assert report.total.trips == 7 and report.total.declared == 0
    assert f"{report.total.tonnes:.1f} t CO₂e" in page
    assert "7 trips counted" in page and "7 estimated from" in page
    assert "Delegation 1" in page and "Delegation 2" in page
    assert 'role="img"' in page    # the charts
    assert "Likely between" in page


def test_a_viewer_sees_groups_under_five_folded_and_nothing_under_five_trips(client, event, category):
    viewer = make_user()
    grant(viewer, event, "viewer")
    approved(event, category, country="PK")
    db.session.commit()
    login_session(client, viewer)
    page = client.get(f"/e/{event.slug}/manage/footprint").get_data(as_text=True)
    assert "Fewer than 5 trips are counted so far" in page
    _five_delegations(event, category, sizes=(5, 2, 3))
    db.session.commit()
    page = client.get(f"/e/{event.slug}/manage/footprint").get_data(as_text=True)
    assert "Delegation 0" in page
    assert "Delegation 1" not in page and "Delegation 2" not in page
    assert "Other groups (under 5 trips each)" in page
    csv = client.get(f"/e/{event.slug}/manage/footprint/export.csv").get_data(as_text=True)
    assert "Delegation 0" in csv and "Delegation 1" not in csv


def test_downloads_carry_the_same_numbers(client, event, category):
    _five_delegations(event, category)
    secretariat = make_user()
    grant(secretariat, event, "secretariat")
    db.session.commit()
    login_session(client, secretariat)
    csv = client.get(f"/e/{event.slug}/manage/footprint/export.csv").get_data(as_text=True)
    report = footprint.event_report(event, actor=secretariat)
    assert f"All trips,7,0,7,{round(report.total.total_g / 1_000_000, 3)}" in csv
    # Every line names the factors and the radiative-forcing choice behind its figure.
    assert csv.splitlines()[0].endswith("Conversion factors,Flights with the radiative-forcing uplift")
    assert all(line.endswith(",DESNZ 2026,Yes") for line in csv.splitlines()[1:])
    only = client.get(f"/e/{event.slug}/manage/footprint/export.csv?group=mode").get_data(as_text=True)
    assert "All trips" not in only and "Flights" in only
    xlsx = client.get(f"/e/{event.slug}/manage/footprint/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client.get(f"/e/{event.slug}/manage/footprint/export.pdf").status_code == 404


def test_the_secretariat_changes_the_choices_and_every_figure_follows(client, event, category):
    registration = approved(event, category)
    travel(registration, "ISB", [leg("air", "economy")])
    secretariat = make_user()
    grant(secretariat, event, "secretariat")
    db.session.commit()
    login_session(client, secretariat)
    set_id = footprint.latest_set().id
    response = client.post(f"/e/{event.slug}/manage/footprint", data={
        "factor_set_id": str(set_id), "destination": "", "contribution_per_tonne": "25.50", "currency": "eur"})
    assert response.status_code == 302
    assert footprint.trip_of(registration.id).radiative_forcing is False
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "footprint.settings"))
    page = client.get(f"/e/{event.slug}/manage/footprint").get_data(as_text=True)
    assert "Flights do not include the radiative-forcing uplift." in page
    assert "At 25.50 EUR per tonne" in page
    bad = client.post(f"/e/{event.slug}/manage/footprint", data={
        "factor_set_id": str(set_id), "radiative_forcing": "y", "destination": "Atlantis"}).get_data(as_text=True)
    assert "We do not know this place" in bad


def test_only_the_secretariat_changes_the_choices(client, event, category):
    protocol = make_user()
    grant(protocol, event, "protocol")
    db.session.commit()
    login_session(client, protocol)
    assert client.get(f"/e/{event.slug}/manage/footprint").status_code == 200
    assert client.post(f"/e/{event.slug}/manage/footprint", data={}).status_code == 403
    assert client.post(f"/e/{event.slug}/manage/footprint/recompute").status_code == 403


def test_the_report_reads_as_many_queries_whatever_the_number_of_trips(client, event, category, count_queries):
    secretariat = make_user()
    grant(secretariat, event, "secretariat")
    _five_delegations(event, category, sizes=(1, 1))
    db.session.commit()
    login_session(client, secretariat)
    few = queries_for(client, f"/e/{event.slug}/manage/footprint", count_queries)
    _five_delegations(event, category, sizes=(6, 7, 5, 2), start=10)
    db.session.commit()
    many = queries_for(client, f"/e/{event.slug}/manage/footprint", count_queries)
    assert many == few


def test_the_dashboard_shows_the_events_travel_once_it_aggregates_five_trips(client, event, category):
    lead = make_user()
    grant(lead, event, "secretariat")
    _five_delegations(event, category, sizes=(4,))
    db.session.commit()
    login_session(client, lead)
    early = client.get(f"/e/{event.slug}/manage/").get_data(as_text=True)
    assert "Travel footprint, t CO₂e" not in early and "Travel footprint by delegation" not in early
    _five_delegations(event, category, sizes=(1,), start=5)
    db.session.commit()
    page = client.get(f"/e/{event.slug}/manage/").get_data(as_text=True)
    total = footprint.event_report(event, actor=lead).total
    assert "Travel footprint, t CO₂e" in page and f">{round(total.total_g / 1_000_000, 1)}<" in page
    assert f">{round(total.low_g / 1_000_000, 1)}<" in page and f">{round(total.high_g / 1_000_000, 1)}<" in page
    assert "Trips estimated from the delegation&#39;s capital" in page
    assert f"/e/{event.slug}/manage/footprint" in page
    assert "Travel footprint by delegation, t CO₂e" in page and "Delegation 5" in page
    assert page.count("Flights include the radiative-forcing uplift.") == 2


def test_computing_every_figure_again_on_request_is_audited(client, event, category):
    registration = approved(event, category, country="PK")
    secretariat = make_user()
    grant(secretariat, event, "secretariat")
    db.session.commit()
    login_session(client, secretariat)
    response = client.post(f"/e/{event.slug}/manage/footprint/recompute")
    assert response.status_code == 302
    assert footprint.trip_of(registration.id) is not None
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "footprint.recompute"))
    page = client.get(f"/e/{event.slug}/manage/audit").get_data(as_text=True)
    assert "Footprint computed again" in page


def test_the_delegates_data_download_holds_their_journey_and_its_figure(client, event, category):
    registration = approved(event, category)
    travel(registration, "ISB", [leg("air", "economy")])
    db.session.commit()
    login_session(client, registration.user)
    data = json.loads(client.get("/account/data.json").get_data())
    [held] = data["registrations"]
    assert (held["travel_origin"], held["travel_legs"], held["travel_return"]) == (
        "ISB", [{"mode": "air", "cabin": "economy", "to": ""}], True)
    [trip] = data["travel_footprint"]
    assert (trip["origin"], trip["declared"], trip["kg_co2e"], trip["hotel_nights"]) == ("ISB", True, 648.642, 4)
    assert trip["radiative_forcing"] is True
