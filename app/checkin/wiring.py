"""How on-site work serves other domains: connected once by the app factory."""
from __future__ import annotations

from app.checkin.services import current_letter
from app.personal import providers


def connect(app) -> None:
    """The personal agenda page offers the delegate's visa-support letter."""
    providers.provide_letter(current_letter)
