"""Speaker conflicts: someone due in two sessions at once, or on a day outside
the dates they said they are available.

The agenda's conflict list (its conflicts page and the session editor) calls
`availability_conflicts`; the agenda finds double-booked speakers itself. The
speakers pages use `speaker_conflicts`, which names the people in both kinds.
Each reads what it needs in one query.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, select

from app.accounts.labels import formal_name
from app.accounts.models import User
from app.agenda.models import AgendaSession
from app.agenda.services import WARNING, Conflict
from app.extensions import db
from app.speakers.models import BUSY_STATES, SpeakerAssignment, SpeakerProfile
from app.utils.formatting import local_date
from app.utils.time import to_zone


@dataclass(frozen=True)
class _Due:
    session_id: int
    user_id: int
    name: str
    available_from: date | None
    available_until: date | None


def _name(honorific: str, given: str, family: str, email: str) -> str:
    return formal_name(honorific, given, family) or email


def _due(session_ids: list[int]) -> list[_Due]:
    """Who is due (invited or confirmed) in which session, with their availability."""
    if not session_ids:
        return []
    rows = db.session.execute(
        select(SpeakerAssignment.session_id, SpeakerAssignment.user_id, User.honorific, User.given_name,
               User.family_name, User.email, SpeakerProfile.available_from, SpeakerProfile.available_until)
        .join(User, User.id == SpeakerAssignment.user_id)
        .outerjoin(SpeakerProfile, and_(SpeakerProfile.user_id == SpeakerAssignment.user_id,
                                        SpeakerProfile.event_id == SpeakerAssignment.event_id))
        .where(SpeakerAssignment.session_id.in_(session_ids), SpeakerAssignment.state.in_(BUSY_STATES)))
    return [_Due(sid, uid, _name(h, g, f, e), a_from, a_until) for sid, uid, h, g, f, e, a_from, a_until in rows]


def _outside(due: _Due, session: AgendaSession, zone: str) -> bool:
    first = to_zone(session.starts_at, zone).date()
    last = to_zone(session.ends_at, zone).date()
    if due.available_from and first < due.available_from:
        return True
    return bool(due.available_until and last > due.available_until)


def _availability(dues: list[_Due], by_id: dict[int, AgendaSession], event) -> list[Conflict]:
    found = []
    for due in dues:
        session = by_id.get(due.session_id)
        if session is None or not (due.available_from or due.available_until):
            continue
        if _outside(due, session, event.timezone):
            found.append(Conflict("availability", WARNING, (session.id,), _(
                "%(name)s is available from %(start)s to %(end)s, but “%(title)s” is on %(day)s.", name=due.name,
                start=local_date(due.available_from, "medium") if due.available_from else "…",
                end=local_date(due.available_until, "medium") if due.available_until else "…", title=session.title,
                day=local_date(to_zone(session.starts_at, event.timezone).date(), "medium"))))
    return found


def availability_conflicts(sessions: list[AgendaSession], event) -> list[Conflict]:
    """Sessions whose speakers said they are not available that day (warnings)."""
    by_id = {s.id: s for s in sessions}
    return _availability(_due(list(by_id)), by_id, event)


def speaker_conflicts(sessions: list[AgendaSession], event) -> list[Conflict]:
    """Both kinds of speaker conflict, naming the speaker: double bookings and availability."""
    by_id = {s.id: s for s in sessions}
    dues = _due(list(by_id))
    per_user: dict[int, list[tuple[AgendaSession, str]]] = defaultdict(list)
    for due in dues:
        if due.session_id in by_id:
            per_user[due.user_id].append((by_id[due.session_id], due.name))
    found = []
    for held in per_user.values():
        held.sort(key=lambda pair: (pair[0].starts_at, pair[0].id))
        for i, (a, name) in enumerate(held):
            for b, _name_b in held[i + 1:]:
                if b.starts_at >= a.ends_at:
                    break
                found.append(Conflict("speaker", WARNING, (a.id, b.id), _(
                    "%(name)s is due in “%(a)s” and “%(b)s” at the same time.", name=name, a=a.title, b=b.title)))
    return found + _availability(dues, by_id, event)
