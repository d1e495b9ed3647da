from __future__ import annotations

import enum
import uuid
from datetime import datetime
from email.utils import parseaddr

from flask import current_app, has_app_context
from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.utils.db import UTCDateTime
from app.utils.time import utcnow


class OutboxStatus(str, enum.Enum):
    queued = "queued"
    sending = "sending"
    sent = "sent"
    failed = "failed"


def message_id_domain() -> str:
    """The domain of the Message-IDs: the sender's (in ASCII), else kurultai.local."""
    domain = "kurultai.local"
    if has_app_context():
        sender = parseaddr(current_app.config.get("MAIL_DEFAULT_SENDER") or "")[1]
        domain = sender.rpartition("@")[2] or domain
    try:
        return domain.encode("idna").decode("ascii")  # headers are ASCII: саммит.kz -> xn--80aqlawk.kz
    except UnicodeError:
        return "kurultai.local"


def new_message_id(domain: str | None = None) -> str:
    """A Message-ID in the sender's domain. It is fixed when the message is queued, so every
    delivery attempt carries the same one and a receiver can drop a second copy. `domain`:
    `message_id_domain()` read once for many messages."""
    domain = domain or message_id_domain()
    return f"<{uuid.uuid4().hex}@{domain}>"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True, default=new_message_id)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    template: Mapped[str] = mapped_column(String(100), default="", index=True)
    locale: Mapped[str] = mapped_column(String(8), default="en")
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[OutboxStatus] = mapped_column(
        Enum(OutboxStatus, native_enum=False, length=10), default=OutboxStatus.queued)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_by: Mapped[str] = mapped_column(String(64), default="")
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
