"""The app's serialising locks, taken through a strategy the app holds.

A function decorated with `@serialising("places")` takes row locks that keep two
transactions from handing out the same limited place. It runs unless the app's
`Locks` strategy leaves that lock out, which only a test does: its control run
leaves a lock out to prove it can see the race the lock prevents.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import ParamSpec

from flask import Flask, current_app

P = ParamSpec("P")

EXTENSION = "kurultai.locks"


class Locks:
    """Which serialising locks are taken: all of them, except the ones named in `leave_out`."""

    def __init__(self, leave_out: Iterable[str] = ()) -> None:
        self.leave_out = frozenset(leave_out)

    def takes(self, name: str) -> bool:
        return name not in self.leave_out


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = Locks()


def serialising(name: str) -> Callable[[Callable[P, None]], Callable[P, None]]:
    """Run the decorated lock-taking function unless the app's strategy leaves `name` out."""

    def decorate(take: Callable[P, None]) -> Callable[P, None]:
        @wraps(take)
        def maybe_take(*args: P.args, **kwargs: P.kwargs) -> None:
            if current_app.extensions[EXTENSION].takes(name):
                take(*args, **kwargs)

        return maybe_take

    return decorate
