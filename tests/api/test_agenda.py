"""The draft agenda through the API: sessions created, changed (If-Match), moved and
published; speakers assigned; track-limited programme roles stay in their tracks."""
from __future__ import annotations

from app.events.models import EventRole
from app.extensions import db
from tests.api.conftest import at
from tests.api.support import bearer, personal_token, service_token
from tests.factories import grant, make_user, outbox

BASE = "/api/v1/events/astana/agenda"


def token(world, role="programme", scope="read_write"):
    user = make_user()
    grant(user, world.event, role)
    db.session.commit()
    return personal_token(user, world.event, scope=scope)


def body(world, **changes):
    return {"title": "Green finance", "room_id": world.hall.id, "track_id": world.track.id,
            "starts_at": at(14).isoformat(), "ends_at": at(15).isoformat(), "visibility": "published", **changes}


def test_create_update_move_and_publish(client, world):
    secret = token(world)
    made = client.post(f"{BASE}/sessions", headers=bearer(secret), json=body(world))
    assert made.status_code == 201, made.get_json()
    session_id = made.get_json()["id"]
    read = client.get(f"{BASE}/sessions/{session_id}", headers=bearer(secret))
    etag = read.headers["ETag"]
    changed = client.patch(f"{BASE}/sessions/{session_id}", headers=bearer(secret, **{"If-Match": etag}),
                           json={"title": "Green bonds"})
    assert changed.status_code == 200 and changed.get_json()["title"] == "Green bonds"
    stale = client.patch(f"{BASE}/sessions/{session_id}", headers=bearer(secret, **{"If-Match": etag}),
                         json={"title": "Lost update"})
    assert stale.status_code == 412
    moved = client.post(f"{BASE}/sessions/{session_id}/move", headers=bearer(secret),
                        json={"room_id": world.room.id, "starts_at": at(16).isoformat(),
                              "ends_at": at(17).isoformat()})
    assert moved.status_code == 200 and moved.get_json()["room_id"] == world.room.id
    # Double booking is the domain's refusal, with the field.
    clash = client.post(f"{BASE}/sessions/{session_id}/move", headers=bearer(secret),
                        json={"room_id": world.room.id, "starts_at": at(9).isoformat(),
                              "ends_at": at(10).isoformat()})
    assert clash.status_code in (409, 422) and clash.mimetype == "application/json"
    assert "Green bonds" not in [s["title"] for s in client.get("/api/v1/events/astana/sessions").get_json()]
    published = client.post(f"{BASE}/publish", headers=bearer(secret), json={})
    assert published.status_code == 200 and published.get_json()["version"] == 2
    assert "Green bonds" in [s["title"] for s in client.get("/api/v1/events/astana/sessions").get_json()]
    assert [s["title"] for s in client.get(f"{BASE}/sessions", headers=bearer(secret)).get_json()] \
        == ["Opening plenary", "Water panel", "Green bonds"]


def test_bad_times_and_foreign_rooms_are_field_errors(client, world):
    secret = token(world)
    response = client.post(f"{BASE}/sessions", headers=bearer(secret), json=body(world, room_id=999999))
    assert response.status_code == 422 and "room_id" in response.get_json()["error"]["fields"]
    response = client.post(f"{BASE}/sessions", headers=bearer(secret), json=body(world, starts_at="2027-04-21T10:00"))
    assert response.status_code == 422 and "starts_at" in response.get_json()["error"]["fields"]
    response = client.post(f"{BASE}/sessions", headers=bearer(secret),
                           json=body(world, starts_at=at(15).isoformat(), ends_at=at(14).isoformat()))
    assert response.status_code == 422


def test_roles_and_scopes(client, world):
    for role, status in (("programme", 201), ("secretariat", 201), ("viewer", 403), ("accreditation", 403)):
        response = client.post(f"{BASE}/sessions", headers=bearer(token(world, role)),
                               json=body(world, title=f"By {role}", starts_at=at(8).isoformat(),
                                         ends_at=at(8, 30).isoformat(), room_id=world.room.id))
        assert response.status_code == status, role
        if status == 201:
            client.patch(f"{BASE}/sessions/{response.get_json()['id']}", headers=bearer(token(world)),
                         json={"starts_at": at(18).isoformat(), "ends_at": at(18, 30).isoformat(),
                               "room_id": world.hall.id if role == "programme" else world.room.id})
    read_only = token(world, scope="read")
    assert client.post(f"{BASE}/publish", headers=bearer(read_only), json={}).status_code == 403
    assert client.get(f"{BASE}/sessions", headers=bearer(token(world, "viewer"))).status_code == 200


def test_track_limited_programme_role_stays_in_its_tracks(client, world):
    user = make_user()
    db.session.add(EventRole(user=user, event=world.event, role="programme", track_ids=[999]))
    db.session.commit()
    secret = personal_token(user, world.event)
    response = client.patch(f"{BASE}/sessions/{world.panel.id}", headers=bearer(secret), json={"title": "Mine"})
    assert response.status_code == 403
    assert client.post(f"{BASE}/sessions", headers=bearer(secret), json=body(world)).status_code == 403
    assert client.post(f"{BASE}/publish", headers=bearer(secret), json={}).status_code == 403


def test_service_token_for_the_agenda(client, world):
    maker = make_user()
    grant(maker, world.event, "secretariat")
    screens = service_token(maker, world.event, ["agenda.view_draft"])
    assert client.get(f"{BASE}/sessions", headers=bearer(screens)).status_code == 200
    assert client.post(f"{BASE}/sessions", headers=bearer(screens), json=body(world)).status_code == 403
    editor = service_token(maker, world.event, ["agenda.edit"], scope="read_write", name="Planner")
    assert client.post(f"{BASE}/sessions", headers=bearer(editor), json=body(world)).status_code == 201


def test_speaker_assignments(client, world):
    secret = token(world)
    guest = make_user("panelist@example.org")
    db.session.commit()
    url = f"{BASE}/sessions/{world.panel.id}/speakers"
    made = client.post(url, headers=bearer(secret), json={"email": guest.email, "role": "panelist"})
    assert made.status_code == 201 and made.get_json()["state"] == "invited"
    assert outbox(to=guest.email)
    assert client.post(url, headers=bearer(secret), json={"email": guest.email}).status_code in (409, 422)
    assert [a["user_id"] for a in client.get(url, headers=bearer(secret)).get_json()] == [guest.id]
    assert client.post(url, headers=bearer(secret), json={"email": "nobody@example.org"}).status_code == 422
    assert client.post(url, headers=bearer(token(world, "viewer")), json={"email": guest.email}).status_code == 403
