"""Figures of the organiser area that belong to no domain."""
from __future__ import annotations

from sqlalchemy import func, select

from app.events.models import Event, EventRole
from app.extensions import db


def team_size(event: Event) -> int:
    """People with at least one organiser role in `event` (one person with two roles counts once)."""
    return db.session.scalar(
        select(func.count(func.distinct(EventRole.user_id))).where(EventRole.event_id == event.id)) or 0
