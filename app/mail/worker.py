"""The mail worker: claims due outbox rows, delivers them, records the outcome.

Several workers may run at once, on several machines. A row is claimed by a
conditional UPDATE (status queued -> sending, with a lease) that only one worker
can win; on PostgreSQL candidates are also picked with FOR UPDATE SKIP LOCKED so
workers do not queue behind each other. A worker that dies mid-send leaves a
lease that expires, after which the row is retried.
"""
from __future__ import annotations

import logging
import smtplib
import socket
import ssl
import time
import uuid
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from sqlalchemy import or_, select, update

from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus
from app.utils.time import utcnow

log = logging.getLogger("kurultai.mail")

LEASE = timedelta(minutes=5)


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
        mime["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}")
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


def claim_batch(worker_id: str, limit: int = 50) -> list[int]:
    """Claim up to `limit` due messages for this worker; returns their ids (committed)."""
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
            .values(status=OutboxStatus.sending, locked_by=worker_id, locked_until=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    db.session.commit()
    return claimed


def deliver_once(backend=None, worker_id: str | None = None, limit: int = 50) -> dict:
    """One pass: claim due messages and try each once. Returns counts."""
    config = current_app.config
    backend = backend or make_backend(config)
    worker_id = worker_id or f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"
    counts = {"sent": 0, "retry": 0, "failed": 0}
    try:
        for message_id in claim_batch(worker_id, limit):
            message = db.session.get(OutboxMessage, message_id)
            if message is None or message.locked_by != worker_id:
                continue
            message.attempts += 1
            try:
                backend.send(message)
            except (smtplib.SMTPException, OSError) as exc:
                message.last_error = f"{type(exc).__name__}: {exc}"[:500]
                message.locked_by = ""
                message.locked_until = None
                permanent = isinstance(exc, smtplib.SMTPRecipientsRefused)
                if permanent or message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
                    message.status = OutboxStatus.failed
                    counts["failed"] += 1
                else:
                    message.status = OutboxStatus.queued
                    message.next_attempt_at = utcnow() + backoff(message.attempts)
                    counts["retry"] += 1
                log.warning("mail %s to %s not sent (attempt %s): %s", message.id,
                            message.to_address, message.attempts, message.last_error)
            else:
                message.status = OutboxStatus.sent
                message.sent_at = utcnow()
                message.locked_by = ""
                message.locked_until = None
                message.last_error = ""
                counts["sent"] += 1
            db.session.commit()
    finally:
        backend.close()
    return counts


def run_forever(interval: float = 5.0) -> None:  # pragma: no cover - a loop around deliver_once
    worker_id = f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"
    log.info("mail worker %s started", worker_id)
    while True:
        try:
            counts = deliver_once(worker_id=worker_id)
        except Exception:  # keep the worker alive through database hiccups
            db.session.rollback()
            log.exception("mail worker pass failed")
            counts = {"sent": 0}
        if not counts["sent"]:
            time.sleep(interval)
