"""What the main package plugs into the layers below it, called by the app factory."""
from __future__ import annotations

from app.accounts import landing as account_landing
from app.main.landing import landing_for


def connect(app) -> None:
    account_landing.register(landing_for)
