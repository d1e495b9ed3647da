"""`flask send-webhooks`: the worker that sends queued webhook deliveries."""
from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from app.api.services import webhooks


@click.command("send-webhooks")
@click.option("--loop", is_flag=True, help="Keep running, sending what is due every few seconds.")
@click.option("--interval", default=5, show_default=True, help="Seconds between rounds with --loop.")
@with_appcontext
def send_webhooks_command(loop: bool, interval: int) -> None:
    """Send the webhook deliveries that are due (retries included)."""
    while True:
        sent = webhooks.send_due(current_app.config)
        click.echo(f"{sent} deliveries attempted")
        if not loop:
            return
        time.sleep(interval)
