"""Passport data is kept only as long as the visa-support letter needs it."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.registration import services
from tests.factories import make_category, make_user
from tests.registration.conftest import details, set_event_settings

VISA = dict(visa_letter_needed=True, passport_number="AB1234567", passport_expiry=date(2031, 1, 1),
            date_of_birth=date(1975, 3, 2), place_of_birth="Karachi")


def test_purge_passports_command_deletes_only_passport_fields_after_retention(app, event):
    set_event_settings(event, passport_retention_days=30)
    event.start_date, event.end_date = date(2025, 4, 21), date(2025, 4, 23)
    category = make_category(event)
    registration = services.create_registration(event, make_user(), details(**VISA), category=category, actor=None)
    db.session.commit()
    assert services.purge_passports(today=event.end_date + timedelta(days=30)) == {}
    runner = app.test_cli_runner()
    result = runner.invoke(args=["purge-passports"])  # today is long after the event
    assert "passport data deleted from 1 registrations" in result.output
    db.session.expire_all()
    assert (registration.passport_number, registration.date_of_birth, registration.given_name,
            registration.visa_letter_needed) == ("", None, "Aliya", True)
    assert registration.passport_purged_at is not None
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "registration.purge_passports")).one()
    assert entry.actor_id is None


def test_cancelling_deletes_passport_data(event):
    category = make_category(event)
    registration = services.create_registration(event, make_user(), details(**VISA), category=category, actor=None)
    services.cancel_registration(registration, actor=registration.user)
    assert (registration.passport_number, registration.passport_expiry) == ("", None)


def test_passport_is_never_written_to_the_audit_log(event):
    category = make_category(event)
    services.create_registration(event, make_user(), details(**VISA), category=category, actor=None)
    db.session.commit()
    changes = " ".join(str(c) for c in db.session.scalars(select(AuditEntry.changes)))
    assert "AB1234567" not in changes
