"""`flask jobs-worker`: huey's consumer, stopping as a worker machine should.

Loaded by the command only, so the web processes never load huey's consumer.
"""
from __future__ import annotations

import logging
import signal

from flask import Flask
from huey.consumer import Consumer

from app.jobs import services
from app.jobs.queue import huey_of


class ReleasingConsumer(Consumer):
    """SIGINT (Ctrl+C) lets the jobs in hand finish; SIGTERM (systemd's stop) hands them
    back to the queue at their next progress point, so a worker that keeps running starts
    them at once; either way the consumer waits for its threads (up to `shutdown_timeout`)
    before it exits."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Signal -> (restart, graceful): both stops are graceful; SIGHUP restarts.
        self._signal_actions[signal.SIGTERM] = (False, True)
        self._signal_actions[signal.SIGINT] = (False, True)

    def _handle_signal(self, signum, frame):
        if signum == signal.SIGTERM:
            services.RELEASING.set()
        super()._handle_signal(signum, frame)


def create_consumer(app: Flask, *, workers: int = 2, periodic: bool = True, **options) -> ReleasingConsumer:
    options.setdefault("shutdown_timeout", 20)
    return ReleasingConsumer(huey_of(app), workers=workers, worker_type="thread", periodic=periodic, **options)


def run_worker(app: Flask, *, workers: int = 2, periodic: bool = True) -> None:  # pragma: no cover - runs forever
    """Jobs and periodic work with threads, until stopped (Ctrl+C or SIGINT: finish the jobs
    in hand; SIGTERM: hand them back to the queue for another worker)."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    create_consumer(app, workers=workers, periodic=periodic).run()
