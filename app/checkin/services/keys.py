"""The keys that sign an event's badges: the one that signs now, rotation, and the
public halves a desk needs to check badges on its own."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit.services import record
from app.checkin import badges, signing
from app.checkin.models import Badge, BadgeKey
from app.extensions import db
from app.utils.time import utcnow


def _new_key(event) -> BadgeKey:
    private, public = signing.new_key_pair()
    key_id = signing.new_key_id()
    while db.session.scalar(select(BadgeKey.id).where(BadgeKey.key_id == key_id)) is not None:
        key_id = signing.new_key_id()
    key = BadgeKey(event_id=event.id, key_id=key_id, private_key=private, public_key=public, created_at=utcnow())
    db.session.add(key)
    db.session.flush()
    return key


def signing_key(event) -> BadgeKey:
    """The key that signs the event's badges now, made on first use."""
    key = db.session.scalar(select(BadgeKey).where(BadgeKey.event_id == event.id, BadgeKey.retired_at.is_(None),
                                                   BadgeKey.revoked_at.is_(None))
                            .order_by(BadgeKey.id.desc()).limit(1))
    return key if key is not None else _new_key(event)


def verifying_keys(event) -> list[BadgeKey]:
    """Every key whose badges are still genuine (signing or retired, not revoked)."""
    return list(db.session.scalars(select(BadgeKey).where(BadgeKey.event_id == event.id,
                                                          BadgeKey.revoked_at.is_(None)).order_by(BadgeKey.id)))


def public_key_of(event, key_id: str) -> bytes | None:
    return db.session.scalar(select(public_key_clause(event, key_id)))


def public_key_clause(event, key_id: str):
    """The public half of the event's key `key_id`, unless revoked, as a scalar subquery
    (read with what else a scan needs)."""
    return select(BadgeKey.public_key).where(BadgeKey.event_id == event.id, BadgeKey.key_id == key_id,
                                             BadgeKey.revoked_at.is_(None)).scalar_subquery()


def token_for(badge: Badge, event, *, key: BadgeKey | None = None) -> str:
    """The QR content of `badge`, signed with the event's current key (`key`, read once
    by a bulk print, or looked up)."""
    key = key or signing_key(event)
    return signing.sign(key.private_key, key.key_id, badge.public_id, badge.version, badges.valid_until(event))


def read_badge_token(event, text: str, *, today: date, known_keys: dict | None = None) -> tuple[str, int]:
    """(public id, version) of a genuine unexpired badge token of `event`, signed by
    one of its keys or, printed before the keys, with the server's HMAC. `known_keys`:
    public keys by key id already read for this scan (None where unknown or revoked)."""
    parsed = signing.parse(text) if signing.is_signed_token(text.strip()) else None
    looked_up: dict[str, bytes | None] = dict(known_keys or {})  # each key read once a scan

    def key_for(key_id: str) -> bytes | None:
        if key_id not in looked_up:
            looked_up[key_id] = public_key_of(event, key_id)
        return looked_up[key_id]

    if parsed is not None and key_for(parsed.key_id) is None:
        other = db.session.scalar(select(BadgeKey).where(BadgeKey.key_id == parsed.key_id))
        if other is not None and other.event_id != event.id and signing.verify(other.public_key, parsed):
            raise badges.BadgeTokenError("other_event", _l("This badge does not belong to this event."))
    return badges.read_token(text, today=today, key_for=key_for)


def rotate_key(event, *, actor, revoke_old: bool = False) -> BadgeKey:
    """A new key signs the badges printed from now on. The old ones keep opening the
    badges they signed, unless `revoke_old`: then those badges are refused (online and,
    after their next sync, at the desks) and must be printed again. Audited."""
    now = utcnow()
    old = verifying_keys(event)
    for key in old:
        key.retired_at = key.retired_at or now
        if revoke_old:
            key.revoked_at = now
    key = _new_key(event)
    record(actor=actor, action="badge_key.rotate", obj=key, event=event,
           summary=f"{key.key_id}" + (" (old keys revoked)" if revoke_old else ""),
           after={"key_id": key.key_id, "retired": [k.key_id for k in old], "revoked_old": revoke_old})
    return key
