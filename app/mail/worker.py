"""The mail worker: claims due outbox rows, delivers them, records the outcome.

Several workers may run at once, on several machines. A row is claimed by a
conditional UPDATE (status queued -> sending, with a lease) that only one worker
can win; on PostgreSQL candidates are also picked with FOR UPDATE SKIP LOCKED so
workers do not queue behind each other. Claims are taken a few rows at a time,
and just before each message is sent the worker renews its lease with another
conditional UPDATE, committed first: a worker whose lease ran out while it was
busy with earlier messages finds its claim gone and does not send. A worker that
dies mid-send leaves a lease that expires, after which the row is retried, with
the Message-ID it was given when queued, so the receiver can drop a second copy.
A worker asked to stop (SIGTERM, SIGINT) finishes the message it is sending and
hands the rest of its batch back at once, for another worker to take.
"""
from __future__ import annotations

import logging
import smtplib
import socket
import ssl
import threading
import uuid
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate

from flask import current_app
from sqlalchemy import or_, select, update

from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus
from app.utils.stopping import stop_on_signals
from app.utils.time import utcnow

log = logging.getLogger("kurultai.mail")

def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 30 s, 1 min, 2 min ... capped at 1 hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


class LogBackend:
    """Development: print the message to the log instead of sending it."""

    def send(self, message: OutboxMessage) -> None:
        log.info("MAIL to=%s subject=%s\n%s", message.to_address, message.subject, message.body_text)

    def close(self) -> None:
        pass


class SMTPBackend:
    def __init__(self, config):
        self.config = config
        self._conn: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        if c["MAIL_USE_SSL"]:
            conn = smtplib.SMTP_SSL(c["MAIL_SERVER"], c["MAIL_PORT"], timeout=c["MAIL_TIMEOUT"],
                                    context=ssl.create_default_context())
        else:
            conn = smtplib.SMTP(c["MAIL_SERVER"], c["MAIL_PORT"], timeout=c["MAIL_TIMEOUT"])
            if c["MAIL_USE_TLS"]:
                conn.starttls(context=ssl.create_default_context())
        if c["MAIL_USERNAME"]:
            conn.login(c["MAIL_USERNAME"], c["MAIL_PASSWORD"])
        return conn

    def send(self, message: OutboxMessage) -> None:
        mime = EmailMessage()
        mime["From"] = self.config["MAIL_DEFAULT_SENDER"]
        mime["To"] = message.to_address
        mime["Subject"] = message.subject
        mime["Date"] = formatdate(localtime=False)
        mime["Message-ID"] = message.message_id
        mime.set_content(message.body_text)
        if message.body_html:
            mime.add_alternative(message.body_html, subtype="html")
        # After the content: setting it clears every Content-* header set before.
        mime["Content-Language"] = message.locale
        if self._conn is None:
            self._conn = self._connect()
        try:
            self._conn.send_message(mime)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()
            raise

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._conn = None


def make_backend(config):
    return SMTPBackend(config) if config.get("MAIL_SERVER") else LogBackend()


def lease() -> timedelta:
    return timedelta(seconds=current_app.config["MAIL_LEASE_SECONDS"])


def claim_batch(worker_id: str, limit: int | None = None) -> list[int]:
    """Claim up to `limit` (MAIL_CLAIM_BATCH) due messages for this worker; returns their
    ids (committed). Batches are small so that no message waits long under a claim."""
    limit = limit or current_app.config["MAIL_CLAIM_BATCH"]
    now = utcnow()
    due = or_(
        (OutboxMessage.status == OutboxStatus.queued) & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == OutboxStatus.sending) & (OutboxMessage.locked_until < now),
    )
    stmt = select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(limit)
    if db.engine.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    candidates = list(db.session.scalars(stmt))
    claimed = []
    for message_id in candidates:
        result = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, due)
            .values(status=OutboxStatus.sending, locked_by=worker_id, locked_until=now + lease())
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    db.session.commit()
    return claimed


def _held_by(message_id: int, worker_id: str):
    """The condition that this worker still holds its claim on the message."""
    return ((OutboxMessage.id == message_id) & (OutboxMessage.locked_by == worker_id)
            & (OutboxMessage.status == OutboxStatus.sending))


