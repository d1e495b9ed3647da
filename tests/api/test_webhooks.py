"""Webhooks: registered by the secretariat, queued from the domains' changes,
signed, retried with backoff, logged, sent again by hand, switched off after
repeated failure, and never aimed at addresses inside the network (SSRF)."""
from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from app.api.models import Webhook, WebhookDelivery
from app.api.services import webhooks
from app.extensions import db
from app.utils.refusals import Refusal
from app.utils.time import utcnow
from tests.factories import grant, login_session, make_user, page

ALLOW_LOOPBACK = {"WEBHOOK_ALLOWED_NETWORKS": ["127.0.0.0/8"]}


class Receiver:
    """A local HTTP server on loopback that answers each POST with the next status."""

    def __init__(self, statuses=(200,)):
        self.statuses = list(statuses)
        self.requests: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def start(statuses=(200,)):
        made.append(Receiver(statuses))
        return made[-1]

    yield start
    for r in made:
        r.close()


@pytest.fixture
def loopback_allowed(app):
    app.config.update(ALLOW_LOOPBACK)
    yield app.config
    app.config["WEBHOOK_ALLOWED_NETWORKS"] = []


def hook_for(world, url, events=("registration.approved",), config=None, secret="s3cret"):
    hook = webhooks.create_webhook(world.event, url=url, events=list(events), secret=secret,
                                   config=config, actor=world.organiser)
    db.session.commit()
    return hook


def test_approval_is_delivered_signed(world, receiver, loopback_allowed):
    listener = receiver()
    hook_for(world, listener.url, config=loopback_allowed)
    registration = world.registration(approve=True)
    delivery = db.session.scalar(select(WebhookDelivery))
    assert delivery.event_type == "registration.approved" and delivery.status == "pending"
    assert webhooks.send_due(loopback_allowed) == 1
    headers, body = listener.requests[0]
    payload = json.loads(body)
    assert payload["type"] == "registration.approved"
    assert payload["object"] == {"type": "Registration", "id": str(registration.id)}
    assert "Serikova" not in body.decode()  # no personal data: the receiver reads it through the API
    assert webhooks.verify("s3cret", headers["Kurultai-Signature"], body)
    assert not webhooks.verify("other", headers["Kurultai-Signature"], body)
    assert not webhooks.verify("s3cret", headers["Kurultai-Signature"], body + b" ")
    assert headers["Kurultai-Signature"].startswith(f"t={headers['Kurultai-Timestamp']},v1=")
    db.session.expire_all()
    assert delivery.status == "delivered" and delivery.response_code == 200 and delivery.attempts == 1


def test_stale_signature_is_refused_by_verify():
    body = b"{}"
    header = webhooks.sign("k", 1000, body)
    assert webhooks.verify("k", header, body, now=1100)
    assert not webhooks.verify("k", header, body, now=1000 + 301)
    assert not webhooks.verify("k", "garbage", body)


def test_only_subscribed_events_of_the_hooks_event_are_queued(world, loopback_allowed):
    hook_for(world, "http://127.0.0.1:9/x", events=["session.published"], config=loopback_allowed)
    world.registration(approve=True)
    assert db.session.scalar(select(WebhookDelivery)) is None
    from app.agenda import services as agenda_services

    agenda_services.publish_agenda(world.event, actor=world.organiser)
    db.session.commit()
    assert [d.event_type for d in db.session.scalars(select(WebhookDelivery))] == ["session.published"]


def test_checkins_are_events_too(world, loopback_allowed):
    from app.checkin import services as checkin_services

    hook_for(world, "http://127.0.0.1:9/x", events=["checkin.created"], config=loopback_allowed)
    registration = world.registration(approve=True)
    checkin_services.scan(world.event, checkin_services.token_for(checkin_services.ensure_badge(registration),
                                                                  world.event),
                          actor=world.organiser, confirmed=True)
    db.session.commit()
    delivery = db.session.scalar(select(WebhookDelivery))
    assert delivery.event_type == "checkin.created" and delivery.payload["object"]["id"] == str(registration.id)


