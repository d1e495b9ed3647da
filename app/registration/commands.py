"""Command-line tools of the registration domain (top-level `flask` commands)."""
from __future__ import annotations

import click
from sqlalchemy import select

from app.events.models import Event
from app.extensions import db
from app.registration import bp
from app.registration.services import purge_passports, queue_travel_reminders


@bp.cli.command("purge-passports")
def purge_passports_command():
    """Delete passport data of events whose retention period is over (run daily)."""
    purged = purge_passports()
    db.session.commit()
    if not purged:
        click.echo("No passport data due for deletion.")
    for slug, count in purged.items():
        click.echo(f"{slug}: passport data deleted from {count} registrations")


@bp.cli.command("travel-reminders")
@click.argument("slug")
def travel_reminders_command(slug):
    """Email approved delegates of event SLUG who have not given their travel details."""
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise click.ClickException(f"No event {slug!r}.")
    count = queue_travel_reminders(event)
    db.session.commit()
    click.echo(f"{count} reminders queued.")
