"""Registrations through the API: the same rules as the officer's pages, narrowed by
the token (its event, read or read-write, a service token's actions), with cursor
pages, If-Match and Idempotency-Key."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.api.models import ApiToken
from app.audit.models import AuditEntry
from app.extensions import db
from app.registration.models import Registration, RegistrationState as S
from app.utils.time import utcnow
from tests.api.support import bearer, personal_token, service_token
from tests.factories import grant, make_event, make_user

BASE = "/api/v1/events/astana/registrations"


def officer(world, role="accreditation", **kwargs):
    user = make_user()
    grant(user, world.event, role)
    db.session.commit()
    return personal_token(user, world.event, **kwargs)


def test_list_filters_and_cursor_pages(client, world):
    regs = [world.registration(f"Given{i}", f"Family{i}", approve=i % 2 == 0) for i in range(5)]
    secret = officer(world)
    seen, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get(BASE, headers=bearer(secret), query_string=query).get_json()
        seen += [r["id"] for r in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [r.id for r in regs]
    approved = client.get(BASE, headers=bearer(secret), query_string={"state": "approved"}).get_json()
    assert [r["id"] for r in approved["items"]] == [regs[0].id, regs[2].id, regs[4].id]
    assert client.get(BASE, headers=bearer(secret), query_string={"cursor": "!!"}).status_code == 422
    assert client.get(BASE, headers=bearer(secret), query_string={"state": "nonsense"}).status_code == 422
    for limit in (-5, 0, 201):
        response = client.get(BASE, headers=bearer(secret), query_string={"limit": limit})
        assert response.status_code == 422 and "limit" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("role, status", [("secretariat", 200), ("accreditation", 200), ("protocol", 200),
                                          ("programme", 403), ("checkin", 403), ("viewer", 403)])
def test_list_follows_the_role_table(client, world, role, status):
    assert client.get(BASE, headers=bearer(officer(world, role))).status_code == status


def test_passport_fields_only_for_who_may_see_them(client, world):
    world.registration(visa_letter_needed=True, passport_number="N1234567")
    accreditation, protocol = officer(world, "accreditation"), officer(world, "protocol")
    assert client.get(BASE, headers=bearer(accreditation)).get_json()["items"][0]["passport"]["passport_number"] \
        == "N1234567"
    assert client.get(BASE, headers=bearer(protocol)).get_json()["items"][0]["passport"] is None


def test_service_token_does_only_its_listed_actions(client, world):
    registration = world.registration(visa_letter_needed=True, passport_number="N1234567", approve=True)
    secretariat = make_user()
    grant(secretariat, world.event, "secretariat")
    secret = service_token(secretariat, world.event, ["registration.view"], scope="read_write")
    item = client.get(BASE, headers=bearer(secret)).get_json()["items"][0]
    assert item["passport"] is None  # registration.view_passport is not listed
    response = client.post(f"{BASE}/{registration.id}/state", headers=bearer(secret), json={"state": "rejected"})
    assert response.status_code == 403
    visa_portal = service_token(secretariat, world.event, ["registration.view", "registration.view_passport"])
    assert client.get(BASE, headers=bearer(visa_portal)).get_json()["items"][0]["passport"]["passport_number"] \
        == "N1234567"


def test_service_token_never_exceeds_its_maker(client, world):
    world.registration()
    maker = make_user()
    grant(maker, world.event, "secretariat")
    secret = service_token(maker, world.event, ["registration.view"])
    db.session.execute(db.delete(type(maker.event_roles[0])).where(type(maker.event_roles[0]).user_id == maker.id))
    db.session.commit()
    assert client.get(BASE, headers=bearer(secret)).status_code == 403


def test_token_of_another_event_is_refused(client, world):
    other = make_event("other")
    user = make_user()
    grant(user, world.event, "accreditation")
    grant(user, other, "accreditation")
    db.session.commit()
    secret = personal_token(user, other)
    assert client.get(BASE, headers=bearer(secret)).status_code == 403
    assert client.get("/api/v1/events/other/registrations", headers=bearer(secret)).status_code == 200


def test_read_only_token_cannot_write(client, world):
    registration = world.registration()
    secret = officer(world, scope="read")
    response = client.post(f"{BASE}/{registration.id}/state", headers=bearer(secret), json={"state": "approved"})
    assert response.status_code == 403
    db.session.expire_all()
    assert registration.state == S.submitted


def test_expired_and_revoked_tokens(client, world):
    secret = officer(world)
    token = db.session.scalar(select(ApiToken))
    token.revoked_at = utcnow()
    db.session.commit()
    assert client.get(BASE, headers=bearer(secret)).status_code == 401


def test_read_one_with_etag_and_change_state_with_if_match(client, world):
    registration = world.registration()
    secret = officer(world)
    url = f"{BASE}/{registration.id}"
    first = client.get(url, headers=bearer(secret))
    etag = first.headers["ETag"]
    assert first.get_json()["state"] == "submitted"
    # Someone else decides in between: the stale ETag is refused.
    world.registration("Other", "Person")
    stale = client.post(f"{url}/state", headers=bearer(secret, **{"If-Match": '"old"'}), json={"state": "approved"})
    assert stale.status_code == 412 and stale.get_json()["error"]["code"] == "precondition_failed"
    done = client.post(f"{url}/state", headers=bearer(secret, **{"If-Match": etag}), json={"state": "approved"})
    assert done.status_code == 200 and done.get_json()["state"] == "approved"
    again = client.post(f"{url}/state", headers=bearer(secret, **{"If-Match": etag}), json={"state": "rejected"})
    assert again.status_code == 412
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "registration.approved")).actor_id \
        == db.session.scalar(select(ApiToken)).user_id


def test_if_match_required_when_configured(client, world, app):
    registration = world.registration()
    secret = officer(world)
    app.config["API_REQUIRE_IF_MATCH"] = True
    try:
        response = client.post(f"{BASE}/{registration.id}/state", headers=bearer(secret), json={"state": "approved"})
    finally:
        app.config["API_REQUIRE_IF_MATCH"] = False
    assert response.status_code == 428


def test_illegal_transition_is_a_conflict(client, world):
    registration = world.registration(approve=True)
    secret = officer(world)
    response = client.post(f"{BASE}/{registration.id}/state", headers=bearer(secret), json={"state": "waitlisted"})
    assert response.status_code == 409


def test_delegate_reads_and_cancels_only_their_own(client, world):
    mine, theirs = world.registration(), world.registration("Other", "Person")
    secret = personal_token(mine.user, world.event)
    assert client.get(f"{BASE}/{mine.id}", headers=bearer(secret)).status_code == 200
    assert client.get(f"{BASE}/{theirs.id}", headers=bearer(secret)).status_code == 403
    assert client.get(BASE, headers=bearer(secret)).status_code == 403
    assert client.post(f"{BASE}/{mine.id}/state", headers=bearer(secret), json={"state": "approved"}).status_code \
        == 403
    response = client.post(f"{BASE}/{mine.id}/state", headers=bearer(secret), json={"state": "cancelled"})
    assert response.status_code == 200 and response.get_json()["state"] == "cancelled"


def test_create_on_someones_behalf_with_idempotent_replay(client, world):
    person = make_user("guest@example.org")
    db.session.commit()
    secret = officer(world)
    body = {"email": person.email, "category_id": world.category.id, "given_name": "Guest", "family_name": "One"}
    headers = bearer(secret, **{"Idempotency-Key": "create-guest-1"})
    first = client.post(BASE, headers=headers, json=body)
    assert first.status_code == 201, first.get_json()
    replay = client.post(BASE, headers=headers, json=body)
    assert replay.status_code == 201 and replay.get_json() == first.get_json()
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert db.session.scalar(select(db.func.count(Registration.id))) == 1
    other = client.post(BASE, headers=headers, json={**body, "given_name": "Changed"})
    assert other.status_code == 422 and other.get_json()["error"]["fields"]
    # Without the key, a second attempt is refused by the domain: already registered.
    assert client.post(BASE, headers=bearer(secret), json=body).status_code == 409


def test_create_refuses_unknown_address_and_bad_fields(client, world):
    secret = officer(world)
    response = client.post(BASE, headers=bearer(secret), json={"email": "nobody@example.org",
                                                               "category_id": world.category.id,
                                                               "given_name": "A", "family_name": "B"})
    assert response.status_code == 422 and "email" in response.get_json()["error"]["fields"]
    response = client.post(BASE, headers=bearer(secret), json={"email": "x"})
    assert response.status_code == 422
    assert {"email", "category_id", "given_name"} <= set(response.get_json()["error"]["fields"])
    response = client.post(BASE, headers=bearer(secret), data="not json", content_type="application/json")
    assert response.status_code in (400, 422) and response.mimetype == "application/json"


def test_bulk_decide(client, world):
    regs = [world.registration(f"G{i}", f"F{i}") for i in range(3)]
    regs[2].state = S.cancelled
    db.session.commit()
    secret = officer(world)
    response = client.post(f"{BASE}/decisions", headers=bearer(secret),
                           json={"ids": [r.id for r in regs] + [999999], "decision": "approve"})
    assert response.get_json() == {"done": 2, "skipped": 2}
    db.session.expire_all()
    assert [r.state for r in regs] == [S.approved, S.approved, S.cancelled]
    assert client.post(f"{BASE}/decisions", headers=bearer(officer(world, "protocol")),
                       json={"ids": [regs[0].id], "decision": "reject"}).status_code == 403
