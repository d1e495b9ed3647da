"""Command-line tools and configuration checks."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app import create_app
from app.accounts.models import User
from app.accounts.passwords import verify_password
from app.agenda.models import AgendaSession, Room, Track
from app.audit.models import AuditEntry
from app.events.models import Event, EventRole
from app.extensions import db
from app.mail.models import OutboxMessage
from app.registration.models import Category, Question
from app.speakers.models import SpeakerProfile
from config import Config, ProductionConfig
from tests.factories import make_user

STRONG_SECRET = "a-production-secret-key-of-more-than-32-characters"


def counts() -> dict[str, int]:
    from app.agenda.models import AgendaSession
    from app.registration.models import Category, Delegation, Registration

    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (User, Event, EventRole, Room, Track, AgendaSession, Category, Delegation, Registration,
                          AuditEntry, OutboxMessage)}


def test_seed_demo_twice_gives_the_same_data(app):
    from app.seed import ROLE_ACCOUNTS

    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "Demo summit ready: /e/astana-2027/" in first.output
    after_first = counts()
    assert after_first["Event"] == 1
    accounts = ["admin@example.org", *(email for email, *_ in ROLE_ACCOUNTS), "delegate@example.org",
                "pk.focal@example.org"]
    assert [email for email in accounts if User.by_email(email) is None] == []
    roles = db.session.execute(select(User.email, EventRole.role).join(EventRole.user)
                               .order_by(User.email)).all()
    assert [(email, role.value) for email, role in roles] == [
        ("accreditation@example.org", "accreditation"), ("checkin@example.org", "checkin"),
        ("interpreter@example.org", "viewer"), ("programme@example.org", "programme"), ("protocol@example.org", "protocol"),
        ("secretariat@example.org", "secretariat"), ("viewer@example.org", "viewer")]
    assert User.by_email("admin@example.org").is_admin is True
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    db.session.expire_all()
    assert counts() == after_first
    assert first.output == second.output


def test_seed_demo_accounts_can_log_in(app, client):
    app.test_cli_runner().invoke(args=["seed-demo"])
    response = client.post("/account/login", data={"email": "viewer@example.org", "password": "summit-demo"})
    assert response.status_code == 302
    assert client.get("/e/astana-2027/manage/").status_code == 200


def test_seed_demo_is_refused_in_production(make_app):
    production = make_app(ProductionConfig, SECRET_KEY=STRONG_SECRET)
    with production.app_context():
        result = production.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 1
    assert "seed-demo is refused under the production configuration." in result.output
    assert counts()["Event"] == 0


def test_create_admin_creates_a_verified_administrator(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "Boss@Example.org", "--password",
                                                "a quiet river at dawn"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Created platform administrator boss@example.org."
    user = User.by_email("boss@example.org")
    assert (user.is_admin, user.is_verified, user.active) == (True, True, True)
    assert verify_password(user.password_hash, "a quiet river at dawn")


def test_create_admin_reads_the_password_from_the_environment(app, monkeypatch):
    monkeypatch.setenv("KURULTAI_ADMIN_PASSWORD", "a quiet river at dawn")
    result = app.test_cli_runner().invoke(args=["create-admin", "boss@example.org"])
    assert result.exit_code == 0, result.output
    assert User.by_email("boss@example.org").is_admin


def test_create_admin_promotes_an_existing_account_and_audits_it(app):
    user = make_user("helper@example.org")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["create-admin", "HELPER@example.org"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "helper@example.org is now a platform administrator."
    db.session.expire_all()
    assert db.session.get(User, user.id).is_admin is True
    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.actor_id, entry.object_id, entry.changes) == (
        "user.admin", None, str(user.id), {"is_admin": [False, True]})


@pytest.mark.parametrize("password, message", [
    ("short", "Use at least 10 characters."),
    ("password123", "This password is too common or too simple."),
])
def test_create_admin_refuses_a_weak_password(app, password, message):
    result = app.test_cli_runner().invoke(args=["create-admin", "boss@example.org", "--password", password])
    assert result.exit_code == 1
    assert f"Error: {message}" in result.output
    assert User.by_email("boss@example.org") is None


def test_create_admin_refuses_an_invalid_address(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "not-an-email", "--password",
                                                "a quiet river at dawn"])
    assert result.exit_code == 1
    assert "Error: Enter a valid email address." in result.output
    assert counts()["User"] == 0


def test_send_mail_once_with_nothing_queued(app):
    result = app.test_cli_runner().invoke(args=["send-mail", "--once"])
    assert result.output.strip() == "sent 0, to retry 0, failed 0"


# --- Configuration ------------------------------------------------------------------------

@pytest.mark.parametrize("secret", [Config.SECRET_KEY, "short", "x" * 31])
def test_production_refuses_a_weak_secret_key(tmp_path, secret):
    weak = type("WeakProduction", (ProductionConfig,), {"SECRET_KEY": secret, "INSTANCE_DIR": tmp_path})
    with pytest.raises(RuntimeError, match="Set SECRET_KEY to a random value of at least 32 characters."):
        create_app(weak)


def test_production_accepts_a_strong_secret_key(make_app):
    production = make_app(ProductionConfig, SECRET_KEY=STRONG_SECRET)
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["SEED_ALLOWED"] is False
    assert production.config["HSTS"] is True


def test_seeded_restricted_sessions_are_for_government_delegations(app):
    """Whatever ids the categories got: the demo's bilateral meetings name the
    government delegation category, so its approved delegates (Pakistan) see them."""
    from app.agenda.models import AgendaSession, Visibility
    from app.registration.models import Category
    from app.seed import seed_demo

    from tests.factories import make_event
    from tests.factories import make_category

    make_category(make_event("earlier-summit"), "Government delegation")  # the demo's ids do not start at 1
    seed_demo()
    db.session.commit()
    government = next(c.id for c in db.session.scalars(select(Category).join(Category.event)
                                                         .where(Event.slug == "astana-2027"))
                      if c.name.get("en") == "Government delegation")
    restricted = db.session.execute(select(AgendaSession.title, AgendaSession.category_ids)
                                    .where(AgendaSession.visibility == Visibility.restricted)).all()
    assert [(title.get("en"), ids) for title, ids in restricted] == [
        ("Bilateral meeting: water ministers of the region", [government])]


def test_seeded_summit_is_written_in_english_russian_and_kazakh(app):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    event = db.session.scalar(select(Event))
    texts = [event.title, event.short_title, event.venue, event.city, event.description, event.practical_info,
             event.privacy_notice]
    for model, columns in ((Room, ("name", "location")), (Track, ("name", "description")),
                           (Category, ("name", "description")), (Question, ("label", "help")),
                           (AgendaSession, ("title",)), (SpeakerProfile, ("bio",))):
        for row in db.session.scalars(select(model)):
            texts.extend(getattr(row, column) for column in columns)
    sessions = list(db.session.scalars(select(AgendaSession)))
    texts.extend(s.abstract for s in sessions if s.abstract)
    assert len(sessions) == 41
    untranslated = [t.texts for t in texts if t.missing(["en", "ru", "kk"])]
    assert untranslated == []
    assert {s.title.get("kk") for s in sessions} >= {"Ашылу салтанаты", "Арал өңірін қалпына келтіру"}
    assert "«Өңірлік экологиялық саммит – 2027» іс-шарасының хатшылығы" in event.privacy_notice.get("kk")
    assert "через 30 дней после последнего дня саммита" in event.privacy_notice.get("ru")
    question = db.session.scalars(select(Question).order_by(Question.position)).first()
    assert [choice["kk"] for choice in question.choices][1] == "Қорғалжын қорығы (күні бойы)"
