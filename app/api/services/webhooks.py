"""Webhooks: organisers register an address, a secret and the events they want;
changes queue deliveries in a table; `flask send-webhooks` sends them, signed
(HMAC-SHA256 over the timestamp and the body), retrying with backoff, and a hook
that keeps failing is switched off.

Addresses are checked against SSRF: only http(s), and no loopback, link-local,
private or otherwise reserved address unless the operator allows its network
(WEBHOOK_ALLOWED_NETWORKS). The check is made when the hook is saved and again
at every delivery, and the connection goes to the address that was checked."""
from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import secrets
import socket
import ssl
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import insert, select, update

from app.api.models import Webhook, WebhookDelivery
from app.audit.services import record
from app.extensions import db
from app.utils.refusals import Refusal
from app.utils.time import utcnow

EVENT_TYPES = ("registration.submitted", "registration.approved", "registration.rejected",
               "registration.cancelled", "invitation.accepted", "session.changed", "session.published",
               "speaker.answered", "checkin.created", "visa_letter.issued", "visa_letter.revoked")
# Audit actions of the domains and the webhook event each one is.
AUDIT_EVENTS = {
    "registration.submitted": "registration.submitted", "registration.approved": "registration.approved",
    "registration.rejected": "registration.rejected", "registration.cancelled": "registration.cancelled",
    "invitation.register": "invitation.accepted",
    "agenda.session.create": "session.changed", "agenda.session.update": "session.changed",
    "agenda.session.delete": "session.changed", "agenda.publish": "session.published",
    "speaker.accepted": "speaker.answered", "speaker.declined": "speaker.answered",
    "speaker.withdrawn": "speaker.answered",
    "visa_letter.issue": "visa_letter.issued", "visa_letter.regenerate": "visa_letter.issued",
    "visa_letter.revoke": "visa_letter.revoked",
}
MAX_ATTEMPTS = 6
DISABLE_AFTER = 3  # deliveries given up in a row
TIMEOUT = 10
# A delivery being sent is held this long by the worker sending it (longer than TIMEOUT):
# another worker takes it only after a worker died in the middle.
CLAIM_SECONDS = 60
SIGNATURE_HEADER = "Kurultai-Signature"
TIMESTAMP_HEADER = "Kurultai-Timestamp"


class WebhookRefusal(Refusal):
    pass


# --- Addresses ---------------------------------------------------------------------

def _allowed_networks(config) -> list:
    return [ipaddress.ip_network(n.strip(), strict=False) for n in config.get("WEBHOOK_ALLOWED_NETWORKS", [])
            if n.strip()]


def _public(address, config) -> bool:
    ip = ipaddress.ip_address(address)
    if any(ip in network for network in _allowed_networks(config)):
        return True
    return ip.is_global and not (ip.is_loopback or ip.is_link_local or ip.is_private or ip.is_reserved
                                 or ip.is_multicast or ip.is_unspecified)


