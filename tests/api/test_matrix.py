"""The token x role x action matrix: every organiser role against one request per
action group, as the role table allows, and the token's own limits on top: a
read-only token writing, a token of another event, an expired and a revoked token."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import policy
from app.api.models import ApiToken
from app.extensions import db
from app.utils.time import utcnow
from tests.api.conftest import at
from tests.api.support import bearer, personal_token
from tests.factories import grant, make_event, make_user

ROLES = ("secretariat", "programme", "accreditation", "protocol", "checkin", "viewer")
BASE = "/api/v1/events/astana"


def _requests(world):
    registration = world.registration()
    return {
        "registration.view": ("GET", f"{BASE}/registrations", None),
        "registration.review": ("POST", f"{BASE}/registrations/decisions",
                                {"ids": [registration.id], "decision": "waitlist"}),
        "registration.configure": ("POST", f"{BASE}/categories", {"name": "Observers"}),
        "delegation.view": ("GET", f"{BASE}/delegations", None),
        "delegation.manage": ("POST", f"{BASE}/delegations", {"name": "Pakistan"}),
        "invitation.manage": ("GET", f"{BASE}/invitations", None),
        "agenda.view_draft": ("GET", f"{BASE}/agenda/sessions", None),
        "agenda.edit": ("POST", f"{BASE}/agenda/sessions",
                        {"title": "New", "room_id": world.hall.id, "starts_at": at(16).isoformat(),
                         "ends_at": at(17).isoformat()}),
        "agenda.publish": ("POST", f"{BASE}/agenda/publish", {}),
        "speaker.manage": ("GET", f"{BASE}/agenda/sessions/{world.panel.id}/speakers", None),
        "checkin.operate": ("GET", f"{BASE}/checkins/counts", None),
        "visa_letter.manage": ("GET", f"{BASE}/registrations/{registration.id}/visa-letter", None),
        "badge.print_bulk": ("GET", f"{BASE}/registrations/{registration.id}/badge.pdf", None),
    }


ACTIONS = ("registration.view", "registration.review", "registration.configure", "delegation.view",
           "delegation.manage", "invitation.manage", "agenda.view_draft", "agenda.edit", "agenda.publish",
           "speaker.manage", "checkin.operate", "visa_letter.manage", "badge.print_bulk")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_role_matrix(client, world, role, action):
    method, url, body = _requests(world)[action]
    user = make_user()
    grant(user, world.event, role)
    db.session.commit()
    secret = personal_token(user, world.event)
    status = client.open(url, method=method, headers=bearer(secret), json=body).status_code
    allowed = policy.matrix()[role][action]
    if allowed:
        assert status not in (401, 403), f"{role} {action}: {status}"
    else:
        assert status == 403, f"{role} {action}: {status}"


@pytest.mark.parametrize("action", ACTIONS)
def test_token_limits_on_top_of_the_role(client, world, action):
    method, url, body = _requests(world)[action]
    writes = method != "GET"
    user = make_user()
    grant(user, world.event, "secretariat")
    other = make_event("elsewhere")
    grant(user, other, "secretariat")
    db.session.commit()
    read_only = personal_token(user, world.event, scope="read")
    status = client.open(url, method=method, headers=bearer(read_only), json=body).status_code
    assert (status == 403) if writes else (status not in (401, 403))
    elsewhere = personal_token(user, other)
    assert client.open(url, method=method, headers=bearer(elsewhere), json=body).status_code == 403
    expired, revoked = personal_token(user, world.event), personal_token(user, world.event)
    tokens = list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))
    tokens[-2].expires_at = utcnow() - timedelta(minutes=1)
    tokens[-1].revoked_at = utcnow()
    db.session.commit()
    for secret in (expired, revoked):
        assert client.open(url, method=method, headers=bearer(secret), json=body).status_code == 401
    assert client.open(url, method=method, json=body).status_code == 401


@pytest.mark.parametrize("action", ACTIONS)
def test_a_platform_admins_token_may_do_everything_in_its_event(client, world, action):
    method, url, body = _requests(world)[action]
    admin = make_user(is_admin=True)
    db.session.commit()
    status = client.open(url, method=method, headers=bearer(personal_token(admin, world.event)), json=body).status_code
    assert status not in (401, 403)


def test_a_user_without_a_role_may_do_nothing(client, world):
    user = make_user()
    db.session.commit()
    secret = personal_token(user, world.event)
    for action, (method, url, body) in _requests(world).items():
        assert client.open(url, method=method, headers=bearer(secret), json=body).status_code == 403, action
