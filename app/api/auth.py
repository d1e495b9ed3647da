"""Who is calling: the bearer token, its rate limits, and the one scope check.

A token acts as its user. What it may do is what `app.policy.can` allows that user,
narrowed by the token: its one event, read or read-write, and (service tokens) its
listed actions. `authorise` is the only place that narrowing is decided.
"""
from __future__ import annotations

import time
from functools import wraps

from flask import current_app, g, request
from limits import parse_many

from app import policy
from app.api.services import tokens as token_services
from app.api.errors import ApiError
from app.events.models import Event
from app.extensions import client_ip, limiter
from app.utils.time import utcnow

TOKEN = "api_token"
# Object rules refine an event action: a service token needs that action listed.
SERVICE_BASE_ACTION = {"agenda.edit_session": "agenda.edit", "agenda.edit_structure": "agenda.publish",
                       "speaker.manage_session": "speaker.manage"}


def current_token():
    return g.get(TOKEN)


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if not header:
        return None
    if scheme.lower() != "bearer" or not value.strip():
        raise ApiError(401)
    return value.strip()


def identify() -> None:
    """Before every request under /api/: find the token (a wrong, expired or revoked
    one is a 401 at once, even on public resources) and count the request."""
    secret = _bearer()
    if secret is not None:
        token = token_services.find_live_token(secret, utcnow())
        if token is None or not token.user.is_active:
            raise ApiError(401)
        g.api_token = token
    _count()


def _count() -> None:
    """Rate limits per token, and per address for everyone (RateLimit-* headers)."""
    if not limiter.enabled:
        return
    token = current_token()
    config = current_app.config
    checks = [(config["API_RATE_LIMIT_ADDRESS"], "address", client_ip())]
    if token is not None:
        checks.insert(0, (config["API_RATE_LIMIT_TOKEN"], "token", str(token.id)))
    strategy = limiter.limiter
    shown = None
    for text, kind, key in checks:
        for item in parse_many(text):
            allowed = strategy.hit(item, "api", kind, key)
            stats = strategy.get_window_stats(item, "api", kind, key)
            reset = max(0, int(stats.reset_time - time.time()))
            if not allowed:
                raise ApiError(429, headers={"Retry-After": str(max(1, reset)), "RateLimit-Limit": str(item.amount),
                                             "RateLimit-Remaining": "0", "RateLimit-Reset": str(max(1, reset))})
            if shown is None or stats.remaining < shown[1]:
                shown = (item.amount, stats.remaining, reset)
    g.api_rate = shown


def rate_headers(response):
    shown = g.get("api_rate")
    if shown is not None and "RateLimit-Limit" not in response.headers:
        response.headers["RateLimit-Limit"] = str(shown[0])
        response.headers["RateLimit-Remaining"] = str(shown[1])
        response.headers["RateLimit-Reset"] = str(shown[2])
    return response


def token_required(view):
    """The view needs a token; what it may do is then asked of `authorise`."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_token() is None:
            raise ApiError(401)
        return view(*args, **kwargs)

    wrapper._access_rule = policy.AUTHENTICATED
    return wrapper


def refuse_anonymous(view) -> None:
    """Before anything of the request is read: a call without a token to an endpoint that
    needs one is a 401, whatever its body or query (not a 422 about input it may not send)."""
    if view is not None and getattr(view, "_access_rule", None) is policy.AUTHENTICATED and current_token() is None:
        raise ApiError(401)


def public(view):
    """Open to everyone, token or not; answered with `Access-Control-Allow-Origin: *`."""
    view._access_rule = policy.PUBLIC
    view._api_cors = True
    return view


def event_of(target) -> Event | None:
    return target if isinstance(target, Event) else getattr(target, "event", None)


def allows(token, action: str, target, *, write: bool = False) -> bool:
    """May `token` do `action` on `target`: the token's own limits, then the same
    `policy.can` the pages ask for its user."""
    if token is None or not token.is_live(utcnow()):
        return False
    event = event_of(target)
    if event is None or event.id != token.event_id:
        return False
    if write and not token.writable:
        return False
    if (token.kind == token_services.TokenKind.service
            and SERVICE_BASE_ACTION.get(action, action) not in (token.actions or [])):
        return False
    return policy.can(token.user, action, target)


def authorise(action: str, target, *, write: bool = False) -> None:
    """Refuse with 403 unless the calling token may do `action` on `target`."""
    token = current_token()
    if token is None:
        raise ApiError(401)
    if not allows(token, action, target, write=write):
        current_app.logger.warning("api authorisation refused: token=%s action=%s path=%s", token.id, action,
                                   request.path)
        raise ApiError(403)


def may(action: str, target) -> bool:
    """For optional parts of an answer (e.g. passport fields): no error, just yes or no."""
    return allows(current_token(), action, target)
