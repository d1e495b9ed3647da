"""The calculation pinned on worked examples computed by hand from the factor table
(DESNZ 2023, bundled): kg CO2e = great-circle km x 1.08 (flights) x factor, twice for a
return trip, plus hotel nights x the room-night factor."""
from __future__ import annotations

import pytest

from app.footprint.services import calculation as calc
from app.footprint.services.factors import read_data_file
from app.utils import places
from tests.footprint.conftest import (DOMESTIC_RF, HOTEL_DEFAULT, LONG_BUSINESS, LONG_BUSINESS_RF, LONG_ECONOMY_RF,
                                      RAIL, SHORT_ECONOMY, SHORT_ECONOMY_RF, UPLIFT)

TABLE = calc.FactorTable.from_data(read_data_file())
NQZ = places.airport("NQZ")


def trip(origin, mode, cabin="economy", *, return_trip=True, nights=0, rf=True):
    journey = calc.Journey(origin=origin, legs=[calc.LegPlan(mode, cabin, places.resolve(origin), NQZ)],
                           return_trip=return_trip, nights=nights, hotel_country="KZ")
    return calc.figures_for(journey, TABLE, rf=rf)


def test_islamabad_to_astana_return_in_economy():
    figures = trip("ISB", "air", nights=4)
    # ISB (33.54908, 72.82565) to NQZ (51.0222, 71.4669): 1,946.1 km, short-haul.
    assert figures.legs == [{"mode": "air", "cabin": "economy", "band": "short", "km": 1946.1, "from": "ISB",
                             "to": "NQZ"}]
    assert figures.grams["air"] == round(2 * 1946.1 * UPLIFT * SHORT_ECONOMY_RF * 1000) == 768_708
    assert figures.grams["hotel"] == 4 * HOTEL_DEFAULT * 1000 == 120_000
    assert figures.total_g == 888_708
    assert (figures.low_g, figures.high_g) == (round(888_708 * 0.85), round(888_708 * 1.15))
    assert figures.distance_km == 3892


def test_without_radiative_forcing_the_same_trip_uses_the_lower_factor():
    figures = trip("ISB", "air", rf=False)
    assert figures.total_g == round(2 * 1946.1 * UPLIFT * SHORT_ECONOMY * 1000) == 413_043


def test_almaty_to_astana_by_rail_return():
    figures = trip("Almaty", "rail")
    # Almaty (its airport, 43.3521, 77.0405) to NQZ: 950.5 km; no uplift for rail.
    assert figures.legs[0]["km"] == 950.5
    assert figures.total_g == round(2 * 950.5 * RAIL * 1000) == 67_466
    assert figures.main_mode == "rail"


def test_long_haul_business_class_with_and_without_radiative_forcing():
    # LHR to NQZ: 4,796.9 km, beyond the long-haul edge of 3,700 km.
    with_rf = trip("LHR", "air", "business")
    assert with_rf.legs[0]["band"] == "long"
    assert with_rf.total_g == round(2 * 4796.9 * UPLIFT * LONG_BUSINESS_RF * 1000) == 6_012_561
    assert trip("LHR", "air", "business", rf=False).total_g == round(2 * 4796.9 * UPLIFT * LONG_BUSINESS * 1000)


def test_one_way_counts_the_journey_once():
    assert trip("ISB", "air", return_trip=False).total_g == round(1946.1 * UPLIFT * SHORT_ECONOMY_RF * 1000)


@pytest.mark.parametrize("km,band", [(0.1, "domestic"), (499.9, "domestic"), (500, "short"), (3700, "short"),
                                     (3700.1, "long"), (15000, "long")])
def test_each_band_has_its_edges(km, band):
    assert TABLE.band(km) == band


@pytest.mark.parametrize("km,cabin,factor", [
    (499.9, "business", DOMESTIC_RF),          # domestic names only an average passenger
    (500, "economy", SHORT_ECONOMY_RF),
    (3700, "premium", SHORT_ECONOMY_RF),       # short-haul has no premium economy: economy
    (3700.1, "economy", LONG_ECONOMY_RF),
    (3700.1, "first", 0.80044),
])
def test_a_flight_on_each_side_of_the_edges_uses_its_bands_factor(km, cabin, factor):
    legs = [{"mode": "air", "cabin": cabin, "band": TABLE.band(km), "km": km}]
    figures = calc.compute(legs, return_trip=False, nights=0, hotel_country="KZ", declared=True, table=TABLE, rf=True)
    assert figures.total_g == round(km * UPLIFT * factor * 1000)


def test_a_hotel_in_a_country_the_set_names_uses_its_own_factor():
    figures = calc.compute([], return_trip=True, nights=3, hotel_country="GB", declared=True, table=TABLE, rf=True)
    assert figures.total_g == round(3 * 10.4 * 1000) == 31_200


def test_the_estimate_is_a_return_flight_in_economy_from_the_capital_with_a_wider_range():
    journey = calc.estimate(places.capital("PK"), NQZ, nights=3, hotel_country="KZ")
    figures = calc.figures_for(journey, TABLE, rf=True)
    # Islamabad (33.693812, 73.065151, the capital's point) to NQZ: 1,931.2 km.
    assert (figures.declared, figures.legs[0]["km"], figures.legs[0]["cabin"]) == (False, 1931.2, "economy")
    assert figures.total_g == round(2 * 1931.2 * UPLIFT * SHORT_ECONOMY_RF * 1000) + 90_000 == 852_822
    assert (figures.low_g, figures.high_g) == (round(852_822 * 0.6), round(852_822 * 1.5))


def test_the_estimate_goes_by_rail_from_a_near_capital_and_stays_home_from_the_summits_city():
    near = calc.estimate(places.Place("Near", "KZ", 51.0222 + 3.5, 71.4669), NQZ, nights=3, hotel_country="KZ")
    assert near.legs[0].mode == "rail"
    local = calc.figures_for(calc.estimate(places.capital("KZ"), NQZ, nights=3, hotel_country="KZ"), TABLE, rf=True)
    assert (local.legs, local.nights, local.total_g) == ([], 0, 0)


def test_economy_instead_of_business_is_offered_and_no_train_over_800_km():
    business = trip("ALA", "air", "business")    # 950.5 km: over 800 km, no train offered
    economy = round(2 * 950.5 * UPLIFT * SHORT_ECONOMY_RF * 1000)
    assert calc.alternatives(business, TABLE) == [
        calc.Alternative("economy", economy, business.total_g - economy)]


def test_rail_instead_of_a_flight_under_800_km():
    karaganda = places.Place("Karaganda", "KZ", 49.6707, 73.3344, "KGF")
    hop = calc.figures_for(calc.Journey("KGF", [calc.LegPlan("air", "economy", karaganda, NQZ)]), TABLE, rf=True)
    km = hop.legs[0]["km"]
    assert km < 800
    [rail] = calc.alternatives(hop, TABLE)
    assert (rail.kind, rail.total_g, rail.saving_g) == ("rail", round(2 * km * RAIL * 1000),
                                                        hop.total_g - round(2 * km * RAIL * 1000))
    assert calc.alternatives(trip("Almaty", "rail"), TABLE) == []
