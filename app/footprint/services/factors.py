"""Factor sets: loaded from their data files into the versioned table, and read back
as the calculation's `FactorTable`."""
from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.footprint.models import Factor, FactorSet
from app.footprint.services.calculation import FactorTable

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# The set shipped with the application (the latest DESNZ set this release carries).
BUNDLED = DATA_DIR / "desnz-2026.json"
PARAM_KEYS = ("air_distance_uplift", "bands", "uncertainty", "hotel_default", "notes", "publisher", "verified")


def read_data_file(path: Path | str = BUNDLED) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def load_factor_set(data: dict) -> FactorSet:
    """Store a factor set from its parsed data file; one that is already stored (same
    year and version) is returned as it is. Flushes."""
    existing = stored_set(int(data["year"]), int(data.get("version", 1)))
    if existing is not None:
        return existing
    factor_set = FactorSet(year=int(data["year"]), version=int(data.get("version", 1)), source=data["source"],
                           document=data.get("document", ""), url=data.get("url", ""),
                           unit=data.get("unit", "kg CO2e"), params={k: data[k] for k in PARAM_KEYS if k in data})
    db.session.add(factor_set)
    db.session.flush()
    db.session.add_all(Factor(set_id=factor_set.id, mode=row["mode"], band=row.get("band") or "",
                              cabin=row.get("cabin") or "", country=row.get("country") or "",
                              value=float(row["value"]),
                              value_rf=None if row.get("value_rf") is None else float(row["value_rf"]),
                              unit=row["unit"]) for row in data["factors"])
    db.session.flush()
    return factor_set


def install_bundled() -> FactorSet:
    """The set shipped with the application, stored if it is not yet."""
    return load_factor_set(read_data_file())


def stored_set(year: int, version: int) -> FactorSet | None:
    return db.session.scalar(select(FactorSet).where(FactorSet.year == year, FactorSet.version == version))


def next_version(year: int) -> int:
    """The first version of `year` not stored yet."""
    versions = set(db.session.scalars(select(FactorSet.version).where(FactorSet.year == year)))
    return max(versions, default=0) + 1


def factor_sets() -> list[FactorSet]:
    """Every stored set, newest first."""
    return list(db.session.scalars(select(FactorSet).order_by(FactorSet.year.desc(), FactorSet.version.desc())))


def latest_set() -> FactorSet | None:
    return db.session.scalar(select(FactorSet).order_by(FactorSet.year.desc(), FactorSet.version.desc()).limit(1))


def table_for(factor_set: FactorSet) -> FactorTable:
    """The calculation's view of a stored set (its factors loaded in one query)."""
    rows = db.session.scalars(select(Factor).where(Factor.set_id == factor_set.id)).all()
    data = dict(factor_set.params, year=factor_set.year,
                factors=[{"mode": f.mode, "band": f.band, "cabin": f.cabin, "country": f.country,
                          "value": f.value, "value_rf": f.value_rf} for f in rows])
    return FactorTable.from_data(data, set_id=factor_set.id, label=factor_set.label)


def set_with_factors(set_id: int) -> FactorSet | None:
    return db.session.scalar(select(FactorSet).options(selectinload(FactorSet.factors))
                             .where(FactorSet.id == set_id))
