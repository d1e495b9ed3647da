"""Asking for a bilateral and answering: request, accept a slot, propose other windows,
decline, withdraw. Whose turn it is follows from the state: a request waits for the
counterpart, a proposal of other windows waits for the requester.

Every step is audited and emailed to both sides (people.tell)."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit.services import record
from app.bilaterals.models import OPEN, Bilateral, BilateralState as S, Layout, Level
from app.bilaterals.services import slots
from app.bilaterals.services.people import BilateralRefusal, acts_for, set_attendees, tell
from app.bilaterals.services.queries import refresh_public_agenda, shown_publicly
from app.extensions import db
from app.registration.models import Delegation
from app.utils.time import as_utc, local_to_utc, utcnow

MAX_WINDOWS = 10
MAX_SIDE = 40  # people per side: larger meetings are not bilaterals
LANGUAGE_CODES = ("en", "ru", "kk", "zh", "fr", "ar", "es", "de", "tr", "ur", "uz", "ky", "tg", "tk", "fa")


def check_windows(event, windows: list[tuple[datetime, datetime]], *, field: str = "window1_start") -> list[dict]:
    """Windows as stored (UTC ISO), refused with a clear message when one is in the past,
    outside the event's days, ends before it starts, or there are none or too many."""
    if not windows:
        raise BilateralRefusal(_l("Give at least one window when you could meet."), field)
    if len(windows) > MAX_WINDOWS:
        raise BilateralRefusal(_l("Give at most %(n)d windows.", n=MAX_WINDOWS), field)
    first = local_to_utc(event.start_date, datetime.min.time(), event.timezone)
    last = local_to_utc(event.end_date + timedelta(days=1), datetime.min.time(), event.timezone)
    now = utcnow()
    stored = []
    for start, end in windows:
        start, end = as_utc(start), as_utc(end)
        if end <= start:
            raise BilateralRefusal(_l("A window must end after it starts."), field)
        if start < now:
            raise BilateralRefusal(_l("A window cannot start in the past."), field)
        if start < first or end > last:
            raise BilateralRefusal(_l("A window must lie within the days of the event."), field)
        stored.append({"starts_at": start.isoformat(), "ends_at": end.isoformat()})
    return stored


def windows_of(bilateral: Bilateral) -> list[tuple[datetime, datetime]]:
    return [(datetime.fromisoformat(w["starts_at"]), datetime.fromisoformat(w["ends_at"]))
            for w in bilateral.windows or []]


def _check_details(event, data: dict) -> None:
    for key in ("requester_size", "counterpart_size"):
        size = data.get(key)
        if not isinstance(size, int) or not 1 <= size <= MAX_SIDE:
            raise BilateralRefusal(_l("Between 1 and %(n)d people per side.", n=MAX_SIDE), key)
    rules = slots.rules_of(event)
    minutes = data.get("minutes")
    if not isinstance(minutes, int) or not 15 <= minutes <= rules.longest_minutes:
        raise BilateralRefusal(_l("A meeting lasts from 15 to %(n)d minutes.", n=rules.longest_minutes), "minutes")
    if any(code not in LANGUAGE_CODES for code in data.get("languages", [])):
        raise BilateralRefusal(_l("Choose languages from the list."), "languages")
    for pair in data.get("interpretation", []):
        parts = pair.split("-")
        if len(parts) != 2 or parts[0] == parts[1] or any(p not in LANGUAGE_CODES for p in parts):
            raise BilateralRefusal(_l("Write each language pair as two codes, e.g. en-ru."), "interpretation")


REQUEST_FIELDS = ("level", "topic", "minutes", "requester_size", "counterpart_size", "languages",
                  "interpretation", "layout", "equipment", "contact_name", "contact_email")


def request_bilateral(event, requester: Delegation, counterpart: Delegation, data: dict, *, actor,
                      attendees: list[int] = ()) -> Bilateral:
    """`requester` asks `counterpart` for a meeting in the given windows."""
    if requester.event_id != event.id:
        raise BilateralRefusal(_l("Choose your delegation."), "requester_id")
    if counterpart is None or counterpart.event_id != event.id or counterpart.id == requester.id:
        raise BilateralRefusal(_l("Choose another delegation of this event."), "counterpart_id")
    _check_details(event, data)
    windows = check_windows(event, data.get("windows", []))
    bilateral = Bilateral(event=event, requester_id=requester.id, counterpart_id=counterpart.id,
                          state=S.requested, windows=windows, created_by_id=getattr(actor, "id", None),
                          level=Level(data["level"]), layout=Layout(data["layout"]),
                          **{k: data[k] for k in REQUEST_FIELDS if k not in ("level", "layout") and k in data})
    bilateral.requester, bilateral.counterpart = requester, counterpart
    db.session.add(bilateral)
    db.session.flush()
    set_attendees(bilateral, requester, list(attendees), actor=actor)
    set_attendees(bilateral, counterpart, [], actor=actor)
    record(actor=actor, action="bilateral.requested", obj=bilateral, event=event,
           summary=f"{requester.name} → {counterpart.name}")
    tell(bilateral, "requested")
    return bilateral


