"""Trip figures kept up to date on write, and the running totals that move with them.

A registration counts while it is approved. When anything its trip depends on
changes, registration announces it during the flush (`travel_facts_changed`); the
trip row is written again and every total it belongs to (the event, its delegation,
category, country and modes) moves by the difference, with one atomic
`total = total + delta` per group, so parallel writers never lose an update.
Recomputing a whole event (a new factor year) goes by batches of registrations and
writes the totals once, set-based.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.events.models import Event
from app.extensions import db
from app.footprint.models import FactorSet, Trip, Total
from app.footprint.services import calculation as calc
from app.footprint.services.factors import latest_set, table_for
from app.footprint.services.settings import settings_for
from app.registration import services as registration_services
from app.utils import places
from app.utils.time import to_zone, utcnow

BATCH = 1000
TOTAL_NUMBERS = ("trips", "declared", "total_g", "low_g", "high_g")
TRIP_COLUMNS = [c.name for c in Trip.__table__.columns if c.name != "id"]


@dataclass
class EventContext:
    """What every trip of one event is computed with."""

    event: Event
    table: calc.FactorTable | None
    rf: bool
    destination: places.Place | None


def context_for(event: Event) -> EventContext:
    settings = settings_for(event)
    factor_set = db.session.get(FactorSet, settings.factor_set_id) if settings.factor_set_id else latest_set()
    table = table_for(factor_set) if factor_set is not None else None
    return EventContext(event=event, table=table, rf=settings.radiative_forcing,
                        destination=destination_of(event, settings))


def destination_of(event: Event, settings) -> places.Place | None:
    """Where the trips end: the place set for the footprint, else the event's city."""
    return places.resolve(settings.destination or event.city, event.country)


# --- From a registration's facts to its trip -----------------------------------------

def _day(value, zone: str) -> date | None:
    if isinstance(value, datetime):
        return to_zone(value, zone).date()
    return value


def nights(facts: dict, event: Event) -> int:
    """Hotel nights from the arrival and departure (the travel times, else the dates
    of the registration form); without them, one night per day of the event."""
    arrival = _day(facts.get("arrival_at"), event.timezone) or facts.get("arrival_date")
    departure = _day(facts.get("departure_at"), event.timezone) or facts.get("departure_date")
    if arrival and departure and departure >= arrival:
        return (departure - arrival).days
    return (event.end_date - event.start_date).days + 1


def journey(facts: dict, ctx: EventContext) -> calc.Journey | None:
    """The declared journey, or the estimate from the capital of the delegation's country
    (else the delegate's country, else their nationality); None when neither is known."""
    destination, event = ctx.destination, ctx.event
    stay = nights(facts, event)
    origin = places.resolve(facts.get("travel_origin") or "")
    legs = facts.get("travel_legs") or []
    if origin is not None and legs:
        plans, start = [], origin
        for number, leg in enumerate(legs):
            end = places.resolve(leg["to"]) if leg.get("to") else None
            if end is None and number == len(legs) - 1:
                end = destination
            if end is None:
                return None
            plans.append(calc.LegPlan(leg["mode"], leg.get("cabin") or "economy", start, end))
            start = end
        if calc.distance_km(origin, destination) < calc.LOCAL_KM:
            stay = 0
        return calc.Journey(origin=facts["travel_origin"], legs=plans, return_trip=bool(facts.get("travel_return")),
                            nights=stay, hotel_country=event.country, declared=True)
    for country in (facts.get("delegation_country"), facts.get("country"), facts.get("nationality")):
        capital = places.capital(country) if country else None
        if capital is not None:
            return calc.estimate(capital, destination, nights=stay, hotel_country=event.country)
    return None


def trip_row(facts: dict, ctx: EventContext) -> dict | None:
    """The trip row of a registration, or None when it does not count (not approved, a
    place held for a delegation before the name is known, or no factor set, destination
    or origin to compute from)."""
    if facts["state"] != "approved" or facts.get("user_id") is None or ctx.table is None \
            or ctx.destination is None:
        return None
    planned = journey(facts, ctx)
    if planned is None:
        return None
    figures = calc.figures_for(planned, ctx.table, rf=ctx.rf)
    country = (planned.legs[0].start.country if planned.legs else "") or facts.get("delegation_country") \
        or facts.get("country") or ""
    return {"registration_id": facts["id"], "event_id": facts["event_id"], "delegation_id": facts["delegation_id"],
            "category_id": facts["category_id"], "country": country, "main_mode": figures.main_mode,
            "declared": planned.declared, "origin": planned.origin[:200], "legs": figures.legs,
            "return_trip": figures.return_trip, "nights": figures.nights, "hotel_country": figures.hotel_country,
            "distance_km": figures.distance_km, "air_g": figures.grams["air"], "rail_g": figures.grams["rail"],
            "bus_g": figures.grams["bus"], "car_g": figures.grams["car"], "hotel_g": figures.grams["hotel"],
            "total_g": figures.total_g, "low_g": figures.low_g, "high_g": figures.high_g,
            "radiative_forcing": ctx.rf, "set_id": ctx.table.set_id, "computed_at": utcnow()}


# --- Totals ----------------------------------------------------------------------------

MODE_COLUMNS = {"air": "air_g", "rail": "rail_g", "bus": "bus_g", "car": "car_g", "hotel": "hotel_g"}


