"""footprint factors: store the DESNZ 2025 and 2026 sets, correct the 2023 set to the
published table, and mark the events whose figures change to be computed again

Revision ID: 0026_factors
Revises: 0025_desk
Create Date: 2026-12-07 22:40:00.000000

The factors are read from the data files by path, as 0014 reads the 2023 set: each file
is the record of one published set (its source document, SHA-256 and notes), and a
second copy of some hundred numbers here could come to disagree with it. A set is only
taken from its file when the file names the year and version this revision expects;
when the file is gone or holds another set (a later release may bundle another year),
that step is skipped with a message, and `flask footprint-factors <file>` does it.

The figures themselves are not computed here (that needs the application's
calculation): the events concerned get `recompute_requested_at`, which
`flask footprint-recompute --pending` picks up. They are the events with trips that
follow the latest set (chose none) when the latest set is new or was corrected here
(2026, the set this release bundles), and those that chose the 2023 set when its values
were corrected.
"""
import json
import logging
from datetime import datetime, timezone
from pathlib import Path

from alembic import op
import sqlalchemy as sa

from app.utils.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0026_factors'
down_revision = '0025_desk'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

DATA_DIR = Path(__file__).resolve().parents[2] / "app" / "footprint" / "data"
# Oldest first; the last is the set this release bundles (the latest).
NEW_SETS = ((DATA_DIR / "desnz-2025.json", 2025, 1), (DATA_DIR / "desnz-2026.json", 2026, 1))
CORRECTED_SET = (DATA_DIR / "desnz-2023.json", 2023, 1)
PARAM_KEYS = ("air_distance_uplift", "bands", "uncertainty", "hotel_default", "notes", "publisher", "verified")

sets = sa.table('footprint_factor_sets', sa.column('id', sa.Integer), sa.column('year', sa.Integer),
                sa.column('version', sa.Integer), sa.column('source', sa.String),
                sa.column('document', sa.Text), sa.column('url', sa.String), sa.column('unit', sa.String),
                sa.column('params', sa.JSON), sa.column('loaded_at', UTCDateTime()))
factors = sa.table('footprint_factors', sa.column('id', sa.Integer), sa.column('set_id', sa.Integer),
                   sa.column('mode', sa.String), sa.column('band', sa.String), sa.column('cabin', sa.String),
                   sa.column('country', sa.String), sa.column('value', sa.Float), sa.column('value_rf', sa.Float),
                   sa.column('unit', sa.String))
settings = sa.table('footprint_settings', sa.column('id', sa.Integer), sa.column('event_id', sa.Integer),
                    sa.column('factor_set_id', sa.Integer), sa.column('radiative_forcing', sa.Boolean),
                    sa.column('destination', sa.String), sa.column('contribution_per_tonne', sa.Numeric),
                    sa.column('currency', sa.String), sa.column('recompute_requested_at', UTCDateTime()))
trips = sa.table('footprint_trips', sa.column('event_id', sa.Integer), sa.column('set_id', sa.Integer))


def _read(path: Path, year: int, version: int) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        log.warning(f"0026_factors: {path.name} not read ({error}); `flask footprint-factors <file>` stores the set.")
        return None
    if (data.get("year"), data.get("version", 1)) != (year, version):
        log.warning(f"0026_factors: {path.name} holds another set than DESNZ {year} v{version}; skipped.")
        return None
    return data


def _set_id(bind, year: int, version: int) -> int | None:
    return bind.execute(sa.select(sets.c.id).where(sets.c.year == year, sets.c.version == version)).scalar()


def _key(row) -> tuple:
    return (row["mode"], row.get("band") or "", row.get("cabin") or "", row.get("country") or "")


def _row(set_id: int, row: dict) -> dict:
    return {"set_id": set_id, "mode": row["mode"], "band": row.get("band") or "", "cabin": row.get("cabin") or "",
            "country": row.get("country") or "", "value": float(row["value"]),
            "value_rf": None if row.get("value_rf") is None else float(row["value_rf"]), "unit": row["unit"]}


def _set_values(data: dict) -> dict:
    return {"source": data["source"], "document": data.get("document", ""), "url": data.get("url", ""),
            "unit": data.get("unit", "kg CO2e"), "params": {k: data[k] for k in PARAM_KEYS if k in data}}


