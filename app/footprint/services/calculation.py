"""The calculation, in one place: distances, haul bands, factors, the distance uplift,
hotel nights, the uncertainty range and the lower-carbon choices.

Nothing here reads the database or the request: a `FactorTable` holds one factor set,
a `Journey` what is known of one trip, and the results are plain values, so each
figure can be checked by hand against the factor table.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from app.utils.places import Place

MODES = ("air", "rail", "bus", "car")
CABINS = ("economy", "premium", "business", "first")
# Cabins with no factor of their own in a band use the nearest one the band names.
CABIN_FALLBACK = {"premium": ("premium", "economy", "average"), "first": ("first", "business", "average"),
                  "business": ("business", "average"), "economy": ("economy", "average"), "average": ("average",)}
# A flight shorter than this could have been a train (the lower-carbon choice shown).
RAIL_INSTEAD_BELOW_KM = 800
# An estimate goes by rail from a capital nearer than this, by air in economy otherwise.
ESTIMATE_RAIL_BELOW_KM = 500
# Closer than this, the trip is local: no travel and no hotel nights.
LOCAL_KM = 50


@dataclass(frozen=True)
class FactorTable:
    """One factor set as the calculation needs it."""

    set_id: int | None
    label: str
    factors: dict            # (mode, band, cabin, country) -> (value, value_rf or None)
    air_uplift: float        # e.g. 0.08
    domestic_below_km: float
    long_haul_above_km: float
    uncertainty: dict        # "declared"/"estimate" -> (share below, share above)
    hotel_default: float

    @classmethod
    def from_data(cls, data: dict, set_id: int | None = None, label: str = "") -> FactorTable:
        """From the parsed data file (or a factor set's params and factors, same shape)."""
        factors = {(row["mode"], row.get("band") or "", row.get("cabin") or "", row.get("country") or ""):
                   (float(row["value"]), None if row.get("value_rf") is None else float(row["value_rf"]))
                   for row in data["factors"]}
        bands = data["bands"]
        return cls(set_id=set_id, label=label or f"DESNZ {data['year']}", factors=factors,
                   air_uplift=float(data["air_distance_uplift"]),
                   domestic_below_km=float(bands["domestic_below_km"]),
                   long_haul_above_km=float(bands["long_haul_above_km"]),
                   uncertainty={kind: tuple(float(v) for v in pair) for kind, pair in data["uncertainty"].items()},
                   hotel_default=float(data["hotel_default"]["value"]))

    def band(self, km: float) -> str:
        """The haul band of a flight of `km` great-circle kilometres: under the domestic edge
        "domestic", up to and including the long-haul edge "short", beyond it "long"."""
        if km < self.domestic_below_km:
            return "domestic"
        return "short" if km <= self.long_haul_above_km else "long"

    def air(self, band: str, cabin: str, rf: bool) -> float:
        """kg CO2e per passenger.km for a flight in `band` and `cabin`."""
        for candidate in CABIN_FALLBACK.get(cabin, ("average",)):
            found = self.factors.get(("air", band, candidate, ""))
            if found is not None:
                value, value_rf = found
                return value_rf if rf and value_rf is not None else value
        raise LookupError(f"no air factor for {band}/{cabin}")

    def surface(self, mode: str) -> float:
        return self.factors[(mode, "", "", "")][0]

    def hotel(self, country: str) -> float:
        found = self.factors.get(("hotel", "", "", country or ""))
        return found[0] if found is not None else self.hotel_default


@dataclass(frozen=True)
class LegPlan:
    mode: str
    cabin: str
    start: Place
    end: Place


@dataclass
class Journey:
    """What is known of one delegate's trip: declared by them, or estimated."""

    origin: str
    legs: list[LegPlan]
    return_trip: bool = True
    nights: int = 0
    hotel_country: str = ""
    declared: bool = True


@dataclass
class Figures:
    legs: list[dict]
    return_trip: bool
    nights: int
    hotel_country: str
    declared: bool
    radiative_forcing: bool
    distance_km: int = 0
    grams: dict = field(default_factory=dict)   # mode (and "hotel") -> grams CO2e
    total_g: int = 0
    low_g: int = 0
    high_g: int = 0

    @property
    def main_mode(self) -> str:
        """The mode that carried the most kilometres (empty for a local trip)."""
        by_mode: dict[str, float] = {}
        for leg in self.legs:
            by_mode[leg["mode"]] = by_mode.get(leg["mode"], 0) + leg["km"]
        return max(by_mode, key=by_mode.get) if by_mode else ""


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance in kilometres."""
    from geopy.distance import great_circle  # imported here: geopy brings requests, some 6 MB a worker

    return great_circle((a.lat, a.lon), (b.lat, b.lon)).km


def measure(journey: Journey, table: FactorTable) -> list[dict]:
    """The legs as they are stored: mode, cabin, band and great-circle km, one way."""
    legs = []
    for plan in journey.legs:
        km = round(distance_km(plan.start, plan.end), 1)
        legs.append({"mode": plan.mode, "cabin": plan.cabin if plan.mode == "air" else "",
                     "band": table.band(km) if plan.mode == "air" else "", "km": km,
                     "from": plan.start.iata or plan.start.name, "to": plan.end.iata or plan.end.name})
    return legs


def leg_kg(leg: dict, table: FactorTable, rf: bool) -> float:
    """kg CO2e of one leg, one way: air on the uplifted distance, the rest on the great circle."""
    if leg["mode"] == "air":
        return leg["km"] * (1 + table.air_uplift) * table.air(leg["band"], leg["cabin"] or "economy", rf)
    return leg["km"] * table.surface(leg["mode"])


def compute(legs: list[dict], *, return_trip: bool, nights: int, hotel_country: str, declared: bool,
            table: FactorTable, rf: bool) -> Figures:
    """The figures of a measured trip under one factor table."""
    kg = {mode: 0.0 for mode in MODES}
    times = 2 if return_trip else 1
    for leg in legs:
        kg[leg["mode"]] += leg_kg(leg, table, rf) * times
    kg["hotel"] = nights * table.hotel(hotel_country)
    grams = {mode: round(value * 1000) for mode, value in kg.items()}
    total = sum(grams.values())
    below, above = table.uncertainty["declared" if declared else "estimate"]
    km = sum(leg["km"] for leg in legs) * times
    return Figures(legs=legs, return_trip=return_trip, nights=nights, hotel_country=hotel_country,
                   declared=declared, radiative_forcing=rf, distance_km=round(km), grams=grams, total_g=total,
                   low_g=round(total * (1 - below)), high_g=round(total * (1 + above)))


def figures_for(journey: Journey, table: FactorTable, *, rf: bool) -> Figures:
    return compute(measure(journey, table), return_trip=journey.return_trip, nights=journey.nights,
                   hotel_country=journey.hotel_country, declared=journey.declared, table=table, rf=rf)


def estimate(origin: Place, destination: Place, *, nights: int, hotel_country: str) -> Journey:
    """The trip assumed when nothing is given: from `origin` (the delegation's capital)
    straight to the destination and back, by air in economy, or by rail when nearer
    than ESTIMATE_RAIL_BELOW_KM; a local trip has no travel and no hotel."""
    km = distance_km(origin, destination)
    if km < LOCAL_KM:
        return Journey(origin=origin.name, legs=[], nights=0, hotel_country=hotel_country, declared=False)
    mode = "rail" if km < ESTIMATE_RAIL_BELOW_KM else "air"
    return Journey(origin=origin.name, legs=[LegPlan(mode, "economy" if mode == "air" else "", origin, destination)],
                   return_trip=True, nights=nights, hotel_country=hotel_country, declared=False)


@dataclass(frozen=True)
class Alternative:
    kind: str          # "rail" (rail instead of the short flights) or "economy" (instead of a premium cabin)
    total_g: int       # the trip's figure with that choice
    saving_g: int


def alternatives(figures: Figures, table: FactorTable) -> list[Alternative]:
    """The lower-carbon choices where one exists: rail instead of each flight under
    RAIL_INSTEAD_BELOW_KM, economy instead of a premium, business or first-class seat."""
    found = []
    for kind in ("rail", "economy"):
        changed, swapped = [], False
        for leg in figures.legs:
            if kind == "rail" and leg["mode"] == "air" and leg["km"] < RAIL_INSTEAD_BELOW_KM:
                leg, swapped = {**leg, "mode": "rail", "cabin": "", "band": ""}, True
            elif kind == "economy" and leg["mode"] == "air" and leg["cabin"] in ("premium", "business", "first"):
                leg, swapped = {**leg, "cabin": "economy"}, True
            changed.append(leg)
        if not swapped:
            continue
        other = compute(changed, return_trip=figures.return_trip, nights=figures.nights,
                        hotel_country=figures.hotel_country, declared=figures.declared, table=table,
                        rf=figures.radiative_forcing)
        if other.total_g < figures.total_g:
            found.append(Alternative(kind, other.total_g, figures.total_g - other.total_g))
    return found