def test_failures_retry_with_backoff_then_give_up_and_switch_the_hook_off(world, receiver, loopback_allowed):
    listener = receiver(statuses=(500,))
    hook = hook_for(world, listener.url, config=loopback_allowed)
    for n in range(webhooks.DISABLE_AFTER):
        world.registration(f"G{n}", f"F{n}", approve=True)
    now = utcnow()
    waits = []
    for _round in range(webhooks.MAX_ATTEMPTS):
        webhooks.send_due(loopback_allowed, now=now)
        pending = db.session.scalars(select(WebhookDelivery).where(WebhookDelivery.status == "pending")).all()
        if pending:
            waits.append(pending[0].next_attempt_at - now)
            assert webhooks.send_due(loopback_allowed, now=now) == 0  # not due yet
            now = max(d.next_attempt_at for d in pending)
    assert waits == sorted(waits) and waits[0] >= timedelta(seconds=30) and waits[1] == 2 * waits[0]
    db.session.expire_all()
    assert {d.status for d in db.session.scalars(select(WebhookDelivery))} == {"failed"}
    assert all(d.response_code == 500 for d in db.session.scalars(select(WebhookDelivery)))
    assert hook.active is False and hook.disabled_at is not None
    assert len(listener.requests) == webhooks.DISABLE_AFTER * webhooks.MAX_ATTEMPTS
    # Switched off: new changes queue nothing.
    world.registration("Late", "One", approve=True)
    assert db.session.scalar(select(db.func.count(WebhookDelivery.id))) == webhooks.DISABLE_AFTER


def test_unreachable_receiver_is_logged_and_retried(world, loopback_allowed):
    hook_for(world, "http://127.0.0.1:9/closed", config=loopback_allowed)
    world.registration(approve=True)
    webhooks.send_due(loopback_allowed)
    delivery = db.session.scalar(select(WebhookDelivery))
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.error


@pytest.mark.parametrize("url", ["http://127.0.0.1/x", "http://localhost/x", "http://169.254.169.254/latest",
                                 "http://10.1.2.3/x", "http://192.168.0.1/x", "http://[::1]/x", "ftp://example.org/x",
                                 "file:///etc/passwd", "http://user:pw@93.184.216.34/x", "http://0.0.0.0/x",
                                 "not a url"])
def test_addresses_inside_the_network_are_refused(world, app, url):
    with pytest.raises(Refusal):
        webhooks.create_webhook(world.event, url=url, events=["registration.approved"], secret="",
                                config=app.config, actor=world.organiser)


def test_a_hook_whose_address_turned_private_is_not_called(world, receiver, loopback_allowed):
    listener = receiver()
    hook_for(world, listener.url, config=loopback_allowed)
    world.registration(approve=True)
    loopback_allowed["WEBHOOK_ALLOWED_NETWORKS"] = []
    webhooks.send_due(loopback_allowed)
    delivery = db.session.scalar(select(WebhookDelivery))
    assert listener.requests == [] and delivery.status == "pending" and "network" in delivery.error


def test_secretariat_pages_register_log_and_redeliver(client, world, receiver, loopback_allowed):
    listener = receiver()
    secretariat = make_user()
    grant(secretariat, world.event, "secretariat")
    db.session.commit()
    login_session(client, secretariat)
    url = "/e/astana/manage/webhooks"
    doc = page(client.get(url))
    token = doc.xpath("//input[@name='csrf_token']/@value")
    data = {"url": listener.url, "secret": "", "events": ["registration.approved", "checkin.created"]}
    if token:
        data["csrf_token"] = token[0]
    assert client.post(url, data=data).status_code == 302
    hook = db.session.scalar(select(Webhook))
    assert len(hook.secret) >= 32 and hook.events == ["registration.approved", "checkin.created"]
    world.registration(approve=True)
    webhooks.send_due(loopback_allowed)
    detail = client.get(f"{url}/{hook.id}").get_data(as_text=True)
    assert "delivered" in detail and "200" in detail
    delivery = db.session.scalar(select(WebhookDelivery))
    assert client.post(f"{url}/{hook.id}/deliveries/{delivery.id}/redeliver").status_code == 302
    webhooks.send_due(loopback_allowed)
    assert len(listener.requests) == 2 and listener.requests[0][1] == listener.requests[1][1]
    assert client.post(f"{url}/{hook.id}/disable").status_code == 302
    db.session.expire_all()
    assert hook.active is False
    assert client.post(f"{url}/{hook.id}/enable").status_code == 302
    refused = client.post(url, data={**data, "url": "http://10.0.0.1/x"})
    assert refused.status_code == 200 and "network" in refused.get_data(as_text=True)
    other = make_user()
    grant(other, world.event, "accreditation")
    db.session.commit()
    login_session(client, other)
    assert client.get(url).status_code == 403


def test_send_webhooks_command(app, world, receiver, loopback_allowed):
    listener = receiver()
    hook_for(world, listener.url, config=loopback_allowed)
    world.registration(approve=True)
    result = app.test_cli_runner().invoke(args=["send-webhooks"])
    assert result.exit_code == 0 and "1 deliveries attempted" in result.output
    assert len(listener.requests) == 1


def queue_deliveries(hook, count: int) -> None:
    """`count` due deliveries for `hook`, numbered 0.. in their payload."""
    for n in range(count):
        db.session.add(WebhookDelivery(webhook_id=hook.id, event_type="registration.approved",
                                       payload={"type": "registration.approved", "n": n}))
    db.session.commit()