def resolve(url: str, config) -> tuple[str, str, int, str]:
    """(scheme, host, port, checked address) of `url`; WebhookRefusal if it is not
    http(s) or any address its host resolves to is not allowed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise WebhookRefusal(_("Give an http:// or https:// address."), field="url")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError, UnicodeError):
        raise WebhookRefusal(_("This address cannot be reached."), field="url") from None
    addresses = [info[4][0] for info in infos]
    if not addresses or not all(_public(a, config) for a in addresses):
        raise WebhookRefusal(_("Addresses inside the organisers' network are not allowed."), field="url")
    return parts.scheme, parts.hostname, port, addresses[0]


# --- Registering -------------------------------------------------------------------

def webhooks_of(event) -> list[Webhook]:
    return list(db.session.scalars(select(Webhook).where(Webhook.event_id == event.id).order_by(Webhook.id)))


def create_webhook(event, *, url: str, events: list[str], secret: str, config, actor) -> Webhook:
    resolve(url, config)
    chosen = [e for e in EVENT_TYPES if e in events]
    if not chosen:
        raise WebhookRefusal(_("Choose at least one event."), field="events")
    hook = Webhook(event_id=event.id, url=url, events=chosen, secret=secret or secrets.token_hex(24),
                   created_by_id=getattr(actor, "id", None), active=True, failures=0)
    db.session.add(hook)
    db.session.flush()
    record(actor=actor, action="webhook.create", obj=hook, event=event, summary=url[:200])
    return hook


def set_active(hook: Webhook, active: bool, *, actor) -> None:
    hook.active = active
    hook.failures = 0 if active else hook.failures
    hook.disabled_at = None if active else utcnow()
    db.session.flush()
    record(actor=actor, action="webhook.enable" if active else "webhook.disable", obj=hook, event=hook.event,
           summary=hook.url[:200])


def delete_webhook(hook: Webhook, *, actor) -> None:
    record(actor=actor, action="webhook.delete", obj=hook, event=hook.event, summary=hook.url[:200])
    db.session.delete(hook)
    db.session.flush()


def deliveries_of(hook: Webhook, limit: int = 100) -> list[WebhookDelivery]:
    return list(db.session.scalars(select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id)
                                   .order_by(WebhookDelivery.id.desc()).limit(limit)))


def redeliver(delivery: WebhookDelivery, *, actor) -> WebhookDelivery:
    """Send an earlier delivery again (a new delivery with the same payload)."""
    again = WebhookDelivery(webhook_id=delivery.webhook_id, event_type=delivery.event_type,
                            payload=delivery.payload, status="pending", attempts=0, next_attempt_at=utcnow(),
                            error="")
    db.session.add(again)
    db.session.flush()
    record(actor=actor, action="webhook.redeliver", obj=delivery.webhook, event=delivery.webhook.event,
           summary=f"{delivery.event_type} #{delivery.id}")
    return again


# --- Queueing ----------------------------------------------------------------------

def queue(session, event_id: int, event_type: str, obj_type: str, obj_id: str) -> None:
    """Add a delivery for each active hook of the event that wants `event_type`
    (within the caller's flush: they are committed with the change). The payload
    names the object, no personal data: the receiver reads it through the API."""
    with session.no_autoflush:
        hooks = session.scalars(select(Webhook).where(Webhook.event_id == event_id, Webhook.active.is_(True)))
        for hook in hooks:
            if event_type not in (hook.events or []):
                continue
            payload = {"id": secrets.token_hex(12), "type": event_type, "event_id": event_id,
                       "object": {"type": obj_type, "id": obj_id},
                       "occurred_at": utcnow().isoformat()}
            session.add(WebhookDelivery(webhook_id=hook.id, event_type=event_type, payload=payload,
                                        status="pending", attempts=0, next_attempt_at=utcnow(), error=""))


def queue_many(session, event_id: int, event_type: str, obj_type: str, obj_ids) -> int:
    """`queue` for many objects of one kind at once (thousands of letters issued together):
    the hooks read once, the deliveries written in one bulk insert. Returns how many."""
    with session.no_autoflush:
        hooks = [hook for hook in session.scalars(select(Webhook).where(Webhook.event_id == event_id,
                                                                       Webhook.active.is_(True)))
                 if event_type in (hook.events or [])]
    now = utcnow()
    rows = [dict(webhook_id=hook.id, event_type=event_type, status="pending", attempts=0, next_attempt_at=now,
                 error="", created_at=now,
                 payload={"id": secrets.token_hex(12), "type": event_type, "event_id": event_id,
                          "object": {"type": obj_type, "id": str(obj_id)}, "occurred_at": now.isoformat()})
            for hook in hooks for obj_id in obj_ids]
    if rows:
        session.execute(insert(WebhookDelivery), rows)
    return len(rows)


# --- Sending -----------------------------------------------------------------------

def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>." + body>."""
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, *, tolerance: int = 300, now: float | None = None) -> bool:
    """What a receiver does: the signature matches and is recent."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now or time.time()) - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), f"t={timestamp},v1={parts.get('v1', '')}")


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _post(url: str, body: bytes, headers: dict, config) -> int:
    scheme, host, port, address = resolve(url, config)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = (_PinnedHTTPS if scheme == "https" else _PinnedHTTP)(host, port, address, TIMEOUT)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(65536)
        return response.status
    finally:
        connection.close()


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min... at most 6 hours."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


def attempt(delivery: WebhookDelivery, config, now: datetime | None = None) -> None:
    """Send one delivery once and note the outcome (the caller commits)."""
    now = now or utcnow()
    hook = delivery.webhook
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(time.time())
    headers = {"Content-Type": "application/json", "User-Agent": "Kurultai-Webhooks/1",
               "Kurultai-Event": delivery.event_type, "Kurultai-Delivery": str(delivery.id),
               TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(hook.secret, timestamp, body)}
    delivery.attempts += 1
    try:
        status = _post(hook.url, body, headers, config)
        delivery.response_code, delivery.error = status, ""
    except WebhookRefusal as refusal:
        status, delivery.response_code, delivery.error = None, None, str(refusal.message)[:500]
    except (OSError, http.client.HTTPException) as error:
        status, delivery.response_code, delivery.error = None, None, f"{type(error).__name__}: {error}"[:500]
    if status is not None and 200 <= status < 300:
        delivery.status, delivery.delivered_at = "delivered", now
        hook.failures = 0
        return
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = "failed"
        hook.failures = (hook.failures or 0) + 1
        if hook.failures >= DISABLE_AFTER and hook.active:
            hook.active, hook.disabled_at = False, now
            record(actor=None, action="webhook.disable", obj=hook, event=hook.event,
                   summary=f"{hook.url[:200]}: {hook.failures} deliveries failed")
        return
    delivery.next_attempt_at = now + backoff(delivery.attempts)


def claim(delivery_id: int, now: datetime) -> bool:
    """Take one due delivery for this worker, by a conditional UPDATE only one worker wins:
    its next attempt moves CLAIM_SECONDS ahead, so no other worker sends it meanwhile.
    Committed at once. A worker that dies while sending leaves the claim to run out."""
    result = db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.status == "pending",
               WebhookDelivery.next_attempt_at <= now)
        .values(next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def send_due(config, *, now: datetime | None = None, limit: int = 100, stop=None) -> int:
    """Send the deliveries that are due, oldest first, each claimed just before it is sent
    (several workers may run) and its outcome committed. With `stop` (a threading.Event)
    set, the one being sent is finished and the rest are left for the next worker."""
    now = now or utcnow()
    due = list(db.session.scalars(select(WebhookDelivery.id).join(Webhook)
                                  .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now,
                                         Webhook.active.is_(True))
                                  .order_by(WebhookDelivery.id).limit(limit)))
    sent = 0
    for delivery_id in due:
        if stop is not None and stop.is_set():
            break
        if not claim(delivery_id, now):
            continue  # another worker has it
        delivery = db.session.get(WebhookDelivery, delivery_id)
        attempt(delivery, config, now)
        db.session.commit()
        sent += 1
    return sent