def _store(bind, data: dict) -> int | None:
    """The set of `data`, stored if it is not yet; its id when stored here, else None."""
    if _set_id(bind, data["year"], data.get("version", 1)) is not None:
        return None
    set_id = bind.execute(sets.insert().values(year=data["year"], version=data.get("version", 1),
                                               loaded_at=datetime.now(timezone.utc), **_set_values(data))
                          .returning(sets.c.id)).scalar_one()
    bind.execute(factors.insert(), [_row(set_id, row) for row in data["factors"]])
    return set_id


def _correct(bind, data: dict) -> int | None:
    """The stored set of `data` made the same as the file: its texts, its parameters (the
    verified flag among them) and its factors. Its id if a factor changed, else None."""
    set_id = _set_id(bind, data["year"], data.get("version", 1))
    if set_id is None:
        return None
    bind.execute(sets.update().where(sets.c.id == set_id).values(**_set_values(data)))
    stored = {(r.mode, r.band, r.cabin, r.country): r for r in bind.execute(
        sa.select(factors).where(factors.c.set_id == set_id)).mappings()}
    published = {_key(row): _row(set_id, row) for row in data["factors"]}
    changed = False
    for key, row in published.items():
        old = stored.get(key)
        if old is None:
            bind.execute(factors.insert().values(**row))
            changed = True
        elif (old["value"], old["value_rf"], old["unit"]) != (row["value"], row["value_rf"], row["unit"]):
            bind.execute(factors.update().where(factors.c.id == old["id"])
                         .values(value=row["value"], value_rf=row["value_rf"], unit=row["unit"]))
            changed = True
    for key in stored.keys() - published.keys():
        bind.execute(factors.delete().where(factors.c.id == stored[key]["id"]))
        changed = True
    return set_id if changed else None


def _mark_for_recompute(bind, changed: set[int]) -> None:
    """Events with trips whose set (chosen, or the latest when none is) is in `changed`:
    their settings row (made with the defaults if there is none) asks for a recompute."""
    latest = bind.execute(sa.select(sets.c.id).order_by(sets.c.year.desc(), sets.c.version.desc())
                          .limit(1)).scalar()
    chosen = dict(bind.execute(sa.select(settings.c.event_id, settings.c.factor_set_id)).all())
    now = datetime.now(timezone.utc)
    for event_id in bind.execute(sa.select(trips.c.event_id).distinct()).scalars().all():
        if (chosen.get(event_id) or latest) not in changed:
            continue
        if event_id in chosen:
            bind.execute(settings.update().where(settings.c.event_id == event_id)
                         .values(recompute_requested_at=now))
        else:
            bind.execute(settings.insert().values(event_id=event_id, factor_set_id=None, radiative_forcing=True,
                                                  destination="", contribution_per_tonne=None, currency="EUR",
                                                  recompute_requested_at=now))


def upgrade():
    bind = op.get_bind()
    changed = set()
    corrected_data = _read(*CORRECTED_SET)
    if corrected_data is not None:
        changed.add(_correct(bind, corrected_data))
    for new_set in NEW_SETS:
        new_data = _read(*new_set)
        if new_data is not None:
            changed.add(_store(bind, new_data))
    changed.discard(None)
    if changed:
        _mark_for_recompute(bind, changed)


def downgrade():
    # The 2025 and 2026 sets go each only if no trip was computed with it and no event
    # chose it (the choice would silently become "the latest set"); one in use is kept,
    # and `flask footprint-factors` would store it again anyway. The 2023 set keeps its
    # corrected values: the earlier ones were wrong, not an older schema.
    bind = op.get_bind()
    for _, year, version in reversed(NEW_SETS):
        set_id = _set_id(bind, year, version)
        if set_id is None:
            continue
        used = bind.execute(sa.select(trips.c.event_id).where(trips.c.set_id == set_id).limit(1)).first() or \
            bind.execute(sa.select(settings.c.id).where(settings.c.factor_set_id == set_id).limit(1)).first()
        if used:
            log.warning(f"0026_factors: DESNZ {year} v{version} is in use and is kept.")
            continue
        bind.execute(factors.delete().where(factors.c.set_id == set_id))
        bind.execute(sets.delete().where(sets.c.id == set_id))
