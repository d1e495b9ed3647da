"""A web machine that cannot reach its database answers 503 (try again), not 500, so a
load balancer takes it out for a while; it stays alive for its supervisor."""
from __future__ import annotations

UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:9/kurultai"


def test_a_page_without_its_database_says_try_again_with_503(make_app):
    other = make_app(SQLALCHEMY_DATABASE_URI=UNREACHABLE, SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}})
    client = other.test_client()
    response = client.get("/e/astana-2027/agenda", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert b"cannot reach its database just now" in response.data
    russian = client.get("/e/astana-2027/agenda?lang=ru")
    assert russian.status_code == 503 and b"cannot reach" not in russian.data
    api = client.get("/api/v1/events/astana-2027")
    assert api.status_code == 503 and api.is_json
    assert client.get("/healthz").status_code == 200
