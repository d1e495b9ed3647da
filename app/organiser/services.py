"""Figures for the organiser dashboard."""
from __future__ import annotations

from sqlalchemy import func, select

from app.events.models import Event, EventRole
from app.extensions import db

# Domains add (key, label, callable(event) -> int) here as they arrive. A callable may
# instead return a list of (key, label, int): several figures from one grouped query.
DASHBOARD_FIGURES: list = []


def dashboard_counts(event: Event) -> list[tuple[str, str, int]]:
    """(key, label, value) figures for `event`, each a single aggregate query."""
    team_size = db.session.scalar(
        select(func.count(func.distinct(EventRole.user_id))).where(EventRole.event_id == event.id)) or 0
    from flask_babel import lazy_gettext as _l

    figures = [("team", str(_l("Team members")), team_size)]
    for key, label, fn in DASHBOARD_FIGURES:
        value = fn(event)
        if isinstance(value, list):
            figures.extend((k, str(lbl), v) for k, lbl, v in value)
        else:
            figures.append((key, str(label), value))
    return figures
