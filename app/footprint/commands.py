"""Command-line tools of the footprint (top-level `flask` commands)."""
from __future__ import annotations

import click
from sqlalchemy import select

from app.events.models import Event
from app.extensions import db
from app.footprint import bp
from app.footprint.services import install_bundled, load_factor_set, read_data_file, recompute_event


@bp.cli.command("footprint-factors")
@click.argument("path", required=False)
def load_factors_command(path):
    """Store a factor set from its JSON data file (default: the set shipped with the application)."""
    factor_set = load_factor_set(read_data_file(path)) if path else install_bundled()
    db.session.commit()
    click.echo(f"Factor set {factor_set.label} ({factor_set.source}) is stored.")


@bp.cli.command("footprint-recompute")
@click.argument("slug")
def recompute_command(slug):
    """Compute every trip of event SLUG again, in batches (after new factors or choices)."""
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise click.ClickException(f"No event {slug!r}.")
    count = recompute_event(event)
    db.session.commit()
    click.echo(f"{count} trips computed.")
