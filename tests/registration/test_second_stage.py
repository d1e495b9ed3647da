"""Custom questions, travel details, reminders and passport retention."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.mail.models import OutboxMessage
from app.registration import services
from app.registration.models import ApprovalMode, QuestionKind, Registration, RegistrationState as S
from tests.factories import grant, login, make_user
from tests.registration.conftest import details, form_data, make_category, set_event_settings

VISA = dict(visa_letter_needed=True, passport_number="AB1234567", passport_expiry=date(2031, 1, 1),
            date_of_birth=date(1975, 3, 2), place_of_birth="Karachi")


@pytest.fixture
def auto(event):
    return make_category(event, "Observer", approval=ApprovalMode.auto)


def test_custom_questions_are_asked_required_and_exported(client, event, auto):
    trip = services.add_question(event, label="Field trip", kind=QuestionKind.choice,
                                 choices=["Burabay", "City tour"], required=True, position=0, actor=None)
    topics = services.add_question(event, label="Topics", kind=QuestionKind.multi, choices=["Water", "Finance"],
                                   required=False, position=1, actor=None)
    vegan = services.add_question(event, label="First summit?", kind=QuestionKind.yesno, choices=[],
                                  required=False, position=2, actor=None)
    user = make_user()
    db.session.commit()
    login(client, user)
    missing = client.post(f"/e/{event.slug}/register", data=form_data(auto))
    assert "This field is required." in missing.get_data(as_text=True)
    tampered = client.post(f"/e/{event.slug}/register", data=form_data(auto, **{f"q_{trip.id}": "Moon"}))
    assert "Not a valid choice." in tampered.get_data(as_text=True)
    ok = client.post(f"/e/{event.slug}/register", data=form_data(auto, **{
        f"q_{trip.id}": "Burabay", f"q_{topics.id}": ["Water", "Finance"], f"q_{vegan.id}": "yes"}))
    assert ok.status_code == 302
    registration = db.session.scalars(select(Registration)).one()
    assert registration.answers == {str(trip.id): "Burabay", str(topics.id): ["Water", "Finance"],
                                    str(vegan.id): "yes"}
    officer = make_user()
    grant(officer, event, "accreditation")
    db.session.commit()
    client.post("/account/logout")
    login(client, officer)
    rows = list(csv.reader(io.StringIO(client.get(f"/e/{event.slug}/manage/registrations/export.csv")
                                       .get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][-3:] == ["Field trip", "Topics", "First summit?"]
    assert rows[1][-3:] == ["Burabay", "Water, Finance", "Yes"]


def test_approved_delegate_saves_travel_details_in_event_time(client, event, auto):
    user = make_user()
    db.session.commit()
    login(client, user)
    client.post(f"/e/{event.slug}/register", data=form_data(auto))
    response = client.post(f"/e/{event.slug}/my-registration/travel",
                           data={"arrival_flight": "kc 922", "arrival_at": "2027-04-20T14:30",
                                 "departure_flight": "KC 921", "departure_at": "2027-04-24T09:00",
                                 "hotel": "Hilton Astana", "airport_transfer": "y"})
    assert response.status_code == 302
    registration = db.session.scalars(select(Registration)).one()
    db.session.refresh(registration)
    assert (registration.arrival_flight, registration.arrival_at.isoformat(), registration.airport_transfer) == (
        "KC 922", "2027-04-20T09:30:00+00:00", True)


@pytest.mark.parametrize("data,error", [
    ({"arrival_at": "2027-04-21T10:00", "departure_at": "2027-04-20T10:00"}, "Departure cannot be before arrival."),
    ({"arrival_at": "tomorrow"}, "Enter a date and time like 2027-04-20 14:30."),
    ({"arrival_at": "2029-01-01T10:00"}, "Choose a time within a month of the event."),
    ({"arrival_flight": "<script>"}, "Use letters and digits, e.g. KC 922."),
])
def test_travel_bad_input_gives_a_field_error(client, event, auto, data, error):
    user = make_user()
    db.session.commit()
    login(client, user)
    client.post(f"/e/{event.slug}/register", data=form_data(auto))
    response = client.post(f"/e/{event.slug}/my-registration/travel", data=data)
    assert response.status_code == 200
    assert error in response.get_data(as_text=True)


def test_travel_page_waits_for_approval(client, event):
    moderated = make_category(event)
    user = make_user()
    db.session.commit()
    login(client, user)
    client.post(f"/e/{event.slug}/register", data=form_data(moderated))
    response = client.get(f"/e/{event.slug}/my-registration/travel")
    assert response.status_code == 302


def test_travel_reminders_go_only_to_approved_delegates_without_details(client, event, auto):
    done = services.create_registration(event, make_user(), details(), category=auto, actor=None)
    todo = services.create_registration(event, make_user(), details(), category=auto, actor=None)
    services.update_travel(done, {"hotel": "Rixos"}, actor=None)
    officer = make_user()
    grant(officer, event, "accreditation")
    db.session.commit()
    login(client, officer)
    client.post(f"/e/{event.slug}/manage/registrations/travel-reminders")
    reminders = list(db.session.scalars(select(OutboxMessage.to_address)
                                        .where(OutboxMessage.template == "registration_travel_reminder")))
    assert reminders == [todo.email]
    # A second click the same day does not email again.
    client.post(f"/e/{event.slug}/manage/registrations/travel-reminders")
    assert db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.template == "registration_travel_reminder")).all().__len__() == 1


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
