"""What an offline desk downloads (the roster, then deltas since a cursor) and the
scans it uploads: idempotent on the desk's nonce, corrected for its clock, with a
check-in recorded once per person and day and the second admission listed as a
conflict."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.accounts.labels import formal_name
from app.checkin import badges, signing
from app.checkin.models import Badge, CheckIn, CheckInMethod, Desk, DeskScan
from app.checkin.services.desk import VENUE, desk_days
from app.checkin.services.desk_photos import photo_tag, photos_allowed
from app.checkin.services.keys import read_badge_token, signing_key, verifying_keys
from app.extensions import db
from app.registration.models import Category, Delegation, Registration, RegistrationState as RS
from app.utils.time import to_zone, utcnow

# A delta repeats the changes of this long before the cursor: a change committed late
# (its transaction began before the previous answer) is still seen; the desk upserts.
OVERLAP = timedelta(seconds=30)
BATCH_LIMIT = 500
STATES = {RS.approved: "a", RS.cancelled: "c"}   # anything else: "n", not approved
STATUSES = frozenset({"admitted", "already", "confirm", "refused", "invalid"})
_NONCE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class RosterError(ValueError):
    """A cursor the server cannot read."""


def _iso(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _parse_time(text) -> datetime | None:
    if not isinstance(text, str) or len(text) > 40:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def roster(event, desk: Desk, cursor: str | None = None) -> dict:
    """Everything the desk needs to decide offline and to show who stands in front of it:
    per badge its public id, current version, state, name, organisation, delegation,
    category and, where the event allows desk photos, its photo's tag (the photos come
    apart, `roster_photos`); never passport, contact or travel data. With `cursor`, only
    the badges changed since (revocations included). Rows are lists to keep 85,000 of
    them small."""
    now = utcnow()
    since = None
    if cursor:
        since = _parse_time(cursor)
        if since is None:
            raise RosterError(str(_l("The roster cursor is not a time.")))
        since -= OVERLAP
    signing_key(event)  # a roster always carries at least the key that signs from now on
    photos = photos_allowed(event)
    query = (select(Badge.public_id, Registration.badge_version, Registration.state, Registration.honorific,
                    Registration.given_name, Registration.family_name, Registration.organisation,
                    Registration.delegation_id, Registration.category_id, Registration.photo_filename)
             .join(Registration, Registration.id == Badge.registration_id)
             .where(Badge.event_id == event.id))
    if since is not None:
        query = query.where(or_(Registration.updated_at >= since, Badge.issued_at >= since,
                                Registration.badge_invalidated_at >= since))
    # The photo's tag only where the event keeps photos on its desks: 85,000 empty columns weigh 0.3 MB.
    rows = [[public_id, version, STATES.get(state, "n"), formal_name(honorific, given, family), organisation,
             delegation_id or 0, category_id] + ([photo_tag(photo)] if photos else [])
            for public_id, version, state, honorific, given, family, organisation, delegation_id, category_id, photo
            in db.session.execute(query).tuples()]
    first, last = desk_days(event)
    desk.roster_synced_at = now
    return {
        "event": event.slug, "desk": desk.id, "full": since is None, "cursor": _iso(now), "generated_at": _iso(now),
        "timezone": event.timezone, "days": [first.isoformat(), last.isoformat()],
        "keys": [{"kid": k.key_id, "key": signing.b64(k.public_key)} for k in verifying_keys(event)],
        # Plain text, not HTML: the desk writes the names into its page as text.
        "categories": {str(i): str(n) for i, n in db.session.execute(
            select(Category.id, Category.name).where(Category.event_id == event.id)).tuples()},
        "delegations": {str(i): str(n) for i, n in db.session.execute(
            select(Delegation.id, Delegation.name).where(Delegation.event_id == event.id)).tuples()},
        "photos": photos,
        "columns": (["id", "version", "state", "name", "organisation", "delegation", "category"]
                    + (["photo"] if photos else [])),
        "rows": rows,
    }


def _row_error(index: int, nonce, message) -> dict:
    return {"index": index, "nonce": nonce if isinstance(nonce, str) else None, "error": str(message)}


def upload(event, desk: Desk, payload) -> dict:
    """Record a batch of scans a desk made (offline or not). Each row is
    {nonce, token, status, scanned_at} with `status` what the desk answered; the
    batch's `sent_at` is the desk's clock when it sent, so the skew is known and each
    scan's time corrected. A row already received (same desk and nonce) changes
    nothing; a bad row gets its own error and the others are kept."""
    if not isinstance(payload, dict) or not isinstance(payload.get("scans"), list):
        raise RosterError(str(_l("Send a JSON object with a list of scans.")))
    scans = payload["scans"]
    if len(scans) > BATCH_LIMIT:
        raise RosterError(str(_l("Send at most %(num)d scans at a time.", num=BATCH_LIMIT)))
    received = utcnow()
    sent_at = _parse_time(payload.get("sent_at"))
    skew = round((sent_at - received).total_seconds()) if sent_at is not None else 0
    desk.clock_skew_seconds = skew
    batch = _Batch(event, scans)
    results = []
    for index, row in enumerate(scans):
        results.append(_one(event, desk, index, row, received=received, skew=skew, batch=batch))
    revoked = desk.revoked_at is not None
    if revoked and desk.wiped_at is None:
        desk.wiped_at = received
    return {"results": results, "skew_seconds": skew, "wipe": revoked,
            "accepted": sum(1 for r in results if "error" not in r)}


class _Batch:
    """What every row of a batch needs, read once: the event's public keys, and the
    badges and registrations the batch's signed tokens name (a few queries a batch)."""

    def __init__(self, event, scans: list):
        self.keys = {k.key_id: k.public_key for k in verifying_keys(event)}
        public_ids = set()
        for row in scans:
            token = row.get("token") if isinstance(row, dict) else None
            parsed = signing.parse(token) if isinstance(token, str) and len(token) <= 400 else None
            if parsed is not None:
                public_ids.add(parsed.public_id)
        self.badges = {b.public_id: b for b in db.session.scalars(
            select(Badge).options(joinedload(Badge.registration))
            .where(Badge.event_id == event.id, Badge.public_id.in_(public_ids)))} if public_ids else {}
        # The entrance check-ins these people already have (any day): most scans find none.
        registration_ids = self.prefetched = {b.registration_id for b in self.badges.values()}
        self.checkins = {(c.registration_id, c.day): c for c in db.session.scalars(
            select(CheckIn).where(CheckIn.registration_id.in_(registration_ids), CheckIn.scope == VENUE))
        } if registration_ids else {}

    def checkin(self, registration_id: int, day) -> CheckIn | None:
        """The person's entrance check-in of `day`: known to the batch, or (a badge the batch
        did not prefetch, e.g. one printed before the keys) asked of the database."""
        if (registration_id, day) in self.checkins:
            return self.checkins[(registration_id, day)]
        if registration_id in self.prefetched:
            return None
        return db.session.scalar(select(CheckIn).where(CheckIn.registration_id == registration_id,
                                                       CheckIn.scope == VENUE, CheckIn.day == day))

    def read(self, event, token: str, day):
        if signing.is_signed_token(token.strip()):
            return badges.read_token(token, today=day, key_for=self.keys.get)
        return read_badge_token(event, token, today=day)  # printed before the keys: the HMAC

    def badge(self, event, public_id: str) -> Badge | None:
        if public_id in self.badges:
            return self.badges[public_id]
        return db.session.scalar(select(Badge).where(Badge.public_id == public_id, Badge.event_id == event.id))


