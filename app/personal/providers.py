"""What the personal agenda page shows from on-site work, which sits above this
domain: the delegate's visa-support letter. On-site work registers the lookup in
its wiring, so the personal agenda never imports it."""
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
