"""`flask purge-personal-data`: run daily from cron."""
from __future__ import annotations

import click

from app.extensions import db
from app.privacy import bp
from app.privacy.services import purge_personal_data


@bp.cli.command("purge-personal-data")
def purge_personal_data_command():
    """Erase the people whose grace period is over and anonymise the events whose
    retention period is over."""
    done = purge_personal_data()
    db.session.commit()
    click.echo(f"{done['erased']} erasure requests carried out, {done['events']} events anonymised.")
