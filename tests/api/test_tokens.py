"""API tokens: made and revoked on their pages, shown once, stored hashed, limited
to their event and scope, expiring, with the last use shown and every call audited."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.api.models import ApiToken
from app.audit.models import AuditEntry
from app.extensions import db
from app.utils.time import utcnow
from tests.api.support import bearer, personal_token, service_token
from tests.factories import grant, login_session, make_event, make_user, page


def _form(client, url):
    doc = page(client.get(url))
    return {i.name: i.value for i in doc.forms[-1].inputs if i.name}


def test_personal_token_is_shown_once_and_stored_hashed(client):
    event = make_event()
    user = make_user()
    grant(user, event, "accreditation")
    db.session.commit()
    login_session(client, user)
    data = _form(client, "/account/api-tokens")
    data.update(name="Hotel sync", event_id=str(event.id), scope="read", days="30")
    response = client.post("/account/api-tokens", data=data)
    assert response.status_code == 200
    secret = page(response).xpath("//code[contains(@class, 'user-select-all')]")[0].text
    assert secret.startswith("kt_")
    token = db.session.scalar(select(ApiToken))
    assert token.name == "Hotel sync" and token.event_id == event.id and token.scope.value == "read"
    assert secret not in token.token_hash and len(token.token_hash) == 64
    # The list shows the token by its prefix, never the secret again.
    listing = client.get("/account/api-tokens").get_data(as_text=True)
    assert "Hotel sync" in listing and secret not in listing and token.prefix in listing
    assert client.get("/api/v1/token", headers=bearer(secret)).get_json()["name"] == "Hotel sync"


def test_user_revokes_their_token_and_it_stops_working(client):
    event = make_event()
    user = make_user()
    secret = personal_token(user, event)
    token = db.session.scalar(select(ApiToken))
    login_session(client, user)
    assert client.get("/api/v1/token", headers=bearer(secret)).status_code == 200
    assert client.post(f"/account/api-tokens/{token.id}/revoke").status_code == 302
    response = client.get("/api/v1/token", headers=bearer(secret))
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "api_token.personal.revoke"))


def test_nobody_revokes_another_users_token(client):
    event = make_event()
    owner, other = make_user(), make_user()
    secret = personal_token(owner, event)
    token = db.session.scalar(select(ApiToken))
    login_session(client, other)
    assert client.post(f"/account/api-tokens/{token.id}/revoke").status_code == 404
    assert client.get("/api/v1/token", headers=bearer(secret)).status_code == 200


def test_expired_and_unknown_tokens_are_refused_with_json(client):
    event = make_event()
    user = make_user()
    secret = personal_token(user, event)
    token = db.session.scalar(select(ApiToken))
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    for headers in (bearer(secret), bearer("kt_nothing"), {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/events", headers=headers)
        assert response.status_code == 401 and response.mimetype == "application/json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_deactivated_users_token_stops_working(client):
    event = make_event()
    user = make_user()
    secret = personal_token(user, event)
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/token", headers=bearer(secret)).status_code == 401


def test_every_token_call_is_audited_with_the_tokens_name_and_last_use_shown(client):
    event = make_event()
    user = make_user()
    secret = personal_token(user, event)
    assert client.get("/api/v1/token", headers=bearer(secret)).status_code == 200
    assert client.get("/api/v1/events/nothing", headers=bearer(secret)).status_code == 404
    entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "api.call")
                                      .order_by(AuditEntry.id)))
    assert [e.summary for e in entries] == [f"{user.email} token: GET /api/v1/token -> 200",
                                            f"{user.email} token: GET /api/v1/events/nothing -> 404"]
    assert all(e.actor_id == user.id and e.event_id == event.id for e in entries)
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken)).last_used_at is not None


def test_secretariat_makes_lists_and_revokes_service_tokens(client):
    event = make_event()
    secretariat = make_user()
    grant(secretariat, event, "secretariat")
    db.session.commit()
    login_session(client, secretariat)
    url = f"/e/{event.slug}/manage/api-tokens"
    data = _form(client, url)
    data.update(name="Visa portal", scope="read", days="60", actions=["registration.view",
                                                                       "registration.view_passport"])
    response = client.post(url, data=data)
    secret = page(response).xpath("//code[contains(@class, 'user-select-all')]")[0].text
    info = client.get("/api/v1/token", headers=bearer(secret)).get_json()
    assert info["kind"] == "service" and info["actions"] == ["registration.view", "registration.view_passport"]
    token = db.session.scalar(select(ApiToken))
    assert "Visa portal" in client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/{token.id}/revoke").status_code == 302
    assert client.get("/api/v1/token", headers=bearer(secret)).status_code == 401
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"api_token.service.create", "api_token.service.revoke"} <= actions


def test_service_token_page_is_for_the_secretariat_only(client):
    event = make_event()
    user = make_user()
    grant(user, event, "accreditation")
    db.session.commit()
    login_session(client, user)
    assert client.get(f"/e/{event.slug}/manage/api-tokens").status_code == 403


def test_service_token_needs_known_actions(app):
    import pytest

    from app.api.models import TokenScope
    from app.api.services import tokens

    event = make_event()
    actor = make_user()
    with pytest.raises(tokens.TokenRefusal):
        tokens.create_service_token(event, name="x", scope=TokenScope.read, days=5, actions=["admin.users"],
                                    actor=actor)
    with pytest.raises(tokens.TokenRefusal):
        tokens.create_service_token(event, name="x", scope=TokenScope.read, days=0, actions=["registration.view"],
                                    actor=actor)


def test_profile_links_to_the_token_page(client):
    user = make_user()
    db.session.commit()
    login_session(client, user)
    assert page(client.get("/account/profile")).xpath("//a[@href='/account/api-tokens']")