def contributions(trip: dict) -> list[tuple[str, str, dict]]:
    """(dimension, key, numbers) for every total a trip counts in."""
    base = {"trips": 1, "declared": 1 if trip["declared"] else 0, "total_g": trip["total_g"],
            "low_g": trip["low_g"], "high_g": trip["high_g"]}
    rows = [("event", "", base), ("delegation", str(trip["delegation_id"] or ""), base),
            ("category", str(trip["category_id"] or ""), base), ("country", trip["country"] or "", base)]
    for mode, column in MODE_COLUMNS.items():
        grams = trip[column]
        if grams:
            share = grams / trip["total_g"] if trip["total_g"] else 0
            rows.append(("mode", mode, {"trips": 1, "declared": base["declared"], "total_g": grams,
                                        "low_g": round(trip["low_g"] * share), "high_g": round(trip["high_g"] * share)}))
    return rows


def _add(deltas: dict, event_id: int, trip: dict, sign: int) -> None:
    for dimension, key, numbers in contributions(trip):
        bucket = deltas[(event_id, dimension, key)]
        for name in TOTAL_NUMBERS:
            bucket[name] += sign * numbers[name]


def _upsert(rows: list[dict]) -> None:
    """Add each row's numbers to its total (created at zero when missing)."""
    if not rows:
        return
    table = Total.__table__
    make = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    stmt = make(table)
    stmt = stmt.on_conflict_do_update(index_elements=["event_id", "dimension", "key"],
                                      set_={name: table.c[name] + stmt.excluded[name] for name in TOTAL_NUMBERS})
    # One group at a time, in a fixed order: two writers take the rows' locks in the same order.
    for row in sorted(rows, key=lambda r: (r["event_id"], r["dimension"], r["key"])):
        db.session.execute(stmt, row)


def _apply(deltas: dict) -> None:
    _upsert([{"event_id": e, "dimension": d, "key": k, **numbers}
             for (e, d, k), numbers in deltas.items() if any(numbers.values())])


def _new_deltas() -> defaultdict:
    return defaultdict(lambda: dict.fromkeys(TOTAL_NUMBERS, 0))


# --- Writing -------------------------------------------------------------------------

def _old_trips(ids) -> dict[int, dict]:
    stmt = select(Trip.__table__).where(Trip.registration_id.in_(list(ids)))
    if db.engine.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return {row.registration_id: dict(row._mapping) for row in db.session.execute(stmt)}


def refresh(ids, *, removed=()) -> None:
    """Write again the trips of the registrations `ids` (and drop those of `removed`),
    moving the totals by the difference. Called during the flush that changed them."""
    ids, removed = set(ids), set(removed)
    if not ids and not removed:
        return
    old = _old_trips(ids | removed)
    facts = {row["id"]: row for row in registration_services.travel_facts(ids)} if ids else {}
    contexts: dict[int, EventContext] = {}
    deltas = _new_deltas()
    for registration_id in sorted(ids | removed):
        before = old.get(registration_id)
        after = None
        row = facts.get(registration_id)
        if row is not None and registration_id not in removed:
            ctx = contexts.get(row["event_id"])
            if ctx is None:
                ctx = contexts[row["event_id"]] = context_for(db.session.get(Event, row["event_id"]))
            after = trip_row(row, ctx)
        if before is not None:
            _add(deltas, before["event_id"], before, -1)
        if after is not None:
            _add(deltas, after["event_id"], after, +1)
        # Core statements on the table: this runs inside the flush that changed the registrations.
        trips = Trip.__table__
        if before is not None and after is None:
            db.session.execute(trips.delete().where(trips.c.registration_id == registration_id))
        elif before is not None:
            db.session.execute(trips.update().where(trips.c.registration_id == registration_id).values(**after))
        elif after is not None:
            db.session.execute(trips.insert(), [after])
    _apply(deltas)


def on_travel_facts_changed(ids, removed=frozenset(), **_extra) -> None:
    """Receiver of registration's `travel_facts_changed`."""
    refresh(ids, removed=removed)


def recompute_event(event: Event, *, batch: int = BATCH) -> int:
    """Every trip of `event` computed again (after a new factor set, radiative-forcing
    choice or destination): trips written a batch at a time, the totals rebuilt once
    from the batches. Returns how many trips count. Flushes."""
    ctx = context_for(event)
    db.session.flush()
    db.session.execute(Trip.__table__.delete().where(Trip.__table__.c.event_id == event.id))
    db.session.execute(Total.__table__.delete().where(Total.__table__.c.event_id == event.id))
    deltas, counted, after_id = _new_deltas(), 0, 0
    while True:
        facts = registration_services.travel_facts(event_id=event.id, after_id=after_id, limit=batch,
                                                   approved_only=True)
        if not facts:
            break
        after_id = facts[-1]["id"]
        rows = [row for row in (trip_row(f, ctx) for f in facts) if row is not None]
        if rows:
            db.session.execute(Trip.__table__.insert(), rows)
        for row in rows:
            _add(deltas, event.id, row, +1)
        counted += len(rows)
    if deltas:
        db.session.execute(Total.__table__.insert(), [{"event_id": e, "dimension": d, "key": k, **numbers}
                                           for (e, d, k), numbers in deltas.items()])
    db.session.flush()
    return counted


def trip_of(registration_id: int) -> Trip | None:
    """The registration's trip as last written (trips are written with table statements
    during a flush, so a copy already in the session is refreshed)."""
    return db.session.scalar(select(Trip).where(Trip.registration_id == registration_id)
                             .execution_options(populate_existing=True))
