"""API tokens, idempotency keys, webhooks and their deliveries."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, JSON, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.utils.db import UTCDateTime
from app.utils.time import utcnow


class TokenKind(str, enum.Enum):
    personal = "personal"
    service = "service"


class TokenScope(str, enum.Enum):
    read = "read"
    read_write = "read_write"


class ApiToken(db.Model):
    """A bearer token for the API. It acts as its user, limited to one event, its
    scope and (service tokens) its listed actions. Only the hash of the secret is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TokenKind] = mapped_column(Enum(TokenKind, name="api_token_kind", native_enum=False, length=16))
    name: Mapped[str] = mapped_column(String(120))
    # The user the token acts as: its owner, or for a service token the secretariat
    # member who made it (the token can never do more than that person).
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    scope: Mapped[TokenScope] = mapped_column(Enum(TokenScope, name="api_token_scope", native_enum=False,
                                                   length=16))
    actions: Mapped[list] = mapped_column(JSON, default=list)
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User")
    event = relationship("Event")

    @property
    def writable(self) -> bool:
        return self.scope == TokenScope.read_write

    def is_live(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


class IdempotencyKey(db.Model):
    """The first answer to a POST sent with an Idempotency-Key, replayed for a repeat.
    The unique constraint makes two concurrent first requests safe: one insert wins."""

    __tablename__ = "api_idempotency_keys"
    __table_args__ = (UniqueConstraint("token_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Webhook(db.Model):
    """An address the organisers want told about changes in their event."""

    __tablename__ = "api_webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(128))
    events: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    event = relationship("Event")


class WebhookDelivery(db.Model):
    """One event to send to one webhook, with the outcome of the last attempt."""

    __tablename__ = "api_webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("api_webhooks.id", ondelete="CASCADE"), index=True)
    event_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    response_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    webhook = relationship("Webhook")