def test_two_webhook_workers_at_once_send_each_delivery_once(app, world, receiver, loopback_allowed):
    """Two machines each run `flask send-webhooks --loop`: a delivery is claimed by one of
    them just before it is sent, so the receiver never gets the same delivery twice."""
    listener = receiver()
    queue_deliveries(hook_for(world, listener.url, config=loopback_allowed), 8)
    barrier, errors, counts = threading.Barrier(2), [], []

    def worker():
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                counts.append(webhooks.send_due(loopback_allowed))
            except Exception as exc:  # reported below, not lost in the thread
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    received = sorted(json.loads(body)["n"] for _headers, body in listener.requests)
    assert received == list(range(8))
    assert sum(counts) == 8
    db.session.expire_all()
    rows = db.session.scalars(select(WebhookDelivery)).all()
    assert {(d.status, d.attempts) for d in rows} == {("delivered", 1)}


def test_a_stopped_webhook_worker_finishes_the_delivery_in_hand_and_leaves_the_rest(world, receiver,
                                                                                    loopback_allowed, monkeypatch):
    listener = receiver()
    queue_deliveries(hook_for(world, listener.url, config=loopback_allowed), 3)
    stop = threading.Event()
    real_attempt = webhooks.attempt

    def attempt_then_stop(delivery, config, now=None):
        real_attempt(delivery, config, now)
        stop.set()  # SIGTERM arrives while the first delivery is being sent

    monkeypatch.setattr(webhooks, "attempt", attempt_then_stop)
    assert webhooks.send_due(loopback_allowed, stop=stop) == 1
    monkeypatch.setattr(webhooks, "attempt", real_attempt)
    assert len(listener.requests) == 1
    db.session.expire_all()
    rows = db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    # The two left are due now, for the next worker: not held by a claim.
    assert [d.status for d in rows] == ["delivered", "pending", "pending"]
    assert all(d.next_attempt_at <= utcnow() for d in rows[1:])
    assert webhooks.send_due(loopback_allowed) == 2


def _certificates(directory, name: str):
    """A certificate authority, and a server certificate it signed for `name`."""
    from datetime import datetime, timezone

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.now(timezone.utc)

    def build(subject, issuer, public_key, signing_key, *, ca: bool, san=None):
        builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
                   .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
                   .not_valid_after(now + timedelta(days=1))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if san:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False)
        return builder.sign(signing_key, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test webhook CA")])
    ca = build(ca_name, ca_name, ca_key.public_key(), ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = build(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]), ca_name, key.public_key(), ca_key,
                 ca=False, san=name)
    (directory / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (directory / "server.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (directory / "server.key").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                             serialization.PrivateFormat.PKCS8,
                                                             serialization.NoEncryption()))
    return directory / "ca.pem"


@pytest.fixture
def tls_receiver(tmp_path, monkeypatch):
    """A receiver over HTTPS on loopback, its certificate signed by a CA this test trusts."""
    import ssl

    made = []

    def start(name: str = "localhost"):
        directory = tmp_path / f"tls-{len(made)}"
        directory.mkdir()
        monkeypatch.setenv("SSL_CERT_FILE", str(_certificates(directory, name)))
        listener = Receiver()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(directory / "server.pem", directory / "server.key")
        listener.server.socket = context.wrap_socket(listener.server.socket, server_side=True)
        listener.url = f"https://localhost:{listener.server.server_port}/hook"
        made.append(listener)
        return listener

    yield start
    for listener in made:
        listener.close()


def test_a_webhook_over_https_is_delivered_to_a_trusted_certificate(world, tls_receiver, loopback_allowed):
    listener = tls_receiver("localhost")
    hook_for(world, listener.url, config=loopback_allowed)
    world.registration(approve=True)
    assert webhooks.send_due(loopback_allowed) == 1
    headers, body = listener.requests[0]
    assert headers["Host"].startswith("localhost") and webhooks.verify("s3cret", headers["Kurultai-Signature"], body)
    delivery = db.session.scalar(select(WebhookDelivery))
    db.session.expire_all()
    assert (delivery.status, delivery.response_code, delivery.error) == ("delivered", 200, "")


def test_a_webhook_over_https_refuses_a_certificate_for_another_name(world, tls_receiver, loopback_allowed):
    listener = tls_receiver("hooks.example.org")  # the server at localhost shows someone else's name
    hook_for(world, listener.url, config=loopback_allowed)
    world.registration(approve=True)
    webhooks.send_due(loopback_allowed)
    assert listener.requests == []  # nothing signed was sent to it
    delivery = db.session.scalar(select(WebhookDelivery))
    db.session.expire_all()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert "certificate" in delivery.error.lower()
