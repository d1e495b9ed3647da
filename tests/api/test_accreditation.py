"""Categories, delegations and invitations through the API."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.registration.models import Invitation
from tests.api.support import bearer, personal_token
from tests.factories import grant, make_user, outbox

BASE = "/api/v1/events/astana"


def token(world, role="accreditation", scope="read_write"):
    user = make_user()
    grant(user, world.event, role)
    db.session.commit()
    return personal_token(user, world.event, scope=scope)


def test_categories_list_and_create(client, world):
    secret = token(world)
    assert [c["name"] for c in client.get(f"{BASE}/categories", headers=bearer(secret)).get_json()] == ["Delegate"]
    made = client.post(f"{BASE}/categories", headers=bearer(secret), json={"name": "Press", "capacity": 20})
    assert made.status_code == 201 and made.get_json()["capacity"] == 20
    assert client.post(f"{BASE}/categories", headers=bearer(secret), json={"name": "Press"}).status_code == 422
    assert client.post(f"{BASE}/categories", headers=bearer(token(world, "protocol")),
                       json={"name": "Guests"}).status_code == 403
    assert client.post(f"{BASE}/categories", headers=bearer(token(world, scope="read")),
                       json={"name": "Guests"}).status_code == 403


def test_delegations_and_members(client, world):
    secret = token(world)
    made = client.post(f"{BASE}/delegations", headers=bearer(secret),
                       json={"name": "Pakistan", "country": "PK", "category_id": world.category.id, "quota": 3})
    assert made.status_code == 201
    delegation_id = made.get_json()["id"]
    member = client.post(f"{BASE}/registrations", headers=bearer(secret),
                         json={"email": "member@example.org", "category_id": world.category.id,
                               "delegation_id": delegation_id, "given_name": "Imran", "family_name": "Khan"})
    assert member.status_code == 201, member.get_json()
    detail = client.get(f"{BASE}/delegations/{delegation_id}", headers=bearer(secret)).get_json()
    assert [m["email"] for m in detail["members"]] == ["member@example.org"]
    assert [d["name"] for d in client.get(f"{BASE}/delegations", headers=bearer(secret)).get_json()] \
        == ["Pakistan"]
    assert client.get(f"{BASE}/delegations", headers=bearer(token(world, "checkin"))).status_code == 403
    assert client.get(f"{BASE}/delegations/999999", headers=bearer(secret)).status_code == 404


def test_invitations_single_and_batch(client, world):
    secret = token(world)
    one = client.post(f"{BASE}/invitations", headers=bearer(secret),
                      json={"email": "guest@example.org", "category_id": world.category.id, "given_name": "Guest"})
    assert one.status_code == 201 and one.get_json()["state"] == "sent"
    assert outbox(to="guest@example.org")
    again = client.post(f"{BASE}/invitations", headers=bearer(secret),
                        json={"email": "guest@example.org", "category_id": world.category.id})
    assert again.status_code == 409
    batch = client.post(f"{BASE}/invitations/batch", headers=bearer(secret),
                        json={"csv": "email\na@example.org,Ann\nnot-an-address\nb@example.org,Ben",
                              "category_id": world.category.id})
    result = batch.get_json()
    assert result["invited"] == 2 and [p["line"] for p in result["problems"]] == [3]
    emails = set(db.session.scalars(select(Invitation.email)))
    assert emails == {"guest@example.org", "a@example.org", "b@example.org"}
    assert [i["email"] for i in client.get(f"{BASE}/invitations", headers=bearer(secret)).get_json()]
    assert client.post(f"{BASE}/invitations", headers=bearer(token(world, "protocol")),
                       json={"email": "c@example.org", "category_id": world.category.id}).status_code == 403
    other = client.post(f"{BASE}/invitations", headers=bearer(secret),
                        json={"email": "c@example.org", "category_id": 999999})
    assert other.status_code == 422 and "category_id" in other.get_json()["error"]["fields"]


def test_control_characters_and_odd_line_ends_are_cleaned_not_a_server_error(client, world):
    secret = token(world)
    response = client.post(f"{BASE}/invitations/batch", headers=bearer(secret),
                           json={"csv": "\u0004\u0006\u001b\rD\u008c\ud9e1\ude82\r\nz@example.org,Zed\x00",
                                 "category_id": world.category.id, "message": ">\udab4\udc6c"})
    assert response.status_code == 200
    assert response.get_json()["invited"] == 1
    assert db.session.scalar(select(Invitation.given_name).where(Invitation.email == "z@example.org")) == "Zed"


def test_a_delegation_name_of_only_blank_characters_is_refused(client, world):
    """U+0085 and other spacing passes the schema's length check but leaves no name."""
    secret = token(world)
    for name in ("\u0085", "   ", "\t\n"):
        response = client.post(f"{BASE}/delegations", headers=bearer(secret), json={"name": name})
        assert response.status_code == 422, (name, response.get_json())
        assert "name" in response.get_json()["error"]["fields"]
    assert client.get(f"{BASE}/delegations", headers=bearer(secret)).get_json() == []
