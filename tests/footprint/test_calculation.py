"""The calculation pinned on worked examples computed by hand from the factor table
(DESNZ 2026, bundled): kg CO2e = great-circle km x 1.08 (flights) x factor, twice for a
return trip, plus hotel nights x the room-night factor. Each expected figure is worked out
by hand in the comment beside it."""
from __future__ import annotations

import pytest

from app.footprint.services import calculation as calc
from app.footprint.services.factors import read_data_file
from app.utils import places
from tests.footprint.conftest import (DOMESTIC_RF, HOTEL_DEFAULT, LONG_BUSINESS, LONG_BUSINESS_RF, LONG_ECONOMY_RF,
                                      LONG_FIRST_RF, RAIL, SHORT_ECONOMY, SHORT_ECONOMY_RF, UPLIFT)

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
    # 2 x 1,946.1 = 3,892.2 km; x 1.08 = 4,203.576 km; x 0.12576 = 528.64172 kg.
    assert figures.grams["air"] == round(2 * 1946.1 * UPLIFT * SHORT_ECONOMY_RF * 1000) == 528_642
    # Kazakhstan has no hotel figure in the set: 4 nights x 30 kg (the default) = 120 kg.
    assert figures.grams["hotel"] == 4 * HOTEL_DEFAULT * 1000 == 120_000
    assert figures.total_g == 648_642
    # The declared range, 15% either side: 551,345.7 and 745,938.3 g.
    assert (figures.low_g, figures.high_g) == (551_346, 745_938)
    assert figures.distance_km == 3892


def test_without_radiative_forcing_the_same_trip_uses_the_lower_factor():
    figures = trip("ISB", "air", rf=False)
    # 4,203.576 km x 0.07435 = 312.53588 kg.
    assert figures.total_g == round(2 * 1946.1 * UPLIFT * SHORT_ECONOMY * 1000) == 312_536


def test_almaty_to_astana_by_rail_return():
    figures = trip("Almaty", "rail")
    # Almaty (its airport, 43.3521, 77.0405) to NQZ: 950.5 km; no uplift for rail.
    assert figures.legs[0]["km"] == 950.5
    # 2 x 950.5 = 1,901 km; x 0.03092 = 58.77892 kg.
    assert figures.total_g == round(2 * 950.5 * RAIL * 1000) == 58_779
    assert figures.main_mode == "rail"


def test_long_haul_business_class_with_and_without_radiative_forcing():
    # LHR to NQZ: 4,796.9 km, beyond the long-haul edge of 3,700 km.
    with_rf = trip("LHR", "air", "business")
    assert with_rf.legs[0]["band"] == "long"
    # 2 x 4,796.9 = 9,593.8 km; x 1.08 = 10,361.304 km; x 0.33940 = 3,516.62658 kg.
    assert with_rf.total_g == round(2 * 4796.9 * UPLIFT * LONG_BUSINESS_RF * 1000) == 3_516_627
    # 10,361.304 km x 0.20083 = 2,080.86068 kg.
    assert trip("LHR", "air", "business", rf=False).total_g == round(2 * 4796.9 * UPLIFT * LONG_BUSINESS * 1000) \
        == 2_080_861


def test_one_way_counts_the_journey_once():
    # 1,946.1 km x 1.08 = 2,101.788 km; x 0.12576 = 264.32086 kg.
    assert trip("ISB", "air", return_trip=False).total_g == round(1946.1 * UPLIFT * SHORT_ECONOMY_RF * 1000) \
        == 264_321


@pytest.mark.parametrize("km,band", [(0.1, "domestic"), (499.9, "domestic"), (500, "short"), (3700, "short"),
                                     (3700.1, "long"), (15000, "long")])
def test_each_band_has_its_edges(km, band):
    assert TABLE.band(km) == band


@pytest.mark.parametrize("km,cabin,factor", [
    (499.9, "business", DOMESTIC_RF),          # domestic names only an average passenger
    (500, "economy", SHORT_ECONOMY_RF),
    (3700, "premium", SHORT_ECONOMY_RF),       # short-haul has no premium economy: economy
    (3700.1, "economy", LONG_ECONOMY_RF),
    (3700.1, "first", LONG_FIRST_RF),
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
    # 2 x 1,931.2 = 3,862.4 km; x 1.08 = 4,171.392 km; x 0.12576 = 524.59426 kg; plus 3 nights x 30 kg.
    assert figures.total_g == round(2 * 1931.2 * UPLIFT * SHORT_ECONOMY_RF * 1000) + 90_000 == 614_594
    # An estimate's range, 40% below and 50% above: 368,756.4 and 921,891 g.
    assert (figures.low_g, figures.high_g) == (368_756, 921_891)


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
