"""`flask send-webhooks`: the worker that sends queued webhook deliveries."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.api.services import webhooks
from app.utils.stopping import stop_on_signals


@click.command("send-webhooks")
@click.option("--loop", is_flag=True, help="Keep running, sending what is due every few seconds.")
@click.option("--interval", default=5, show_default=True, help="Seconds between rounds with --loop.")
@with_appcontext
def send_webhooks_command(loop: bool, interval: int) -> None:
    """Send the webhook deliveries that are due (retries included). With --loop, SIGTERM or
    SIGINT stops the worker after the delivery in hand."""
    stop = stop_on_signals("webhook worker") if loop else None
    while True:
        sent = webhooks.send_due(current_app.config, stop=stop)
        click.echo(f"{sent} deliveries attempted")
        if not loop or stop.wait(interval):
            return
