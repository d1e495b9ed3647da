"""Command-line tools of on-site work (`flask checkin ...`)."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.checkin import services
from app.events.models import Event
from app.extensions import db


cli = AppGroup("checkin", help="On-site work: badge signing keys.")


@cli.command("rotate-badge-key")
@click.argument("slug")
@click.option("--revoke-old", is_flag=True,
              help="Refuse every badge signed by the old keys too (they must be printed again).")
def rotate_badge_key_command(slug, revoke_old):
    """Sign the badges of event SLUG with a new key from now on. Badges already printed
    keep working unless --revoke-old; desks learn the change at their next sync."""
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise click.ClickException(f"No event {slug!r}.")
    key = services.rotate_key(event, actor=None, revoke_old=revoke_old)
    db.session.commit()
    click.echo(f"{slug}: badges are now signed with key {key.key_id}"
               + ("; badges signed with older keys are refused." if revoke_old
                  else "; badges signed with older keys still open."))
