"""Figures for the organiser dashboard."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.events.models import Event, EventRole
from app.extensions import db
from app.footprint import dashboard as footprint_dashboard
from app.registration import dashboard as registration_dashboard


def domain_figures() -> tuple:
    """The figures each domain offers, read here (the organiser area sits above the
    domains): (key, label, callable(event) -> int), or a callable returning a list of
    (key, label, int), several figures from one grouped query."""
    return (registration_dashboard.FIGURES, footprint_dashboard.FIGURES)


def dashboard_counts(event: Event) -> list[tuple[str, str, int]]:
    """(key, label, value) figures for `event`, each a single aggregate query."""
    team_size = db.session.scalar(
        select(func.count(func.distinct(EventRole.user_id))).where(EventRole.event_id == event.id)) or 0
    figures = [("team", str(_l("Team members")), team_size)]
    for key, label, fn in (figure for domain in domain_figures() for figure in domain):
        value = fn(event)
        if isinstance(value, list):
            figures.extend((k, str(lbl), v) for k, lbl, v in value)
        else:
            figures.append((key, str(label), value))
    return figures
