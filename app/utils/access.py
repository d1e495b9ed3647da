"""How an endpoint is protected, for the endpoints that need no event: open to
everyone, or to any logged-in user. Event and object rules are `app.policy.requires`.
Every view carries `_access_rule`; a test walks app.url_map and fails on any endpoint
without one."""
from __future__ import annotations

from flask_login import login_required

ROUTE_RULES: dict[str, str] = {}
PUBLIC = "public"
AUTHENTICATED = "authenticated"


def declare(endpoint: str, rule: str) -> None:
    ROUTE_RULES[endpoint] = rule


def public(view):
    """Mark a view as open to everyone (possibly with its own owner checks inside)."""
    view._access_rule = PUBLIC
    return view


def authenticated(view):
    """A logged-in user; the view checks ownership of what it loads."""
    wrapped = login_required(view)
    wrapped._access_rule = AUTHENTICATED
    return wrapped
