"""Trips follow the registrations as they are written, and the running totals follow
the trips: approval, travel details, cancellation, a delegation's country, a new factor
year and the radiative-forcing choice."""
from __future__ import annotations

import copy

from sqlalchemy import func, select

from app.extensions import db
from app.footprint import services as footprint
from app.footprint.models import Total, Trip
from app.registration import services as registration_services
from tests.factories import make_user
from tests.footprint.conftest import (HOTEL_DEFAULT, RAIL, SHORT_ECONOMY, SHORT_ECONOMY_RF, UPLIFT, approved, leg,
                                      travel)

ISB_RETURN = round(2 * 1946.1 * UPLIFT * SHORT_ECONOMY_RF * 1000)
HOTEL_4 = round(4 * HOTEL_DEFAULT * 1000)


def totals(event) -> dict:
    return {(t.dimension, t.key): (t.trips, t.declared, t.total_g)
            for t in db.session.scalars(select(Total).where(Total.event_id == event.id)) if t.trips or t.total_g}


def assert_totals_match_trips(event):
    """Every running total equals the sum of the trips it stands for."""
    trips = db.session.scalars(select(Trip).where(Trip.event_id == event.id)).all()
    expected: dict = {}
    for trip in trips:
        row = {c: getattr(trip, c) for c in ("declared", "total_g", "low_g", "high_g", "delegation_id",
                                             "category_id", "country", "air_g", "rail_g", "bus_g", "car_g",
                                             "hotel_g")}
        for dimension, key, numbers in footprint.trips.contributions(row):
            bucket = expected.setdefault((dimension, key), [0, 0, 0])
            bucket[0] += numbers["trips"]
            bucket[1] += numbers["declared"]
            bucket[2] += numbers["total_g"]
    assert totals(event) == {key: tuple(value) for key, value in expected.items() if value[0] or value[2]}


def pakistan(event, category):
    return registration_services.save_delegation(event, None, {"name": "Pakistan", "country": "PK",
                                                               "category_id": category.id}, actor=None)


def test_an_approved_delegate_without_travel_details_counts_as_an_estimate_from_the_capital(event, category):
    registration = approved(event, category, country="PK", nationality="PK")
    trip = footprint.trip_of(registration.id)
    # Islamabad, the capital (33.693812, 73.065151), to NQZ: 1,931.2 km, return in economy; 4 nights.
    assert (trip.declared, trip.origin, trip.main_mode) == (False, "Islamabad", "air")
    assert trip.total_g == round(2 * 1931.2 * UPLIFT * SHORT_ECONOMY_RF * 1000) + HOTEL_4
    assert totals(event)[("event", "")] == (1, 0, trip.total_g)


def test_a_delegate_from_the_host_country_is_estimated_from_astana_and_travels_nowhere(event, category):
    registration = approved(event, category, country="KZ", nationality="KZ")
    trip = footprint.trip_of(registration.id)
    # The capital is named as it is now (the place data still calls it Nur-Sultan); the
    # summit is in it, so the estimate is a local trip: no travel, no hotel.
    assert (trip.declared, trip.origin, trip.legs, trip.nights, trip.total_g) == (False, "Astana", [], 0, 0)


def test_a_submitted_registration_does_not_count_until_approved(event):
    from tests.factories import make_category

    moderated = make_category(event, "Government delegation")
    user = make_user()
    registration = registration_services.create_registration(event, user, {"country": "PK"}, category=moderated,
                                                             actor=user)
    db.session.flush()
    assert footprint.trip_of(registration.id) is None and totals(event) == {}
    registration_services.approve_registration(registration, actor=None)
    db.session.flush()
    assert footprint.trip_of(registration.id) is not None


def test_travel_details_turn_the_estimate_into_the_declared_figure_and_the_totals_follow(event, category):
    registration = approved(event, category, country="PK")
    travel(registration, "ISB", [leg("air", "economy")])
    trip = footprint.trip_of(registration.id)
    assert (trip.declared, trip.total_g) == (True, ISB_RETURN + HOTEL_4)
    assert totals(event)[("event", "")] == (1, 1, ISB_RETURN + HOTEL_4)
    assert totals(event)[("mode", "air")] == (1, 1, ISB_RETURN)
    assert totals(event)[("mode", "hotel")] == (1, 1, HOTEL_4)
    travel(registration, "Almaty", [leg("rail")], return_trip=False)
    assert footprint.trip_of(registration.id).total_g == round(950.5 * RAIL * 1000) + HOTEL_4
    assert ("mode", "air") not in totals(event)
    assert_totals_match_trips(event)


def test_legs_with_a_change_add_up_each_leg(event, category):
    registration = approved(event, category)
    travel(registration, "ISB", [leg("air", "economy", "ALA"), leg("rail")])
    trip = footprint.trip_of(registration.id)
    assert [(x["from"], x["to"], x["mode"]) for x in trip.legs] == [("ISB", "ALA", "air"), ("ALA", "NQZ", "rail")]
    first = trip.legs[0]["km"]
    assert trip.total_g == round(2 * first * UPLIFT * SHORT_ECONOMY_RF * 1000) + round(2 * 950.5 * RAIL * 1000) \
        + HOTEL_4


def test_cancelling_takes_the_trip_out_of_every_total(event, category):
    registration = approved(event, category, country="PK")
    travel(registration, "ISB", [leg("air", "economy")])
    registration_services.cancel_registration(registration, actor=registration.user)
    db.session.flush()
    assert footprint.trip_of(registration.id) is None
    assert totals(event) == {}


