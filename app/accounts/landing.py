"""Where a person lands after logging in (app/main/landing.py decides it).

The login page lives here, below the domains that know where a person works, so the
decision is registered from above (app/main/wiring.py) rather than imported.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Landing:
    endpoint: str
    values: dict = field(default_factory=dict)


_decide: Callable[..., Landing] | None = None


def register(decide: Callable[..., Landing]) -> None:
    """Set the function choosing where a user lands: decide(user, *, today=None) -> Landing."""
    global _decide
    _decide = decide


def landing_for(user, *, today: date | None = None) -> Landing:
    """Where `user` works; the home page until something is registered."""
    if _decide is None:
        return Landing("main.index")
    return _decide(user, today=today)