def _one(event, desk: Desk, index: int, row, *, received: datetime, skew: int, batch: _Batch) -> dict:
    if not isinstance(row, dict):
        return _row_error(index, None, _l("A scan must be a JSON object."))
    nonce, token, status = row.get("nonce"), row.get("token"), row.get("status")
    if not isinstance(nonce, str) or not _NONCE.match(nonce):
        return _row_error(index, nonce, _l("The nonce must be 8 to 64 letters, digits, - or _."))
    if not isinstance(token, str) or not token.strip() or len(token) > 400:
        return _row_error(index, nonce, _l("The badge code is missing or too long."))
    if status not in STATUSES:
        return _row_error(index, nonce, _l("Unknown desk answer."))
    device_time = _parse_time(row.get("scanned_at"))
    if device_time is None:
        return _row_error(index, nonce, _l("The scan time is missing or not a time."))
    scanned_at = min(device_time - timedelta(seconds=skew), received)
    scan = DeskScan(event_id=event.id, desk_id=desk.id, nonce=nonce, status=status, outcome="refused",
                    device_time=device_time, scanned_at=scanned_at, received_at=received, skew_seconds=skew,
                    from_revoked_desk=desk.revoked_at is not None, conflict=False)
    try:
        with db.session.begin_nested():
            db.session.add(scan)
            db.session.flush()
    except IntegrityError:
        existing = db.session.scalar(select(DeskScan).where(DeskScan.desk_id == desk.id, DeskScan.nonce == nonce))
        return {"index": index, "nonce": nonce, "outcome": existing.outcome if existing else "duplicate",
                "duplicate": True}
    _decide(event, desk, scan, token, batch)
    db.session.flush()
    return {"index": index, "nonce": nonce, "outcome": scan.outcome, "conflict": scan.conflict}


def _decide(event, desk: Desk, scan: DeskScan, token: str, batch: _Batch) -> None:
    """What the server makes of one new scan: a check-in for what the desk admitted (once
    per person and day), a conflict where the person was already in elsewhere or the
    badge was no longer valid, nothing for what the desk refused."""
    day = to_zone(scan.scanned_at, event.timezone).date()
    registration = None
    try:
        public_id, version = batch.read(event, token, day)
    except badges.BadgeTokenError:
        public_id = version = None
    if public_id is not None:
        badge = batch.badge(event, public_id)
        registration = badge.registration if badge is not None else None
    scan.registration_id = registration.id if registration is not None else None
    scan.badge_version = version
    admitted = scan.status in ("admitted", "already")
    valid = (registration is not None and version == registration.badge_version
             and registration.state == RS.approved)
    if not admitted:
        scan.outcome = "refused"
        return
    if not valid:
        scan.outcome, scan.conflict = "invalid", True
        return
    existing = batch.checkin(registration.id, day)
    if existing is None:
        try:
            with db.session.begin_nested():
                existing = CheckIn(event_id=event.id, registration_id=registration.id, scope=VENUE, day=day,
                                   checked_in_at=scan.scanned_at, checked_in_by_id=desk.issued_by_id,
                                   method=CheckInMethod.qr, badge_version=registration.badge_version)
                db.session.add(existing)
        except IntegrityError:
            existing = None
        else:
            batch.checkins[(registration.id, day)] = existing
            scan.checkin_id, scan.outcome = existing.id, "recorded"
            return
        existing = db.session.scalar(select(CheckIn).where(CheckIn.registration_id == registration.id,
                                                           CheckIn.scope == VENUE, CheckIn.day == day))
    scan.checkin_id = existing.id
    mine = db.session.scalar(select(DeskScan.id).where(DeskScan.desk_id == desk.id,
                                                       DeskScan.checkin_id == existing.id,
                                                       DeskScan.id != scan.id).limit(1)) is not None
    if scan.status == "admitted" and not mine:
        scan.outcome, scan.conflict = "conflict", True
    else:
        scan.outcome = "already"

