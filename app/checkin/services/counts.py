"""The desk's live counts: checked in today (at the entrance, or into one session)
against approved, per category.

Every desk shows them after every scan (the page without JavaScript) or polls them,
and counting 80,000 approved delegates and the day's check-ins by category takes
tens of milliseconds: each worker keeps the figures it counted for
`CHECKIN_COUNTS_SECONDS` (2 by default; 0 counts every time). A check-in made through
this worker is added to its figures at once, so a desk sees its own scan; one made
through another worker or an offline desk shows at the next count.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from app.checkin.models import CheckIn
from app.extensions import db
from app.registration.models import Category, Registration, RegistrationState as RS
from app.utils.time import utcnow


@dataclass
class _Figures:
    until: datetime
    # (category id, name) in the desk's order, and per category id [checked in, approved]
    categories: list[tuple[int, str]]
    counts: dict[int, list[int]] = field(default_factory=dict)


_kept: dict[tuple[int, str, date], _Figures] = {}
_lock = threading.Lock()


def _count(event, scope: str, today: date, until: datetime) -> _Figures:
    """The figures from the database: three grouped queries."""
    approved = dict(db.session.execute(
        select(Registration.category_id, func.count(Registration.id))
        .where(Registration.event_id == event.id, Registration.state == RS.approved)
        .group_by(Registration.category_id)).tuples().all())
    checked = dict(db.session.execute(
        select(Registration.category_id, func.count(CheckIn.id))
        .join(Registration, Registration.id == CheckIn.registration_id)
        .where(CheckIn.event_id == event.id, CheckIn.scope == scope, CheckIn.day == today)
        .group_by(Registration.category_id)).tuples().all())
    categories = [tuple(row) for row in db.session.execute(
        select(Category.id, Category.name).where(Category.event_id == event.id)
        .order_by(Category.position, Category.id))]
    return _Figures(until, categories, {cid: [checked.get(cid, 0), approved.get(cid, 0)] for cid, _name in categories})


def live_counts(event, *, scope: str, today: date) -> dict:
    """Checked in on `today` at the door `scope` against approved, per category (those
    with anyone in either), as the desk shows them."""
    now, key = utcnow(), (event.id, scope, today)
    with _lock:
        figures = _kept.get(key)
        if figures is not None and figures.until > now:
            rows = [(name, *figures.counts[cid]) for cid, name in figures.categories]
            figures = None
        else:
            rows = None
    if rows is None:
        seconds = current_app.config.get("CHECKIN_COUNTS_SECONDS", 2)
        figures = _count(event, scope, today, now + timedelta(seconds=seconds))
        rows = [(name, *figures.counts[cid]) for cid, name in figures.categories]
        if seconds > 0:
            with _lock:
                for old in [k for k, kept in _kept.items() if kept.until <= now]:
                    del _kept[old]
                _kept[key] = figures
    shown = [{"category": name, "checked_in": checked, "approved": approved}
             for name, checked, approved in rows if checked or approved]
    return {"day": today.isoformat(), "scope": scope, "checked_in": sum(r[1] for r in rows),
            "approved": sum(r[2] for r in rows), "categories": shown}


def count_admission(event, scope: str, today: date, category_id: int) -> None:
    """A check-in this worker has just written: added to its kept figures, if any."""
    with _lock:
        figures = _kept.get((event.id, scope, today))
        if figures is not None:
            if category_id in figures.counts:
                figures.counts[category_id][0] += 1
            else:  # a category made since the count: count again
                del _kept[(event.id, scope, today)]


def forget_counts() -> None:
    """Drop every kept figure (tests start from none)."""
    with _lock:
        _kept.clear()
