"""Offline desks: a device made a desk of one event by a check-in officer, its token,
what the supervisor sees of it, and revocation."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from app.audit.services import record
from app.checkin.models import Desk, DeskScan
from app.checkin.services.errors import OnsiteError
from app.extensions import db
from app.utils.time import utcnow

TOKEN_PREFIX = "kd_"
NAME_LIMIT = 80
CONFLICT_LIMIT = 100
# An open desk asks the server every 5 seconds: a minute of silence means it has lost
# the network (or its page was closed, or its screen turned off).
OUT_OF_CONTACT_AFTER = timedelta(minutes=1)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue_desk(event, name: str, *, actor) -> tuple[Desk, str]:
    """A new desk of `event` named `name`, and its token (shown once: only its hash is
    kept). Audited as `desk.issue`."""
    name = " ".join((name or "").split())[:NAME_LIMIT]
    if not name:
        raise OnsiteError(_l("Give the desk a name, e.g. “Entrance A, laptop 2”."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    desk = Desk(event_id=event.id, name=name, token_hash=_hash(secret), issued_by_id=getattr(actor, "id", None),
                issued_at=utcnow(), queue_length=0)
    db.session.add(desk)
    db.session.flush()
    record(actor=actor, action="desk.issue", obj=desk, event=event, summary=name)
    return desk, secret


def desk_for_token(secret: str) -> Desk | None:
    """The desk a token names (revoked ones included: they may still upload)."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    return db.session.scalar(select(Desk).where(Desk.token_hash == _hash(secret)))


def touch(desk: Desk, *, queue_length: int | None = None) -> None:
    """The desk was in contact now; it said how many scans it still holds."""
    desk.last_contact_at = utcnow()
    if queue_length is not None:
        desk.queue_length = max(0, min(queue_length, 10_000_000))


def revoke_desk(desk: Desk, *, actor) -> None:
    """The desk's token stops opening the roster; the scans it still holds are accepted
    (marked as coming from a revoked desk) and its roster is wiped at its next contact.
    Audited as `desk.revoke`."""
    if desk.revoked_at is not None:
        raise OnsiteError(_l("This desk is already revoked."))
    desk.revoked_at = utcnow()
    desk.revoked_by_id = getattr(actor, "id", None)
    record(actor=actor, action="desk.revoke", obj=desk, event=desk.event, summary=desk.name)


@dataclass
class DeskRow:
    desk: Desk
    scans: int
    conflicts: int
    last_scan_at: datetime | None
    silent_for: timedelta | None = None   # time since its last contact (None: never in contact)

    @property
    def state(self) -> str:
        """What the supervisor needs first: "revoked", "never" (set up, never heard from
        since), "online" (heard from within the last minute) or "offline"."""
        if self.desk.revoked_at is not None:
            return "revoked"
        if self.silent_for is None:
            return "never"
        return "online" if self.silent_for < OUT_OF_CONTACT_AFTER else "offline"

    @property
    def clock_off(self) -> timedelta | None:
        """How far the desk's clock is off (either way), when a minute or more."""
        skew = self.desk.clock_skew_seconds
        return timedelta(seconds=abs(skew)) if skew is not None and abs(skew) >= 60 else None


def desk_overview(event) -> list[DeskRow]:
    """Every desk of `event` with its uploaded scans, conflicts and whether it is in
    contact, in two queries: desks out of contact first (they need someone to walk
    over), then those online, then the revoked ones; newest first within each."""
    desks = list(db.session.scalars(select(Desk).where(Desk.event_id == event.id)
                                    .order_by(Desk.revoked_at.is_not(None), Desk.issued_at.desc(), Desk.id.desc())))
    counts = {desk_id: (scans, conflicts, last) for desk_id, scans, conflicts, last in db.session.execute(
        select(DeskScan.desk_id, func.count(DeskScan.id), func.sum(case((DeskScan.conflict.is_(True), 1), else_=0)),
               func.max(DeskScan.scanned_at))
        .where(DeskScan.event_id == event.id).group_by(DeskScan.desk_id)).tuples()}
    now = utcnow()
    rows = []
    for desk in desks:
        scans, conflicted, last = counts.get(desk.id, (0, 0, None))
        silent = max(now - desk.last_contact_at, timedelta(0)) if desk.last_contact_at is not None else None
        rows.append(DeskRow(desk, scans, int(conflicted or 0), last, silent))
    rank = {"offline": 0, "never": 1, "online": 2, "revoked": 3}
    return sorted(rows, key=lambda row: rank[row.state])   # stable: newest first within a state


@dataclass
class DeskSummary:
    desks: int
    out_of_contact: int
    held: int   # scans the desks out of contact said they still held at their last contact


def desk_summary(rows: list[DeskRow]) -> DeskSummary:
    """How many working desks are out of contact and what they still hold."""
    working = [row for row in rows if row.state != "revoked"]
    silent = [row for row in working if row.state == "offline"]
    return DeskSummary(len(working), len(silent), sum(row.desk.queue_length for row in silent))


def conflicts(event, *, limit: int = CONFLICT_LIMIT) -> list[DeskScan]:
    """The latest scans listed for the supervisor: admitted at a desk while the person
    was already in, or with a badge no longer valid."""
    return list(db.session.scalars(select(DeskScan).options(joinedload(DeskScan.desk), joinedload(DeskScan.registration))
                                   .where(DeskScan.event_id == event.id, DeskScan.conflict.is_(True))
                                   .order_by(DeskScan.scanned_at.desc(), DeskScan.id.desc()).limit(limit)))


def desk_of(event, desk_id: int) -> Desk | None:
    desk = db.session.get(Desk, desk_id)
    return desk if desk is not None and desk.event_id == event.id else None
