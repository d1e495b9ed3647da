"""The second stage: an approved delegate's travel details and the reminders to give them."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.mail.models import OutboxMessage
from app.registration import services
from app.registration.models import ApprovalMode, Registration
from tests.factories import grant, login, make_category, make_user
from tests.registration.conftest import details, form_data


@pytest.fixture
def auto(event):
    return make_category(event, "Observer", approval=ApprovalMode.auto)


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
