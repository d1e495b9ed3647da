"""Command-line tools: flask seed-demo, create-admin, send-mail, jobs-worker, storage-copy."""
from __future__ import annotations

import getpass
from pathlib import Path

import click
from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app

from app.accounts.models import User
from app.accounts.passwords import password_problem
from app.accounts.services import create_user, set_admin
from app.checkin import commands as checkin_commands
from app.extensions import db
from app.mail.worker import deliver_once, run_forever
from app.seed import seed_demo as run_seed_demo
from app.utils import storage


def init_app(app: Flask) -> None:
    """Called by the app factory's `register_commands`."""
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_admin)
    app.cli.add_command(send_mail)
    app.cli.add_command(storage_copy)
    app.cli.add_command(jobs_worker)
    app.cli.add_command(checkin_commands.cli)


@click.command("seed-demo")
def seed_demo():
    """Create (or refresh) the demo summit and demo accounts. Refused in production."""
    if not current_app.config.get("SEED_ALLOWED"):
        raise click.ClickException("seed-demo is refused under the production configuration.")
    accounts = run_seed_demo()
    db.session.commit()
    click.echo("Demo summit ready: /e/astana-2027/  (password for every account: summit-demo)")
    for email, what in accounts:
        click.echo(f"  {email:<28} {what}")


@click.command("create-admin")
@click.argument("email")
@click.option("--password", envvar="KURULTAI_ADMIN_PASSWORD", default=None,
              help="Read from KURULTAI_ADMIN_PASSWORD, or asked for.")
def create_admin(email, password):
    """Create a platform administrator, or make an existing account one."""
    user = User.by_email(email)
    if user is not None:
        if not user.is_admin:
            set_admin(user, True, actor=None)  # audited, with no actor: the command line
        db.session.commit()
        click.echo(f"{user.email} is now a platform administrator.")
        return
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise click.ClickException("Enter a valid email address.") from None
    if password is None:
        password = getpass.getpass("Password: ")
    problem = password_problem(password, email=email)
    if problem:
        raise click.ClickException(str(problem))
    user = create_user(email=email, password=password, is_admin=True)
    db.session.commit()
    click.echo(f"Created platform administrator {user.email}.")


@click.command("send-mail")
@click.option("--once", is_flag=True, help="One pass over the due messages, then exit.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between passes when idle.")
def send_mail(once, interval):
    """Deliver queued email from the outbox, with retries."""
    if once:
        counts = deliver_once()
        click.echo(f"sent {counts['sent']}, to retry {counts['retry']}, failed {counts['failed']}")
    else:  # pragma: no cover
        run_forever(interval)


@click.command("storage-copy")
@click.option("--from", "source", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The upload directory to copy (default: UPLOAD_DIR).")
def storage_copy(source):
    """Copy an upload directory into the configured storage (STORAGE_URL), keeping its keys.

    Files already there with the same size are skipped, so it can be run again after a
    change and copies only what is new."""
    source = Path(source or current_app.config["UPLOAD_DIR"])
    if not source.is_dir():
        raise click.ClickException(f"{source} is not a directory.")
    target = storage.current()
    try:
        target.check()
        counts = storage.copy_tree(storage.LocalStorage(source), target, skip_prefixes=("speakers/tmp/",))
    except storage.StorageError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{source} -> {target.describe()}: copied {counts['copied']}, "
               f"skipped {counts['skipped']} (already there)")


@click.command("jobs-worker")
@click.option("--workers", default=2, show_default=True, help="Jobs done at once (threads).")
@click.option("--no-periodic", is_flag=True, help="Leave the periodic work to the other workers.")
def jobs_worker(workers, no_periodic):  # pragma: no cover - runs until interrupted
    """Do the background jobs and the periodic work (docs/jobs.md); stop with Ctrl+C, or
    SIGTERM to hand the jobs in hand to the other workers."""
    # huey's consumer is loaded in the worker process only, never in a web process.
    from app.jobs.consumer import run_worker

    run_worker(current_app._get_current_object(), workers=workers, periodic=not no_periodic)
