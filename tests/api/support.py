"""Helpers of the API tests: tokens and the headers that carry them."""
from __future__ import annotations

from app.api.models import TokenScope
from app.api.services import tokens as token_services
from app.extensions import db


def personal_token(user, event, *, scope: str = "read_write", days: int = 30) -> str:
    _token, secret = token_services.create_personal_token(user, event, name=f"{user.email} token",
                                                          scope=TokenScope(scope), days=days)
    db.session.commit()
    return secret


def service_token(actor, event, actions, *, scope: str = "read", name: str = "Visa portal") -> str:
    _token, secret = token_services.create_service_token(event, name=name, scope=TokenScope(scope), days=30,
                                                         actions=list(actions), actor=actor)
    db.session.commit()
    return secret


def bearer(secret: str, **headers) -> dict:
    return {"Authorization": f"Bearer {secret}", **headers}
