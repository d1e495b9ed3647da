"""What the personal agenda page shows from packages above this domain: the
delegate's visa-support letter (on-site work) and their confirmed bilateral
meetings (bilaterals). Each registers its lookup in its wiring, so the personal
agenda never imports them."""
from __future__ import annotations

from collections.abc import Callable

_letter_lookup: Callable | None = None


def provide_letter(lookup: Callable) -> None:
    """Register `lookup(registration) -> letter or None` (called once by the app factory)."""
    global _letter_lookup
    _letter_lookup = lookup


def letter_of(registration):
    """The registration's current visa-support letter, or None (also when nothing is registered)."""
    return _letter_lookup(registration) if _letter_lookup is not None else None


_bilaterals_lookup: Callable | None = None


def provide_bilaterals(lookup: Callable) -> None:
    """Register `lookup(event, user) -> [entry]`: the user's confirmed bilateral meetings
    (each with uid, title, starts_at, ends_at, room, sequence, cancelled), from the
    bilaterals package above this domain."""
    global _bilaterals_lookup
    _bilaterals_lookup = lookup


def bilaterals_of(event, user) -> list:
    """The user's confirmed bilaterals (none when nothing is registered)."""
    return _bilaterals_lookup(event, user) if _bilaterals_lookup is not None else []