def turn_of(bilateral: Bilateral) -> int | None:
    """The delegation id whose answer is awaited (None when nobody's is)."""
    if bilateral.state == S.requested:
        return bilateral.counterpart_id
    if bilateral.state == S.proposed:
        return bilateral.requester_id
    return None


def may_answer(user, bilateral: Bilateral, *, manager: bool) -> bool:
    side = turn_of(bilateral)
    return side is not None and (manager or acts_for(user, side))


def _answering(bilateral: Bilateral, actor, manager: bool) -> None:
    if not may_answer(actor, bilateral, manager=manager):
        raise BilateralRefusal(_l("This request is not waiting for your answer."))


def people_of(bilateral: Bilateral, delegation_id: int) -> set[int]:
    return {a.user_id for a in bilateral.attendees if a.delegation_id == delegation_id}


def suggestions(bilateral: Bilateral, *, limit: int = 5, calendar=None) -> list[slots.Slot]:
    """The earliest slots that fit both sides within the windows of the last proposal."""
    calendar = calendar or slots.load_calendar(bilateral.event)
    return slots.suggest(calendar, requester_id=bilateral.requester_id, counterpart_id=bilateral.counterpart_id,
                         requester_people=people_of(bilateral, bilateral.requester_id),
                         counterpart_people=people_of(bilateral, bilateral.counterpart_id),
                         minutes=bilateral.minutes, seats=bilateral.requester_size + bilateral.counterpart_size,
                         layout=bilateral.layout, windows=windows_of(bilateral), limit=limit,
                         exclude=bilateral.id)


def accept(bilateral: Bilateral, starts_at: datetime, *, actor, manager: bool = False) -> None:
    """The side whose turn it is takes one of the suggested slots (checked again now)."""
    _answering(bilateral, actor, manager)
    starts_at = as_utc(starts_at)
    offered = {s.starts_at: s for s in suggestions(bilateral, limit=500)}
    if starts_at not in offered:
        raise BilateralRefusal(_l("This time is no longer free for both sides: choose another."), "starts_at")
    slot = offered[starts_at]
    bilateral.starts_at, bilateral.ends_at = slot.starts_at, slot.ends_at
    bilateral.state = S.accepted
    db.session.flush()
    record(actor=actor, action="bilateral.accepted", obj=bilateral, event=bilateral.event,
           summary=slot.starts_at.isoformat())
    tell(bilateral, "accepted")


def propose(bilateral: Bilateral, windows: list[tuple[datetime, datetime]], *, actor, manager: bool = False) -> None:
    """The side whose turn it is proposes other windows; the other side answers next."""
    _answering(bilateral, actor, manager)
    bilateral.windows = check_windows(bilateral.event, windows)
    bilateral.state = S.proposed if bilateral.state == S.requested else S.requested
    db.session.flush()
    record(actor=actor, action="bilateral.proposed", obj=bilateral, event=bilateral.event,
           summary=f"{len(windows)}")
    tell(bilateral, "proposed")


def decline(bilateral: Bilateral, *, actor, manager: bool = False) -> None:
    _answering(bilateral, actor, manager)
    bilateral.state = S.declined
    db.session.flush()
    record(actor=actor, action="bilateral.declined", obj=bilateral, event=bilateral.event)
    tell(bilateral, "declined")


def withdraw(bilateral: Bilateral, *, actor) -> None:
    """Either side calls off a meeting that is not over; its room and time are freed."""
    if bilateral.state not in OPEN:
        raise BilateralRefusal(_l("This meeting is already closed."))
    had_time = bilateral.starts_at is not None
    was_shown = shown_publicly(bilateral)
    bilateral.state = S.withdrawn
    bilateral.room_id = None
    if had_time:
        bilateral.sequence += 1
    db.session.flush()
    record(actor=actor, action="bilateral.withdrawn", obj=bilateral, event=bilateral.event)
    refresh_public_agenda(bilateral, was_shown)
    tell(bilateral, "withdrawn", protocol=had_time)


def set_announce(bilateral: Bilateral, delegation_id: int, announce: bool, *, actor) -> None:
    """One side agrees (or no longer agrees) to show "Meeting: A – B" on the public agenda."""
    was_shown = shown_publicly(bilateral)
    if delegation_id == bilateral.requester_id:
        bilateral.announce_requester = announce
    elif delegation_id == bilateral.counterpart_id:
        bilateral.announce_counterpart = announce
    else:
        raise BilateralRefusal(_l("Only the two delegations decide this."))
    db.session.flush()
    record(actor=actor, action="bilateral.announce", obj=bilateral, event=bilateral.event,
           summary=f"{delegation_id}: {announce}")
    refresh_public_agenda(bilateral, was_shown)


def counterparts(event, requester: Delegation | None) -> list[Delegation]:
    """The event's delegations a request may go to (all of them without a requester)."""
    stmt = select(Delegation).where(Delegation.event_id == event.id)
    if requester is not None:
        stmt = stmt.where(Delegation.id != requester.id)
    return list(db.session.scalars(stmt.order_by(Delegation.name)))