def renew_claim(message_id: int, worker_id: str) -> bool:
    """Just before sending: extend this worker's lease and count the attempt, in one
    conditional UPDATE committed at once. False when the lease ran out (another worker
    may have claimed the message since): then this worker must not send it."""
    now = utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(_held_by(message_id, worker_id), OutboxMessage.locked_until >= now)
        .values(locked_until=now + lease(), attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def _record(message_id: int, worker_id: str, **values) -> bool:
    """Write the outcome of a send and release the claim, if this worker still holds it."""
    result = db.session.execute(
        update(OutboxMessage).where(_held_by(message_id, worker_id))
        .values(locked_by="", locked_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def release_claims(message_ids: list[int], worker_id: str) -> int:
    """Hand claimed messages this worker will not send back to the queue, due now."""
    if not message_ids:
        return 0
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids), OutboxMessage.locked_by == worker_id,
               OutboxMessage.status == OutboxStatus.sending)
        .values(status=OutboxStatus.queued, locked_by="", locked_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount


def deliver_message(message_id: int, backend, worker_id: str) -> str | None:
    """Send one claimed message; returns "sent", "retry", "failed", or None when the claim
    was lost before sending (nothing sent)."""
    if not renew_claim(message_id, worker_id):
        log.info("mail %s: lease ran out before sending; left to the next claim", message_id)
        return None
    message = db.session.get(OutboxMessage, message_id)
    try:
        backend.send(message)
    except (smtplib.SMTPException, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
        permanent = isinstance(exc, smtplib.SMTPRecipientsRefused)
        if permanent or message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
            outcome, values = "failed", {"status": OutboxStatus.failed}
        else:
            outcome, values = "retry", {"status": OutboxStatus.queued,
                                        "next_attempt_at": utcnow() + backoff(message.attempts)}
        log.warning("mail %s to %s not sent (attempt %s): %s", message.id, message.to_address,
                    message.attempts, error)
        values["last_error"] = error
    else:
        outcome, values = "sent", {"status": OutboxStatus.sent, "sent_at": utcnow(), "last_error": ""}
    if not _record(message_id, worker_id, **values):
        # Only when one send outlasted MAIL_LEASE_SECONDS: the lease must be longer.
        log.error("mail %s: the lease ran out while sending; raise MAIL_LEASE_SECONDS", message_id)
    return outcome


def deliver_once(backend=None, worker_id: str | None = None, limit: int = 50,
                 stop: threading.Event | None = None) -> dict:
    """One pass: claim due messages a small batch at a time and try each once, up to
    `limit` messages. Returns counts. When `stop` is set, the message being sent is
    finished and the rest of the batch is released."""
    backend = backend or make_backend(current_app.config)
    worker_id = worker_id or f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"
    counts = {"sent": 0, "retry": 0, "failed": 0, "released": 0}
    tried = 0
    try:
        while tried < limit and not (stop and stop.is_set()):
            batch = claim_batch(worker_id, min(current_app.config["MAIL_CLAIM_BATCH"], limit - tried))
            if not batch:
                break
            for position, message_id in enumerate(batch):
                if stop is not None and stop.is_set():
                    counts["released"] += release_claims(batch[position:], worker_id)
                    break
                tried += 1
                outcome = deliver_message(message_id, backend, worker_id)
                if outcome is not None:
                    counts[outcome] += 1
    finally:
        backend.close()
    return counts


def run_forever(interval: float = 5.0, stop: threading.Event | None = None) -> None:
    """Deliver until stopped (SIGTERM or SIGINT when `stop` is not given)."""
    stop = stop if stop is not None else stop_on_signals("mail worker")
    worker_id = f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"
    log.info("mail worker %s started", worker_id)
    while not stop.is_set():
        try:
            counts = deliver_once(worker_id=worker_id, stop=stop)
        except Exception:  # keep the worker alive through database hiccups
            db.session.rollback()
            log.exception("mail worker pass failed")
            counts = {"sent": 0}
        if not counts["sent"]:
            stop.wait(interval)
    log.info("mail worker %s stopped", worker_id)
