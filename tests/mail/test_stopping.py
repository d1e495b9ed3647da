"""A mail worker asked to stop (systemd's SIGTERM on a deploy or a machine going down)
finishes the message it is sending and hands the rest of its batch back at once, so
another worker sends them now instead of after the lease (five minutes) runs out."""
from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from app.extensions import db
from app.mail.models import OutboxStatus
from app.mail.services import queue_email
from app.mail.worker import claim_batch, deliver_once, release_claims, run_forever
from app.utils.stopping import stop_on_signals
from tests.factories import make_user, outbox


class StopAfter:
    """A mail backend that records what it sends and asks the worker to stop after n."""

    def __init__(self, stop: threading.Event, n: int):
        self.stop, self.n, self.sent = stop, n, []

    def send(self, message):
        self.sent.append(message.to_address)
        if len(self.sent) >= self.n:
            self.stop.set()

    def close(self):
        pass


def queue(n: int) -> None:
    user = make_user()
    for i in range(n):
        queue_email(to=f"delegate{i}@example.org", template="password_changed", user=user)
    db.session.commit()


def test_a_stopped_worker_sends_what_it_started_and_releases_the_rest_of_its_batch(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_CLAIM_BATCH", 5)
    queue(8)
    stop = threading.Event()
    backend = StopAfter(stop, 2)
    counts = deliver_once(backend=backend, worker_id="worker-a", stop=stop)
    assert backend.sent == ["delegate0@example.org", "delegate1@example.org"]
    assert (counts["sent"], counts["released"]) == (2, 3)
    db.session.expire_all()
    states = [(m.to_address, m.status, m.locked_by, m.locked_until) for m in outbox()]
    assert states[:2] == [(f"delegate{i}@example.org", OutboxStatus.sent, "", None) for i in range(2)]
    # The three claimed but not sent are queued again with no lease, and were never tried.
    assert states[2:] == [(f"delegate{i}@example.org", OutboxStatus.queued, "", None) for i in range(2, 8)]
    assert [m.attempts for m in outbox()][2:] == [0] * 6
    # Another worker takes them at once: nothing waits for a lease to run out.
    assert claim_batch("worker-b", 10) == [m.id for m in outbox()][2:]


def test_a_release_never_takes_back_a_claim_another_worker_holds(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_CLAIM_BATCH", 3)
    queue(3)
    taken = claim_batch("worker-b")
    assert release_claims(taken, "worker-a") == 0
    db.session.expire_all()
    assert {(m.status, m.locked_by) for m in outbox()} == {(OutboxStatus.sending, "worker-b")}


def test_the_worker_loop_ends_soon_after_a_stop_even_while_idle(app):
    stop = threading.Event()
    finished = threading.Event()

    def loop():
        with app.app_context():
            try:
                run_forever(interval=60, stop=stop)
            finally:
                db.session.remove()
                finished.set()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    time.sleep(0.3)  # the outbox is empty: the loop waits out its 60 s interval
    assert not finished.is_set()
    started = time.monotonic()
    stop.set()
    assert finished.wait(5)
    assert time.monotonic() - started < 2


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                    reason="signal handlers are set from the main thread only")
def test_sigterm_and_sigint_set_the_stop_event():
    previous = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        stop = stop_on_signals("test worker")
        assert not stop.is_set()
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop.wait(2)
        stop = stop_on_signals("test worker")
        os.kill(os.getpid(), signal.SIGINT)
        assert stop.wait(2)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
