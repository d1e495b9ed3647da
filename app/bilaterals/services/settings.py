"""Protocol's settings: which rooms host bilaterals (seats, layout) and the event's rules."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.agenda.models import Room
from app.audit.services import audited_update, record
from app.bilaterals.models import BilateralRoom, BilateralRules, Layout
from app.bilaterals.services.people import BilateralRefusal
from app.extensions import db

RULE_FIELDS = ("longest_minutes", "changeover_minutes", "opens_at", "closes_at", "day_hours", "daily_cap")


def bilateral_rooms(event, *, active_only: bool = False) -> list[BilateralRoom]:
    stmt = select(BilateralRoom).options(joinedload(BilateralRoom.room)).where(BilateralRoom.event_id == event.id)
    if active_only:
        stmt = stmt.where(BilateralRoom.active.is_(True))
    return list(db.session.scalars(stmt.order_by(BilateralRoom.seats, BilateralRoom.id)))


def agenda_rooms(event) -> list[Room]:
    return list(db.session.scalars(select(Room).where(Room.event_id == event.id).order_by(Room.position, Room.name)))


def keep_room(event, room_id, seats: int, layout: Layout, *, actor) -> BilateralRoom:
    """Mark an agenda room of the event for bilaterals (or change its seats and layout)."""
    room = db.session.get(Room, room_id) if isinstance(room_id, int) else None
    if room is None or room.event_id != event.id:
        raise BilateralRefusal(_l("Choose a room of this event."), "room_id")
    if not isinstance(seats, int) or not 2 <= seats <= 200:
        raise BilateralRefusal(_l("Between 2 and 200 seats."), "seats")
    kept = db.session.scalar(select(BilateralRoom).where(BilateralRoom.room_id == room.id))
    if kept is None:
        kept = BilateralRoom(event_id=event.id, room_id=room.id, seats=seats, layout=layout, active=True)
        db.session.add(kept)
        db.session.flush()
        record(actor=actor, action="bilateral.room_added", obj=kept, event=event, summary=room.name)
    else:
        audited_update(kept, {"seats": seats, "layout": layout, "active": True}, ("seats", "layout", "active"),
                       actor=actor, action="bilateral.room_changed", event=event, summary=room.name)
    kept.room = room
    return kept


def release_room(kept: BilateralRoom, *, actor) -> None:
    """The room no longer takes new bilaterals (those booked keep it)."""
    audited_update(kept, {"active": False}, ("active",), actor=actor, action="bilateral.room_released",
                   event=kept.room.event, summary=kept.room.name)


def saved_rules(event) -> BilateralRules:
    rules = db.session.scalar(select(BilateralRules).where(BilateralRules.event_id == event.id))
    if rules is None:
        rules = BilateralRules(event_id=event.id, longest_minutes=60, changeover_minutes=10,
                               opens_at=datetime.strptime("09:00", "%H:%M").time(),
                               closes_at=datetime.strptime("19:00", "%H:%M").time(), day_hours={}, daily_cap=4)
        db.session.add(rules)
        db.session.flush()
    return rules


def update_rules(event, data: dict, *, actor) -> BilateralRules:
    if data["closes_at"] <= data["opens_at"]:
        raise BilateralRefusal(_l("Closing time must be after opening time."), "closes_at")
    for day, hours in (data.get("day_hours") or {}).items():
        if hours and hours[1] <= hours[0]:
            raise BilateralRefusal(_l("On %(day)s closing time must be after opening time.", day=day), "day_hours")
    rules = saved_rules(event)
    audited_update(rules, data, RULE_FIELDS, actor=actor, action="bilateral.rules", event=event)
    return rules
