"""What the delegate's registration page shows from domains that build on this one:
the visa-support letter and the badge (on-site work) and the trip's footprint. Each
registers its lookup in its wiring, so registration never imports them."""
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


_footprint_panel: Callable | None = None


def provide_footprint_panel(panel: Callable) -> None:
    """Register `panel(registration, viewer) -> markup or None`: what the registration
    page shows of the trip's footprint (registered by the footprint's wiring)."""
    global _footprint_panel
    _footprint_panel = panel


def footprint_panel(registration, viewer):
    """The footprint section of a registration page; None when nothing is registered."""
    return _footprint_panel(registration, viewer) if _footprint_panel is not None else None
