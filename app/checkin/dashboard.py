"""On-site figures for the organiser dashboards, one aggregate query each."""
from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import func, select

from app.checkin.models import CheckIn, LetterState, VisaLetter
from app.checkin.services.desk import VENUE, desk_sessions, event_today
from app.extensions import db
from app.registration.models import Registration, RegistrationState
from app.utils.db import local_hour_sql


def _hour(event):
    return local_hour_sql(CheckIn.checked_in_at, event.timezone,
                          datetime.combine(event.start_date, time(12), tzinfo=UTC))


def venue_checkins_per_hour(event) -> list[tuple[date, int, int]]:
    """(day, hour, people admitted at the entrance) over the whole event."""
    hour = _hour(event)
    return [tuple(row) for row in db.session.execute(
        select(CheckIn.day, hour, func.count(CheckIn.id))
        .where(CheckIn.event_id == event.id, CheckIn.scope == VENUE)
        .group_by(CheckIn.day, hour).order_by(CheckIn.day, hour)).all()]


def today(event) -> date:
    return event_today(event)


def admissions_per_hour(event, day: date) -> list[tuple[int, int]]:
    """(hour, admissions at any door) on `day`."""
    hour = _hour(event)
    return [tuple(row) for row in db.session.execute(
        select(hour, func.count(CheckIn.id)).where(CheckIn.event_id == event.id, CheckIn.day == day)
        .group_by(hour).order_by(hour)).all()]


def admissions_per_door(event, day: date) -> list[tuple[str | None, int]]:
    """(door, admissions) on `day`: None for the venue's entrance, else the session's title."""
    counts = db.session.execute(
        select(CheckIn.scope, func.count(CheckIn.id)).where(CheckIn.event_id == event.id, CheckIn.day == day)
        .group_by(CheckIn.scope)).all()
    titles = {f"s{s.id}": s.title for s in desk_sessions(event)} if any(s != VENUE for s, _n in counts) else {}
    return [(None if scope == VENUE else titles.get(scope, scope), n) for scope, n in counts]


def letters_to_issue(event) -> int:
    """Approved delegates who asked for a visa-support letter and have none issued."""
    issued = select(VisaLetter.registration_id).where(VisaLetter.event_id == event.id,
                                                      VisaLetter.state == LetterState.issued)
    return db.session.scalar(select(func.count(Registration.id)).where(
        Registration.event_id == event.id, Registration.state == RegistrationState.approved,
        Registration.visa_letter_needed.is_(True), Registration.id.not_in(issued))) or 0


def session_checkins(event) -> dict[int, int]:
    """{session id: people checked in at its door} over the whole event."""
    return {session_id: n for session_id, n in db.session.execute(
        select(CheckIn.session_id, func.count(func.distinct(CheckIn.registration_id)))
        .where(CheckIn.event_id == event.id, CheckIn.session_id.is_not(None))
        .group_by(CheckIn.session_id))}
