"""The secretariat's report, read from the running totals (a few rows whatever the
number of registrations), and what one delegate sees of their own trip.

Privacy: a group of fewer than MIN_GROUP trips is shown only to organisers who may
see registrations (`registration.view`); for anyone else such groups are
folded into one "other groups" row, itself shown only when it reaches MIN_GROUP.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.footprint.models import FactorSet, Total
from app.footprint.services import calculation as calc
from app.footprint.services.factors import latest_set, table_for
from app.footprint.services.settings import settings_for
from app.footprint.services.trips import trip_of
from app.policy import can
from app.registration import services as registration_services
from app.utils.countries import country_name

MIN_GROUP = 5
DIMENSIONS = ("delegation", "category", "country", "mode")
MODE_LABELS = {"air": _l("Flights"), "rail": _l("Train"), "bus": _l("Bus or coach"), "car": _l("Car"),
               "hotel": _l("Hotel nights")}
OTHER = "__other__"


@dataclass
class Row:
    key: str
    label: str
    trips: int = 0
    declared: int = 0
    total_g: int = 0
    low_g: int = 0
    high_g: int = 0

    @property
    def estimated(self) -> int:
        return self.trips - self.declared

    @property
    def tonnes(self) -> float:
        return self.total_g / 1_000_000

    @property
    def kg(self) -> float:
        return self.total_g / 1000


@dataclass
class Report:
    total: Row | None
    groups: dict = field(default_factory=dict)   # dimension -> [Row], largest first
    factor_set: FactorSet | None = None
    radiative_forcing: bool = True
    contribution_per_tonne: Decimal | None = None
    currency: str = "EUR"
    small_groups_shown: bool = False
    recompute_pending: bool = False               # a change waits for the figures to be computed again
    hidden: bool = False                          # the whole event is under MIN_GROUP for this reader

    @property
    def contribution(self) -> Decimal | None:
        if self.total is None or self.contribution_per_tonne is None:
            return None
        return (Decimal(self.total.total_g) / Decimal(1_000_000) * Decimal(self.contribution_per_tonne)).quantize(
            Decimal("0.01"))


def _labels(event, dimension: str, locale: str) -> dict[str, str]:
    if dimension == "delegation":
        labels = {str(d.id): str(d.name) for d in registration_services.delegations_in_protocol_order(event)}
        labels[""] = str(_l("No delegation"))
        return labels
    if dimension == "category":
        return {str(c.id): c.name for c in registration_services.all_categories(event)}
    if dimension == "mode":
        return {key: str(label) for key, label in MODE_LABELS.items()}
    return {}


def _label(dimension: str, key: str, labels: dict, locale: str) -> str:
    if dimension == "country":
        return country_name(key, locale) if key else str(_l("Unknown"))
    return labels.get(key, key or str(_l("Unknown")))


def _fold_small(rows: list[Row]) -> list[Row]:
    """Groups under MIN_GROUP folded into one row (dropped when it is itself too small)."""
    kept = [row for row in rows if row.trips >= MIN_GROUP]
    small = [row for row in rows if row.trips < MIN_GROUP]
    if small:
        other = Row(OTHER, str(_l("Other groups (under %(n)s trips each)", n=MIN_GROUP)))
        for row in small:
            for name in ("trips", "declared", "total_g", "low_g", "high_g"):
                setattr(other, name, getattr(other, name) + getattr(row, name))
        if other.trips >= MIN_GROUP:
            kept.append(other)
    return kept


def event_report(event, *, actor, locale: str = "en") -> Report:
    """The event's figures for `actor`: the total with its range and the groups, with
    groups under MIN_GROUP folded for readers who may not see registrations."""
    settings = settings_for(event)
    factor_set = db.session.get(FactorSet, settings.factor_set_id) if settings.factor_set_id else latest_set()
    small_ok = can(actor, "registration.view", event)
    totals = db.session.scalars(select(Total).where(Total.event_id == event.id)).all()
    report = Report(total=None, factor_set=factor_set, radiative_forcing=settings.radiative_forcing,
                    contribution_per_tonne=settings.contribution_per_tonne, currency=settings.currency or "EUR",
                    small_groups_shown=small_ok, recompute_pending=settings.recompute_requested_at is not None)
    grouped: dict[str, list[Row]] = {dimension: [] for dimension in DIMENSIONS}
    labels = {dimension: _labels(event, dimension, locale) for dimension in ("delegation", "category", "mode")}
    for total in totals:
        if total.trips <= 0 and total.total_g == 0:
            continue
        row = Row(total.key, "", total.trips, total.declared, total.total_g, total.low_g, total.high_g)
        if total.dimension == "event":
            report.total = row
        elif total.dimension in grouped:
            row.label = _label(total.dimension, total.key, labels.get(total.dimension, {}), locale)
            grouped[total.dimension].append(row)
    if report.total is not None and report.total.trips < MIN_GROUP and not small_ok:
        report.total, report.hidden = None, True
        return report
    for dimension, rows in grouped.items():
        rows.sort(key=lambda r: (-r.total_g, r.label))
        report.groups[dimension] = rows if small_ok else _fold_small(rows)
    return report


def export_rows(report: Report, only: str | None = None) -> list[list]:
    """The report as rows of (group kind, group, trips, declared, estimated, t, low t, high t,
    factors, radiative forcing): every row names what its figure rests on, so a line
    copied elsewhere keeps it. `only` keeps one group kind (delegation, category, country
    or mode)."""
    kinds = {"event": _l("Event"), "delegation": _l("Delegation"), "category": _l("Category"),
             "country": _l("Country"), "mode": _l("Mode")}
    rows = []
    if report.total is not None and only is None:
        rows.append(_export_row(str(kinds["event"]), str(_l("All trips")), report.total))
    for dimension in (d for d in DIMENSIONS if only in (None, d)):
        for row in report.groups.get(dimension, []):
            rows.append(_export_row(str(kinds[dimension]), row.label, row))
    basis = [report.factor_set.label if report.factor_set is not None else "",
             str(_l("Yes") if report.radiative_forcing else _l("No"))]
    return [row + basis for row in rows]


def _export_row(kind: str, label: str, row: Row) -> list:
    return [kind, label, row.trips, row.declared, row.estimated, round(row.total_g / 1_000_000, 3),
            round(row.low_g / 1_000_000, 3), round(row.high_g / 1_000_000, 3)]


EXPORT_COLUMNS = [("kind", _l("Group kind")), ("group", _l("Group")), ("trips", _l("Trips")),
                  ("declared", _l("Declared")), ("estimated", _l("Estimated")), ("tonnes", _l("t CO2e")),
                  ("low", _l("Low, t CO2e")), ("high", _l("High, t CO2e")), ("factors", _l("Conversion factors")),
                  ("rf", _l("Flights with the radiative-forcing uplift"))]


@dataclass
class OwnTrip:
    """What a delegate (or an organiser who may see registrations) sees of one trip."""

    trip: object
    alternatives: list
    factor_set: FactorSet | None


def trip_view(registration) -> OwnTrip | None:
    """The registration's trip with its lower-carbon choices, or None when it does not count."""
    trip = trip_of(registration.id)
    if trip is None:
        return None
    factor_set = db.session.get(FactorSet, trip.set_id) if trip.set_id else None
    found = []
    if factor_set is not None:
        table = table_for(factor_set)
        figures = calc.compute(trip.legs, return_trip=trip.return_trip, nights=trip.nights,
                               hotel_country=trip.hotel_country, declared=trip.declared, table=table,
                               rf=trip.radiative_forcing)
        found = calc.alternatives(figures, table)
    return OwnTrip(trip=trip, alternatives=found, factor_set=factor_set)

