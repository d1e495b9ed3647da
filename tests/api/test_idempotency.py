"""Idempotency-Key: replays, other bodies, keys in use, keys per token."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.api.models import ApiToken, IdempotencyKey
from app.extensions import db
from app.registration.models import Category
from tests.api.support import bearer, personal_token
from tests.factories import grant, make_user

URL = "/api/v1/events/astana/categories"


def secretary(world):
    user = make_user()
    grant(user, world.event, "secretariat")
    db.session.commit()
    return personal_token(user, world.event)


def test_same_key_and_body_replays_without_doing_it_twice(client, world):
    secret = secretary(world)
    headers = bearer(secret, **{"Idempotency-Key": "k1"})
    answers = [client.post(URL, headers=headers, json={"name": "Press"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert len({a.get_data() for a in answers}) == 1
    assert [a.headers.get("Idempotent-Replayed") for a in answers] == [None, "true", "true"]
    assert db.session.scalar(select(db.func.count(Category.id)).where(Category.name == "Press")) == 1


def test_refusals_are_replayed_too(client, world):
    secret = secretary(world)
    headers = bearer(secret, **{"Idempotency-Key": "k2"})
    first = client.post(URL, headers=headers, json={"name": "Delegate"})  # the name is taken
    second = client.post(URL, headers=headers, json={"name": "Delegate"})
    assert first.status_code == second.status_code == 422
    assert second.headers["Idempotent-Replayed"] == "true"


def test_same_key_with_another_body_is_422(client, world):
    secret = secretary(world)
    headers = bearer(secret, **{"Idempotency-Key": "k3"})
    assert client.post(URL, headers=headers, json={"name": "Press"}).status_code == 201
    other = client.post(URL, headers=headers, json={"name": "Guests"})
    assert other.status_code == 422 and "Idempotency-Key" in other.get_json()["error"]["fields"]


def test_key_still_in_use_is_a_conflict(client, world):
    secret = secretary(world)
    token = db.session.scalar(select(ApiToken))
    from app.api.services.idempotency import request_hash

    body = b'{"name": "Press"}'
    db.session.add(IdempotencyKey(token_id=token.id, key="k4", request_hash=request_hash("POST", URL, body)))
    db.session.commit()
    response = client.post(URL, headers=bearer(secret, **{"Idempotency-Key": "k4"}), data=body,
                           content_type="application/json")
    assert response.status_code == 409


def test_keys_belong_to_their_token_and_are_unique_there(client, world):
    first, second = secretary(world), secretary(world)
    for secret in (first, second):
        response = client.post(URL, headers=bearer(secret, **{"Idempotency-Key": "shared"}),
                               json={"name": f"Press {secret[-4:]}"})
        assert response.status_code == 201
    token = db.session.scalar(select(ApiToken).order_by(ApiToken.id))
    db.session.add(IdempotencyKey(token_id=token.id, key="shared", request_hash="x"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_overlong_key_is_refused(client, world):
    secret = secretary(world)
    response = client.post(URL, headers=bearer(secret, **{"Idempotency-Key": "x" * 300}), json={"name": "P"})
    assert response.status_code == 400
