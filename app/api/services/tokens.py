"""Personal and service tokens: made, shown once, stored hashed, revoked, audited."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app import policy
from app.api.models import ApiToken, TokenKind, TokenScope
from app.audit.services import record
from app.extensions import db
from app.utils.refusals import Refusal
from app.utils.time import utcnow

PREFIX = "kt_"
MAX_DAYS = 366
# What a service token may be allowed: the event actions of app.policy.
SERVICE_ACTIONS = tuple(sorted(policy.EVENT_ACTIONS))


class TokenRefusal(Refusal):
    pass


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def find_live_token(secret: str, now: datetime) -> ApiToken | None:
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))
    if token is None or not token.is_live(now):
        return None
    return token


def _expiry(days: int) -> datetime:
    if not 1 <= days <= MAX_DAYS:
        raise TokenRefusal(_("Choose between 1 and %(days)s days.", days=MAX_DAYS), field="days")
    return utcnow() + timedelta(days=days)


def _make(*, kind: TokenKind, name: str, user, event, scope: TokenScope, days: int, actions: list[str],
          actor) -> tuple[ApiToken, str]:
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(kind=kind, name=name.strip()[:120], user_id=user.id, event_id=event.id, scope=scope,
                     actions=sorted(set(actions)), prefix=secret[:10], token_hash=hash_secret(secret),
                     expires_at=_expiry(days))
    db.session.add(token)
    db.session.flush()
    record(actor=actor, action=f"api_token.{kind.value}.create", obj=token, event=event,
           summary=f"{token.name} ({scope.value})")
    return token, secret


def create_personal_token(user, event, *, name: str, scope: TokenScope, days: int) -> tuple[ApiToken, str]:
    """A token acting as `user` in `event`. Returns it and its secret (shown once)."""
    return _make(kind=TokenKind.personal, name=name, user=user, event=event, scope=scope, days=days, actions=[],
                 actor=user)


def create_service_token(event, *, name: str, scope: TokenScope, days: int, actions: list[str],
                         actor) -> tuple[ApiToken, str]:
    """A token for an integration, limited to `actions`, acting with the rights of
    the organiser who makes it."""
    unknown = [a for a in actions if a not in SERVICE_ACTIONS]
    if unknown or not actions:
        raise TokenRefusal(_("Choose at least one of the listed actions."), field="actions")
    return _make(kind=TokenKind.service, name=name, user=actor, event=event, scope=scope, days=days,
                 actions=actions, actor=actor)


def revoke_token(token: ApiToken, *, actor) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        record(actor=actor, action=f"api_token.{token.kind.value}.revoke", obj=token, event=token.event,
               summary=token.name)


def personal_tokens(user) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                          ApiToken.kind == TokenKind.personal)
                                    .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def service_tokens(event) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.event_id == event.id,
                                                          ApiToken.kind == TokenKind.service)
                                    .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def record_call(token: ApiToken, *, method: str, path: str, status: int) -> None:
    """Every call made with a token is in the audit log, under the token's name."""
    token.last_used_at = utcnow()
    record(actor=token.user, action="api.call", event=token.event, object_type="ApiToken", object_id=token.id,
           summary=f"{token.name}: {method} {path} -> {status}")
