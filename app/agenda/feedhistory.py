"""What calendars need to hear between two publications.

A calendar that imported a session keeps it until a feed says otherwise, and takes
a changed VEVENT only when its SEQUENCE is higher than the one it has. So each
publication's snapshot

- raises a session's published `sequence` whenever anything the public sees of it
  changed since the previous publication (not only when it moved), and
- keeps the sessions taken off the agenda (deleted, back to draft, or restricted away
  from readers who saw them) under "removed", with a raised sequence, for `KEEP_REMOVED` after their removal or until
  `AFTER_EVENT` past the event's last day, whichever is later: the feeds write them
  with STATUS:CANCELLED, and calendars that imported them strike them out.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

KEEP_REMOVED = timedelta(days=30)
AFTER_EVENT = timedelta(days=7)
# Bookkeeping that the public does not see: a change of these alone is no news.
_UNSEEN = ("sequence", "updated_at", "abstract_html")


def _seen(entry: dict, rooms: dict[int, dict], tracks: dict[int, dict]) -> tuple:
    room = rooms.get(entry.get("room_id")) or {}
    track = tracks.get(entry.get("track_id")) or {}
    own = tuple(sorted((k, repr(v)) for k, v in entry.items() if k not in _UNSEEN))
    return own, room.get("name"), room.get("location"), track.get("name")


def _by_id(snapshot: dict, key: str) -> dict[int, dict]:
    return {item["id"]: item for item in snapshot.get(key, [])}


def _narrowed(before: dict, after: dict) -> bool:
    """Whether someone who saw `before` may not see `after`: made restricted, or
    restricted to other registration categories."""
    if after.get("visibility") != "restricted":
        return False
    if before.get("visibility") != "restricted":
        return True
    return bool(set(before.get("category_ids") or []) - set(after.get("category_ids") or []))


def carry_history(event, previous: dict | None, snapshot: dict, now: datetime) -> None:
    """Fill `snapshot` (about to be published) from the `previous` one: raised
    sequences for changed sessions, and under "removed" the sessions recently taken off
    the agenda or out of sight of some of its readers (as they saw them, so each reader
    is told of what they lose; a reader who still sees the session gets it instead)."""
    previous = previous or {}
    old_sessions, old_removed = _by_id(previous, "sessions"), _by_id(previous, "removed")
    old_rooms, old_tracks = _by_id(previous, "rooms"), _by_id(previous, "tracks")
    new_rooms, new_tracks = _by_id(snapshot, "rooms"), _by_id(snapshot, "tracks")
    current = _by_id(snapshot, "sessions")
    for entry in current.values():
        before = old_sessions.get(entry["id"])
        floor = old_removed[entry["id"]].get("sequence", 0) + 1 if entry["id"] in old_removed else 0
        if before is not None:
            changed = _seen(before, old_rooms, old_tracks) != _seen(entry, new_rooms, new_tracks)
            floor = max(floor if changed else 0, before.get("sequence", 0) + (1 if changed else 0))
        entry["sequence"] = max(entry.get("sequence", 0), floor)

    event_over = datetime.combine(event.end_date, time.max, tzinfo=event.tz) + AFTER_EVENT
    removed = {}
    for entry in old_removed.values():
        removed_at = datetime.fromisoformat(entry["removed_at"])
        if now < removed_at + KEEP_REMOVED or now < event_over:
            removed[entry["id"]] = entry
    for sid, entry in old_sessions.items():
        if sid not in current or _narrowed(entry, current[sid]):
            room = old_rooms.get(entry.get("room_id")) or {}
            sequence = current[sid]["sequence"] if sid in current else entry.get("sequence", 0) + 1
            removed[sid] = entry | {"sequence": sequence, "removed_at": now.isoformat(),
                                    "room": {"id": entry.get("room_id"), "name": room.get("name", ""),
                                             "location": room.get("location")}}
    snapshot["removed"] = sorted(removed.values(), key=lambda r: (r["starts_at"], r["id"]))
