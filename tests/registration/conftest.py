"""Builders for registration tests."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.mail.models import OutboxMessage
from app.registration import services
from app.registration.models import RegistrationSettings
from tests.factories import make_user


def set_event_settings(event, **fields) -> RegistrationSettings:
    from app.registration.services import settings_for

    settings = settings_for(event)
    for key, value in fields.items():
        setattr(settings, key, value)
    db.session.flush()
    return settings


def details(**overrides) -> dict:
    """Valid service-level data for a registration."""
    data = dict(honorific="Dr", given_name="Aliya", family_name="Serikova", organisation="Nazarbayev University",
                position="Professor", country="KZ", nationality="KZ", phone="+7 701 000 00 00", languages=["en", "kk"],
                dietary="", accessibility="", arrival_date=date(2027, 4, 20), departure_date=date(2027, 4, 24),
                visa_letter_needed=False, public_listing=True)
    data.update(overrides)
    return data


def form_data(category, **overrides) -> dict:
    """Valid POST data for the registration form (logged-in user)."""
    data = {"category": str(category.id), "honorific": "Dr", "given_name": "Aliya", "family_name": "Serikova",
            "organisation": "Nazarbayev University", "position": "Professor", "country": "KZ",
            "nationality": "KZ", "phone": "+7 701 000 00 00", "languages": ["en", "kk"],
            "arrival_date": "2027-04-20", "departure_date": "2027-04-24", "privacy_consent": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def register(event, category, user=None, **overrides):
    """`user`'s registration (a new verified person's by default) through the service."""
    user = user or make_user()
    return services.create_registration(event, user, details(**overrides), category=category, actor=user)


def outbox(template=None):
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if template:
        stmt = stmt.where(OutboxMessage.template == template)
    return list(db.session.scalars(stmt))


@pytest.fixture
def event(db):
    from tests.factories import make_event

    return make_event()
