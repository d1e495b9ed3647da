"""Stopping a worker loop cleanly on SIGTERM or SIGINT (systemd's stop, Ctrl+C).

The loop asks `stop.is_set()` between two pieces of work and waits with `stop.wait()`
instead of sleeping, so a stop request ends the wait at once. The piece of work under
way is finished, what the worker holds and has not started is handed back, and the
process exits well inside systemd's TimeoutStopSec.
"""
from __future__ import annotations

import logging
import signal
import threading

log = logging.getLogger("kurultai.workers")


def stop_on_signals(name: str, signals=(signal.SIGTERM, signal.SIGINT)) -> threading.Event:
    """An event set when the process receives one of `signals` (main thread only)."""
    stop = threading.Event()

    def handler(signum, _frame):
        if not stop.is_set():
            log.info("%s: %s received, stopping after the work in hand", name, signal.Signals(signum).name)
        stop.set()

    for signum in signals:
        signal.signal(signum, handler)
    return stop
