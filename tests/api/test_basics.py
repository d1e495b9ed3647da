"""What every answer under /api/ shares: JSON errors, the OpenAPI document, its
documentation page from local files, and rate limits."""
from __future__ import annotations

import pytest

from app.extensions import db
from tests.api.support import bearer, personal_token
from tests.factories import make_event, make_user


@pytest.mark.parametrize("method, url, status", [
    ("GET", "/api/v1/nothing-here", 404),
    ("GET", "/api/nothing", 404),
    ("DELETE", "/api/v1/events", 405),
    ("GET", "/api/v1/token", 401),
    ("GET", "/api/v1/events/x/participants?page=abc", 422),
    ("GET", "/api/v1/events/x/participants?page=-1", 422),
    # Without a token, an endpoint that needs one says so before it reads the input.
    ("GET", "/api/v1/events/x/registrations?limit=-5", 401),
    ("POST", "/api/v1/events/x/registrations", 401),
    ("POST", "/api/v1/events/x/registrations/1/state", 401),
])
def test_errors_are_json_never_html(client, method, url, status):
    response = client.open(url, method=method)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"} and error["message"]


def test_bad_input_with_a_token_is_still_a_422_naming_the_field(client):
    user = make_user()
    event = make_event(slug="basics")
    db.session.commit()
    secret = personal_token(user, event)
    response = client.get("/api/v1/events/basics/registrations?limit=-5", headers=bearer(secret))
    assert response.status_code == 422 and "limit" in response.get_json()["error"]["fields"]


def test_validation_errors_name_the_fields(client):
    error = client.get("/api/v1/events/x/participants?page=abc").get_json()["error"]
    assert error["code"] == "unprocessable" and "page" in error["fields"]


def test_openapi_document_is_valid_openapi_3(client):
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert "/api/v1/events/{slug}/sessions" in document["paths"]
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_documentation_page_uses_local_files_only(client):
    import lxml.html

    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    sources = doc.xpath("//script/@src") + doc.xpath("//link/@href")
    assert sources and all(s.startswith("/") and not s.startswith("//") for s in sources)
    for source in sources:
        assert client.get(source).status_code == 200
    assert "script-src 'self';" in response.headers["Content-Security-Policy"]
    assert client.get("/api/v1/docs/..%2Fsecret").status_code == 404


def test_rate_limits_per_address_with_headers(make_app):
    other = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT_ADDRESS="3 per minute")
    with other.app_context():
        client = other.test_client()
        answers = [client.get("/api/v1/events") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].headers["RateLimit-Limit"] == "3"
    assert [a.headers["RateLimit-Remaining"] for a in answers[:3]] == ["2", "1", "0"]
    assert int(answers[3].headers["Retry-After"]) >= 1
    assert answers[3].get_json()["error"]["code"] == "too_many_requests"


def test_rate_limits_per_token(make_app):
    event = make_event()
    secret = personal_token(make_user(), event)
    db.session.commit()
    other = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT_TOKEN="2 per minute")
    with other.app_context():
        client = other.test_client()
        answers = [client.get("/api/v1/token", headers=bearer(secret)).status_code for _ in range(3)]
        # Without the token, the address's own (higher) limit still lets the caller in.
        anonymous = client.get("/api/v1/events").status_code
    assert answers == [200, 200, 429] and anonymous == 200


def test_token_calls_need_no_csrf_token_but_pages_still_do(make_app):
    from tests.api.conftest import World

    world = World()
    user = make_user()
    from tests.factories import grant

    grant(user, world.event, "secretariat")
    db.session.commit()
    secret = personal_token(user, world.event)
    other = make_app(WTF_CSRF_ENABLED=True)
    with other.app_context():
        client = other.test_client()
        made = client.post("/api/v1/events/astana/categories", headers=bearer(secret), json={"name": "Press"})
        unknown = client.post("/api/v1/nothing", json={})
        page = client.post("/account/api-tokens", data={"name": "x"})
    assert made.status_code == 201
    assert unknown.status_code in (400, 404) and set(unknown.get_json()["error"]) == {"code", "message", "fields"}
    assert page.status_code in (302, 400)  # a page without the form's token is refused (or sent to log in)
