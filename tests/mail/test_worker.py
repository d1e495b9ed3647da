"""The outbox and `flask send-mail`, against a real SMTP server on this machine."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.services import queue_email, queue_for_user
from app.mail.worker import backoff, claim_batch, deliver_once
from app.utils.time import utcnow
from tests.factories import make_user, outbox


def send_mail(app) -> str:
    result = app.test_cli_runner().invoke(args=["send-mail", "--once"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def queue(n: int, prefix: str = "delegate") -> list[OutboxMessage]:
    user = make_user()
    messages = [queue_email(to=f"{prefix}{i}@example.org", template="password_changed", user=user)
                for i in range(n)]
    db.session.commit()
    return messages


def make_due() -> None:
    """As if the retry delay had passed."""
    db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def statuses() -> list[tuple[str, int]]:
    return [(m.status.value, m.attempts) for m in outbox()]


def test_smtp_down_keeps_messages_queued_for_a_retry_then_sends_each_once(app, smtp):
    queue(3)
    before = utcnow()
    assert send_mail(app) == "sent 0, to retry 3, failed 0"
    messages = outbox()
    assert [(m.status, m.attempts) for m in messages] == [(OutboxStatus.queued, 1)] * 3
    for message in messages:
        assert message.next_attempt_at >= before + timedelta(seconds=30)
        assert message.last_error.startswith("ConnectionRefusedError")
        assert (message.locked_by, message.locked_until, message.sent_at) == ("", None, None)

    smtp.start()
    assert send_mail(app) == "sent 0, to retry 0, failed 0"  # not due yet
    make_due()
    assert send_mail(app) == "sent 3, to retry 0, failed 0"
    assert send_mail(app) == "sent 0, to retry 0, failed 0"
    assert smtp.collector.recipients == ["delegate0@example.org", "delegate1@example.org", "delegate2@example.org"]
    assert statuses() == [("sent", 2)] * 3
    assert all(m.sent_at is not None and m.last_error == "" for m in outbox())


def test_message_is_delivered_as_rendered(app, smtp):
    user = make_user("aru@example.org", given_name="Ару", family_name="Сәдуақасова", locale="ru")
    message = queue_for_user(user, "password_changed")
    db.session.commit()
    smtp.start()
    send_mail(app)
    [received] = smtp.collector.messages
    assert received["To"] == "aru@example.org"
    assert received["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert received["Subject"] == message.subject
    assert received["Content-Language"] == "ru"
    assert received.get_body(("plain",)).get_content().strip().splitlines() == message.body_text.strip().splitlines()
    assert "Ару Сәдуақасова" in received.get_body(("html",)).get_content()


def test_second_worker_never_sends_what_the_first_claimed(app, smtp):
    queue(4)
    smtp.start()
    claimed = claim_batch("worker-a", limit=2)
    assert len(claimed) == 2
    counts = deliver_once(worker_id="worker-b")
    assert counts == {"sent": 2, "retry": 0, "failed": 0, "released": 0}
    assert len(smtp.collector.messages) == 2
    # Worker A's claim is a lease: nobody else takes those messages while it runs.
    assert deliver_once(worker_id="worker-c") == {"sent": 0, "retry": 0, "failed": 0, "released": 0}
    assert sorted(m.status.value for m in outbox()) == ["sending", "sending", "sent", "sent"]


def test_a_lease_left_by_a_dead_worker_expires_and_the_message_is_retried(app, smtp):
    queue(1)
    smtp.start()
    assert len(claim_batch("worker-that-dies")) == 1
    db.session.execute(update(OutboxMessage).values(locked_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert deliver_once(worker_id="worker-b") == {"sent": 1, "retry": 0, "failed": 0, "released": 0}
    assert len(smtp.collector.messages) == 1


def test_message_fails_for_good_after_the_maximum_attempts(app, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    queue(1)
    assert send_mail(app) == "sent 0, to retry 1, failed 0"
    make_due()
    assert send_mail(app) == "sent 0, to retry 1, failed 0"
    assert statuses() == [("queued", 2)]
    make_due()
    assert send_mail(app) == "sent 0, to retry 0, failed 1"
    assert statuses() == [("failed", 3)]
    smtp.start()
    make_due()
    assert send_mail(app) == "sent 0, to retry 0, failed 0"
    assert smtp.collector.messages == []


def test_refused_recipient_fails_at_once_and_the_others_are_sent(app, smtp):
    user = make_user()
    queue_email(to="bounce@example.org", template="password_changed", user=user)
    queue_email(to="fine@example.org", template="password_changed", user=user)
    db.session.commit()
    smtp.start()
    assert send_mail(app) == "sent 1, to retry 0, failed 1"
    [bounced, fine] = outbox()
    assert (bounced.status, bounced.attempts) == (OutboxStatus.failed, 1)
    assert bounced.last_error.startswith("SMTPRecipientsRefused")
    assert fine.status == OutboxStatus.sent
    assert smtp.collector.recipients == ["fine@example.org"]


def test_backoff_grows_and_is_capped():
    assert [backoff(n) for n in (1, 2, 3, 4)] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert backoff(30) == timedelta(hours=1)


def test_mail_is_rendered_in_the_users_language(app):
    russian = make_user(locale="ru")
    kazakh = make_user(locale="kk")
    unknown = make_user(locale="xx")
    for user in (russian, kazakh, unknown):
        queue_for_user(user, "password_changed")
    db.session.commit()
    assert [m.locale for m in outbox()] == ["ru", "kk", "en"]
    assert [m.user_id for m in outbox()] == [russian.id, kazakh.id, unknown.id]


def test_html_part_escapes_what_users_typed(app):
    user = make_user(given_name="<script>alert(1)</script>", family_name="X")
    message = queue_for_user(user, "password_changed")
    db.session.commit()
    assert "<script>alert(1)</script>" in message.body_text  # plain text is shown as text
    assert "<script>" not in message.body_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in message.body_html


def test_queued_mail_disappears_with_a_rolled_back_change(app):
    user = make_user()
    db.session.commit()
    queue_for_user(user, "password_changed")
    db.session.rollback()
    assert outbox() == []


def test_mail_template_without_subject_line_is_refused(app, tmp_path):
    from jinja2 import DictLoader, ChoiceLoader

    original = app.jinja_env.loader
    app.jinja_env.loader = ChoiceLoader([DictLoader({"mail/broken.txt": "Hello\n\nno subject"}), original])
    try:
        with app.test_request_context(), pytest.raises(ValueError):
            queue_email(to="a@example.org", template="broken")
    finally:
        app.jinja_env.loader = original


def _worker(app, barrier, results, key, job):
    with app.app_context():
        try:
            barrier.wait(timeout=30)
            results[key] = job()
        finally:
            db.session.remove()


def test_two_workers_at_once_claim_disjoint_sets(app, is_postgres):
    if not is_postgres:
        pytest.skip("concurrent claiming is exercised on PostgreSQL (TEST_DATABASE_URL)")
    ids = {m.id for m in queue(60)}
    barrier, results = threading.Barrier(2), {}
    threads = [threading.Thread(target=_worker, args=(app, barrier, results, name,
                                                      lambda name=name: claim_batch(name, limit=40)))
               for name in ("worker-a", "worker-b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    a, b = set(results["worker-a"]), set(results["worker-b"])
    assert a.isdisjoint(b)
    assert a | b == ids


def test_two_workers_at_once_never_send_a_message_twice(app, smtp, is_postgres):
    if not is_postgres:
        pytest.skip("concurrent sending is exercised on PostgreSQL (TEST_DATABASE_URL)")
    queue(30)
    smtp.start()
    barrier, results = threading.Barrier(2), {}
    threads = [threading.Thread(target=_worker, args=(app, barrier, results, name,
                                                      lambda name=name: deliver_once(worker_id=name, limit=20)))
               for name in ("worker-a", "worker-b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    # Whatever one worker could not claim in its pass waits for the next pass.
    late = deliver_once(worker_id="worker-c")
    assert results["worker-a"]["sent"] + results["worker-b"]["sent"] + late["sent"] == 30
    assert smtp.collector.recipients == sorted(f"delegate{i}@example.org" for i in range(30))
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.status == OutboxStatus.sent)) == 30


def test_internationalised_address_is_delivered(app, smtp):
    """Sign-up accepts addresses like "ару@example.kz"; the worker delivers them (SMTPUTF8)."""
    user = make_user()
    queue_email(to="ару@example.kz", template="password_changed", user=user)
    queue_email(to="plain@example.org", template="password_changed", user=user)
    db.session.commit()
    smtp.start()
    assert send_mail(app) == "sent 2, to retry 0, failed 0"
    assert smtp.collector.recipients == ["plain@example.org", "ару@example.kz"]
