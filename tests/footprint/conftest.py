"""Builders for footprint tests: the bundled factor set, an event in Astana, approved delegates."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.footprint import services as footprint
from app.registration import services as registration_services
from app.registration.models import ApprovalMode
from tests.factories import make_category, make_event, make_user
from tests.registration.conftest import details

# The factors of the bundled DESNZ 2026 set the worked examples use (kg CO2e per unit), as
# printed in the published full set (factor IDs in app/footprint/data/desnz-2026.json).
SHORT_ECONOMY_RF = 0.12576
SHORT_ECONOMY = 0.07435
DOMESTIC_RF = 0.22928
LONG_ECONOMY_RF = 0.11704
LONG_BUSINESS_RF = 0.33940
LONG_BUSINESS = 0.20083
LONG_FIRST_RF = 0.46814
RAIL = 0.03092
HOTEL_DEFAULT = 30.0          # the set gives Kazakhstan no hotel figure: the application's default
UPLIFT = 1.08


@pytest.fixture
def factors(db):
    return footprint.install_bundled()


@pytest.fixture
def event(db, factors):
    return make_event()


@pytest.fixture
def category(event):
    return make_category(event, "Observer", approval=ApprovalMode.auto)


def approved(event, category, user=None, **overrides):
    """An approved delegate's registration (arrival 20 April, departure 24 April: 4 nights)."""
    user = user or make_user()
    registration = registration_services.create_registration(event, user, details(**overrides), category=category,
                                                             actor=user)
    if registration.state.value != "approved":
        registration_services.approve_registration(registration, actor=None)
    db.session.flush()
    return registration


def travel(registration, origin, legs, *, return_trip=True):
    """The delegate gives their journey through the registration service."""
    registration_services.update_travel(registration, {"travel_origin": origin, "travel_legs": legs,
                                                       "travel_return": return_trip}, actor=registration.user)
    db.session.flush()


def leg(mode, cabin="", to=""):
    return {"mode": mode, "cabin": cabin, "to": to}
