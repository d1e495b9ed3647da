"""Figures a domain offers to the organiser dashboards by registering a function,
for domains the dashboards must not depend on (bilateral meetings, for one).

    figures.register("bilaterals.requests_by_state", fn)   # in the domain's wiring

`answer(name, event)` returns what the registered function returns, or None when no
domain registered `name`: the dashboard then shows no figure at all (never a made-up
zero). The names the dashboards ask for:

- "bilaterals.requests_by_state": fn(event) -> [(label, count, href or None), ...]
- "bilaterals.of_day": fn(event, day) -> [(time text, title, place, href or None), ...]
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

_PROVIDERS: dict[str, Callable[..., Any]] = {}


def register(name: str, fn: Callable[..., Any]) -> None:
    _PROVIDERS[name] = fn


def unregister(name: str) -> None:
    _PROVIDERS.pop(name, None)


def answer(name: str, *args) -> Any:
    fn = _PROVIDERS.get(name)
    return None if fn is None else fn(*args)
