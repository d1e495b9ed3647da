"""What an offline desk calls with its own token (no login): the roster and its
deltas, and the upload of its scans. A token opens one desk of one event; it acts as
the officer who issued it, so it stops working when that officer loses check-in
rights. Rate-limited per desk."""
from __future__ import annotations

import hashlib
from functools import wraps

from flask import current_app, g, jsonify, request
from flask_babel import gettext as _

from app import policy
from app.checkin import bp, services
from app.extensions import client_ip, csrf, db, limiter

SYNC = "/e/<slug>/checkin-sync"


def sync_limit() -> str:
    return current_app.config["DESK_SYNC_RATE_LIMIT"]


def photo_limit() -> str:
    return current_app.config["DESK_PHOTO_RATE_LIMIT"]


def _desk_key() -> str:
    header = request.headers.get("Authorization", "")
    return "desk:" + hashlib.sha256(header.encode()).hexdigest()[:32] if header else "addr:" + client_ip()


def _refuse(status: int, error: str, **extra):
    response = jsonify(error=error, **extra)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def desk_token(action: str = "checkin.operate", *, revoked_ok: bool = False):
    """The view needs a desk token of the URL's event whose issuer still holds `action`
    there; the view gets `event` and `desk`. A revoked desk is refused (and told to wipe
    its roster) unless `revoked_ok`."""

    def decorate(view):
        @wraps(view)
        def wrapper(slug):
            scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
            desk = services.desk_for_token(secret.strip()) if scheme.lower() == "bearer" else None
            if desk is None:
                return _refuse(401, "unknown desk token")
            event = desk.event
            if event.slug != slug:
                return _refuse(403, "this desk belongs to another event")
            issuer = desk.issued_by
            if issuer is None or not issuer.is_active or not policy.can(issuer, action, event):
                return _refuse(403, "the officer who set up this desk may no longer check people in")
            if desk.revoked_at is not None and not revoked_ok:
                services.touch(desk)
                desk.wiped_at = desk.wiped_at or desk.last_contact_at
                db.session.commit()
                return _refuse(403, "revoked", wipe=True)
            g.event = event
            return view(event=event, desk=desk)

        wrapper._access_rule = action
        return wrapper

    return decorate


def _queue_length() -> int | None:
    return request.args.get("queue", type=int)


@bp.route(SYNC + "/roster")
@csrf.exempt
@limiter.limit(sync_limit, key_func=_desk_key)
@desk_token()
def sync_roster(event, desk):
    """The roster, or with ?cursor= the changes since (JSON)."""
    try:
        body = services.roster(event, desk, request.args.get("cursor"))
    except services.RosterError as error:
        return _refuse(400, str(error))
    services.touch(desk, queue_length=_queue_length())
    db.session.commit()
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route(SYNC + "/scans", methods=["POST"])
@csrf.exempt
@limiter.limit(sync_limit, key_func=_desk_key)
@desk_token(revoked_ok=True)
def sync_scans(event, desk):
    """A batch of scans the desk made: one result per row, in order (JSON)."""
    payload = request.get_json(silent=True)
    try:
        body = services.upload(event, desk, payload)
    except services.RosterError as error:
        db.session.rollback()
        return _refuse(400, str(error))
    services.touch(desk, queue_length=_queue_length())
    db.session.commit()
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route(SYNC + "/photos")
@csrf.exempt
@limiter.limit(photo_limit, key_func=_desk_key)
@desk_token()
def sync_photos(event, desk):
    """The desk-sized photos of the badges named in ?ids= (comma-separated, at most 100),
    where the event lets its desks keep photos (JSON)."""
    ids = [i for i in request.args.get("ids", "").split(",") if i][:services.PHOTO_BATCH + 1]
    if len(ids) > services.PHOTO_BATCH:
        return _refuse(400, str(_("Ask for at most %(num)d photos at a time.", num=services.PHOTO_BATCH)))
    if not services.photos_allowed(event):
        return _refuse(403, str(_("This event keeps photos off its desks.")), photos=False)
    services.touch(desk)
    body = {"photos": services.roster_photos(event, ids)}
    db.session.commit()
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response