def test_a_delegations_country_moves_its_members_estimates(event, category):
    delegation = pakistan(event, category)
    registration = approved(event, category, country="")
    registration.delegation_id = delegation.id
    db.session.flush()
    assert footprint.trip_of(registration.id).origin == "Islamabad"
    registration_services.save_delegation(event, delegation, {"country": "KG"}, actor=None)
    db.session.flush()
    assert footprint.trip_of(registration.id).origin == "Bishkek"
    assert totals(event)[("delegation", str(delegation.id))][0] == 1
    assert_totals_match_trips(event)


def test_a_new_factor_year_recomputes_every_trip_and_the_totals(event, category):
    secretariat = make_user()
    first = approved(event, category, country="PK")
    travel(first, "ISB", [leg("air", "economy")])
    approved(event, category, country="KG")
    data = copy.deepcopy(footprint.read_data_file())
    data["year"] = 2027
    data["hotel_default"]["value"] *= 2
    for row in data["factors"]:
        row["value"] *= 2
        if row["value_rf"] is not None:
            row["value_rf"] *= 2
    newer = footprint.load_factor_set(data)
    assert footprint.update_settings(event, {"factor_set_id": newer.id, "radiative_forcing": True},
                                     actor=secretariat) == "recomputed"
    trip = footprint.trip_of(first.id)
    assert (trip.set_id, trip.total_g) == (newer.id, round(2 * 1946.1 * UPLIFT * SHORT_ECONOMY_RF * 2 * 1000)
                                           + 2 * HOTEL_4)
    assert_totals_match_trips(event)
    assert footprint.update_settings(event, {"radiative_forcing": False}, actor=secretariat) == "recomputed"
    assert footprint.trip_of(first.id).air_g == round(2 * 1946.1 * UPLIFT * SHORT_ECONOMY * 2 * 1000)
    assert_totals_match_trips(event)


def test_recomputing_goes_by_batches_and_gives_the_same_totals(event, category):
    for country in ("PK", "KG", "UZ", "NO", "JP"):
        approved(event, category, country=country)
    before = totals(event)
    assert footprint.recompute_event(event, batch=2) == 5
    assert totals(event) == before
    assert db.session.scalar(select(func.count(Trip.id))) == 5


def test_a_large_event_is_computed_again_in_the_background(app, event, category, monkeypatch):
    from app.footprint.services import configure

    monkeypatch.setattr(configure, "INLINE_TRIPS", 1)
    first = approved(event, category, country="PK")
    approved(event, category, country="KG")
    secretariat = make_user()
    before = footprint.trip_of(first.id).total_g
    assert footprint.update_settings(event, {"radiative_forcing": False}, actor=secretariat) == "pending"
    assert footprint.trip_of(first.id).total_g == before          # not yet: the previous figures stay
    assert footprint.event_report(event, actor=None).recompute_pending is True
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["footprint-recompute", "--pending"])
    assert f"{event.slug}: 2 trips computed." in result.output
    db.session.expire_all()
    assert footprint.trip_of(first.id).total_g < before
    assert footprint.trip_of(first.id).radiative_forcing is False
    assert footprint.pending_events() == []
    assert_totals_match_trips(event)


def test_the_job_workers_compute_a_waiting_event_once_per_period(app, event, category, monkeypatch):
    from app.footprint.services import configure
    from app.jobs import services as jobs

    monkeypatch.setattr(configure, "INLINE_TRIPS", 1)
    first = approved(event, category, country="PK")
    approved(event, category, country="KG")
    before = footprint.trip_of(first.id).total_g
    assert footprint.update_settings(event, {"radiative_forcing": False}, actor=make_user()) == "pending"
    db.session.commit()
    assert "footprint-recompute" in jobs.schedule()
    assert jobs.run_scheduled("footprint-recompute") is True
    assert jobs.run_scheduled("footprint-recompute") is False     # the same period, claimed already
    db.session.expire_all()
    assert footprint.trip_of(first.id).total_g < before
    assert footprint.event_report(event, actor=None).recompute_pending is False
    assert_totals_match_trips(event)


def test_an_event_another_worker_is_computing_is_left_to_it(app, event, category, monkeypatch):
    """Two runs that meet (one longer than its period) never rewrite the same trips: the
    second skips the event whose settings the first holds."""
    import pytest
    from sqlalchemy.orm import Session

    from app.footprint.models import FootprintSettings
    from app.footprint.services import configure

    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks that others skip are PostgreSQL's (SQLite runs one writer at a time)")
    monkeypatch.setattr(configure, "INLINE_TRIPS", 1)
    first = approved(event, category, country="PK")
    approved(event, category, country="KG")
    before = footprint.trip_of(first.id).total_g
    footprint.update_settings(event, {"radiative_forcing": False}, actor=make_user())
    db.session.commit()
    with Session(db.engine) as other:
        other.scalar(select(FootprintSettings).where(FootprintSettings.event_id == event.id).with_for_update())
        assert footprint.recompute_waiting() == 0
        other.rollback()
    db.session.expire_all()
    assert footprint.trip_of(first.id).total_g == before
    assert footprint.pending_events() == [event.id]
    assert footprint.recompute_waiting() == 1
    db.session.expire_all()
    assert footprint.trip_of(first.id).total_g < before
    assert footprint.pending_events() == []
