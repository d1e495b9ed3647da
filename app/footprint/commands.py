"""Command-line tools of the footprint (top-level `flask` commands)."""
from __future__ import annotations

import json
from pathlib import Path

import click
from sqlalchemy import select

from app.events.models import Event
from app.extensions import db
from app.footprint import bp
from app.footprint.services import (differences, follow_latest_set, latest_set, load_factor_set, next_version,
                                    PublishedTableError, read_data_file, read_published, recompute_pending,
                                    recompute_waiting, stored_set)

PUBLISHED_SUFFIXES = (".csv", ".xlsx")


def _read(path: str, year: int | None, version: int | None) -> dict:
    """The factor set in `path`: the published flat file (CSV or XLSX), or a data file (JSON)."""
    try:
        if Path(path).suffix.lower() in PUBLISHED_SUFFIXES:
            data = read_published(path, year=year)
            data["version"] = version or next_version(data["year"])
            return data
        data = read_data_file(path)
        for key in ("year", "source", "factors", "bands", "uncertainty", "air_distance_uplift", "hotel_default"):
            if key not in data:
                raise PublishedTableError(f"{Path(path).name}: no {key!r} in the data file.")
        return data
    except PublishedTableError as error:
        raise click.ClickException(str(error)) from error
    except (OSError, json.JSONDecodeError) as error:
        raise click.ClickException(f"{path}: {error}") from error


@bp.cli.command("footprint-factors")
@click.argument("path", required=False)
@click.option("--year", type=int, help="The factors' year, when the published file's header does not name it.")
@click.option("--version", "version", type=int,
              help="Version of the year's set (default: the next one not stored yet, for a published file).")
@click.option("--check", is_flag=True,
              help="Compare the bundled set with the published file PATH and store nothing.")
def load_factors_command(path, year, version, check):
    """Store a conversion-factor set: from the flat file DESNZ publishes each year (CSV or
    XLSX), from a JSON data file, or the set bundled with the application (no PATH)."""
    if check:
        if not path:
            raise click.ClickException("Give the published flat file to check the bundled set against.")
        bundled, published = read_data_file(), _read(path, year, version or 1)
        if bundled["year"] != published["year"]:
            click.echo(f"The bundled set is of {bundled['year']}, the file of {published['year']}.")
        lines = differences(bundled, published)
        for line in lines:
            click.echo(line)
        click.echo(f"{len(lines)} differences." if lines else "The bundled factors match the published table.")
        return
    data = _read(path, year, version) if path else read_data_file()
    already = stored_set(int(data["year"]), int(data.get("version", 1))) is not None
    factor_set = load_factor_set(data)
    newest = latest_set()
    marked = 0 if already or newest is None or newest.id != factor_set.id else follow_latest_set()
    db.session.commit()
    click.echo(f"Factor set {factor_set.label} ({factor_set.source}) is "
               + ("already stored." if already else "stored."))
    if marked:
        click.echo(f"{marked} events follow the latest set: `flask footprint-recompute --pending` computes them "
                   "again.")


@bp.cli.command("footprint-recompute")
@click.argument("slug", required=False)
@click.option("--pending", is_flag=True, help="Every event whose organisers changed a choice (run every few minutes).")
def recompute_command(slug, pending):
    """Compute every trip of event SLUG again, in batches (after new factors or choices)."""
    if pending:
        recompute_waiting(lambda event, count: click.echo(f"{event.slug}: {count} trips computed."))
        return
    event = db.session.scalar(select(Event).where(Event.slug == (slug or "")))
    if event is None:
        raise click.ClickException(f"No event {slug!r}.")
    count = recompute_pending(event)
    db.session.commit()
    click.echo(f"{count} trips computed.")
