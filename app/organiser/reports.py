"""Reports that join several domains: per session (sign-ups, waitlist, check-ins)
and per room (occupancy of each slot). A fixed number of queries whatever the size."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.agenda.models import SessionType
from app.agenda.services import sessions_of
from app.checkin.dashboard import session_checkins
from app.personal.dashboard import signup_counts
from app.personal.models import SignupState
from app.utils.tabular import Table, build_table
from app.utils.time import to_zone

SESSION_COLUMNS = [
    ("session", _l("Session")), ("day", _l("Day")), ("starts", _l("Starts")), ("ends", _l("Ends")),
    ("room", _l("Room")), ("track", _l("Track")), ("capacity", _l("Capacity")), ("signed_up", _l("Signed up")),
    ("waitlisted", _l("Waitlisted")), ("checked_in", _l("Checked in")),
]
ROOM_COLUMNS = [
    ("room", _l("Room")), ("day", _l("Day")), ("starts", _l("Starts")), ("ends", _l("Ends")),
    ("session", _l("Session")), ("capacity", _l("Capacity")), ("signed_up", _l("Signed up")),
    ("checked_in", _l("Checked in")), ("occupancy", _l("Occupancy (%)")),
]


def _slots(event) -> list[dict]:
    signups = signup_counts(event)
    checked = session_checkins(event)
    slots = []
    for s in sessions_of(event):
        if s.type == SessionType.break_:
            continue
        start, end = to_zone(s.starts_at, event.timezone), to_zone(s.ends_at, event.timezone)
        counts = signups.get(s.id, {})
        capacity = s.capacity or (s.room.capacity if s.room else None)
        slots.append({"session": s.title, "day": start.date(), "starts": start.strftime("%H:%M"),
                      "ends": end.strftime("%H:%M"), "room": s.room.name if s.room else "",
                      "room_position": (s.room.position, s.room.id) if s.room else (0, 0),
                      "track": s.track.name if s.track else "", "capacity": capacity,
                      "signed_up": counts.get(SignupState.confirmed, 0),
                      "waitlisted": counts.get(SignupState.waitlisted, 0), "checked_in": checked.get(s.id, 0)})
    return slots


def sessions_report(event) -> Table:
    """One row per session in time order: signed up, waitlisted, checked in."""
    return build_table(SESSION_COLUMNS, [[slot[key] for key, _t in SESSION_COLUMNS] for slot in _slots(event)])


def rooms_report(event) -> Table:
    """One row per room and slot: how full it was (checked in, or signed up before the
    day) against its capacity."""
    rows = []
    for slot in sorted(_slots(event), key=lambda s: (s["room_position"], s["day"], s["starts"])):
        present = slot["checked_in"] or slot["signed_up"]
        slot["occupancy"] = round(100 * present / slot["capacity"]) if slot["capacity"] else None
        rows.append([slot[key] for key, _t in ROOM_COLUMNS])
    return build_table(ROOM_COLUMNS, rows)


# The reports of the organiser's reports page: name -> (builder, title).
REPORTS = {"sessions": (sessions_report, _l("Sessions: sign-ups and check-ins")),
           "rooms": (rooms_report, _l("Rooms: occupancy per slot"))}
