"""Several mail workers against a slow SMTP server: every message arrives exactly once,
under the Message-ID it was given when queued."""
from __future__ import annotations

import threading
import time

from sqlalchemy import select, update

from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.services import queue_email
from app.mail.worker import deliver_once
from app.utils.time import utcnow
from tests.factories import make_user, outbox


def queue(n: int) -> dict[str, str]:
    """Queue n messages; returns {recipient: Message-ID stored with the message}."""
    user = make_user()
    messages = [queue_email(to=f"delegate{i}@example.org", template="password_changed", user=user)
                for i in range(n)]
    db.session.commit()
    return {m.to_address: m.message_id for m in messages}


def pending() -> int:
    return len(db.session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.status.in_([OutboxStatus.queued, OutboxStatus.sending]))).all())


def run_worker(app, name: str, barrier: threading.Barrier, errors: list) -> None:
    """A mail worker: passes over the outbox until nothing is left to send."""
    with app.app_context():
        try:
            barrier.wait(timeout=30)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                deliver_once(worker_id=name)
                db.session.remove()
                if not pending():
                    return
                time.sleep(0.05)
            errors.append(f"{name}: outbox not empty after 60 s")
        except Exception as exc:  # reported by the test, not lost in the thread
            errors.append(f"{name}: {exc!r}")
        finally:
            db.session.remove()


def test_two_workers_and_a_slow_server_deliver_each_message_once(app, smtp, monkeypatch):
    # A batch takes the slow server longer than the lease: a worker sending a batch under
    # one lease, without renewing it per message, would still be sending messages the
    # other worker has claimed since. One message takes well under the lease.
    monkeypatch.setitem(app.config, "MAIL_LEASE_SECONDS", 2)
    monkeypatch.setitem(app.config, "MAIL_CLAIM_BATCH", 8)
    smtp.collector.delay = 0.3
    stored = queue(10)
    smtp.start()
    barrier, errors = threading.Barrier(2), []
    workers = [threading.Thread(target=run_worker, args=(app, name, barrier, errors))
               for name in ("worker-a", "worker-b")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=90)
    assert errors == []
    received = sorted((m["To"], m["Message-ID"]) for m in smtp.collector.messages)
    assert received == sorted(stored.items())
    db.session.expire_all()
    assert {(m.status, m.locked_by) for m in outbox()} == {(OutboxStatus.sent, "")}


def test_a_message_sent_again_keeps_its_message_id(app, smtp):
    """A worker that dies after the server took the message but before recording it leaves
    the message to be sent again: the copy carries the same Message-ID, which receivers
    use to drop it."""
    stored = queue(1)
    smtp.start()
    assert deliver_once(worker_id="worker-that-dies") == {"sent": 1, "retry": 0, "failed": 0, "released": 0}
    db.session.execute(update(OutboxMessage).values(status=OutboxStatus.queued, next_attempt_at=utcnow()))
    db.session.commit()
    assert deliver_once(worker_id="worker-b") == {"sent": 1, "retry": 0, "failed": 0, "released": 0}
    assert [(m["To"], m["Message-ID"]) for m in smtp.collector.messages] == list(stored.items()) * 2


def test_message_id_is_given_when_queued_in_the_senders_domain(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", "Summit <no-reply@summit.example.kz>")
    stored = queue(2)
    first, second = stored.values()
    assert first != second
    assert first.startswith("<") and first.endswith("@summit.example.kz>")


def test_message_id_of_an_internationalised_sender_domain_is_ascii(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", "Саммит <no-reply@саммит.kz>")
    [message_id] = queue(1).values()
    assert message_id.endswith("@xn--80aqlawk.kz>")
