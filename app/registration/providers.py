"""What the delegate's registration page shows from on-site work, which builds on
this domain: the visa-support letter and the badge. On-site work registers the
lookup in its wiring, so registration never imports it."""
from __future__ import annotations

from collections.abc import Callable

_documents_lookup: Callable | None = None


def provide_documents(lookup: Callable) -> None:
    """Register `lookup(registration) -> (letter or None, badge or None)` (called once
    by the app factory)."""
    global _documents_lookup
    _documents_lookup = lookup


def documents_of(registration):
    """The registration's current visa-support letter and badge; (None, None) when
    nothing is registered."""
    return _documents_lookup(registration) if _documents_lookup is not None else (None, None)
