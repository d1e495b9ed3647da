"""Command-line tools of the footprint (top-level `flask` commands)."""
from __future__ import annotations

import click
from sqlalchemy import select

from app.events.models import Event
from app.extensions import db
from app.footprint import bp
from app.footprint.services import (install_bundled, load_factor_set, pending_events, read_data_file,
                                    recompute_pending)


@bp.cli.command("footprint-factors")
@click.argument("path", required=False)
def load_factors_command(path):
    """Store a factor set from its JSON data file (default: the set shipped with the application)."""
    factor_set = load_factor_set(read_data_file(path)) if path else install_bundled()
    db.session.commit()
    click.echo(f"Factor set {factor_set.label} ({factor_set.source}) is stored.")


@bp.cli.command("footprint-recompute")
@click.argument("slug", required=False)
@click.option("--pending", is_flag=True, help="Every event whose organisers changed a choice (run every few minutes).")
def recompute_command(slug, pending):
    """Compute every trip of event SLUG again, in batches (after new factors or choices)."""
    if pending:
        for event_id in pending_events():
            event = db.session.get(Event, event_id)
            count = recompute_pending(event)
            db.session.commit()
            click.echo(f"{event.slug}: {count} trips computed.")
        return
    event = db.session.scalar(select(Event).where(Event.slug == (slug or "")))
    if event is None:
        raise click.ClickException(f"No event {slug!r}.")
    count = recompute_pending(event)
    db.session.commit()
    click.echo(f"{count} trips computed.")
