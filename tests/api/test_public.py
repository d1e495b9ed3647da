"""The public resources: no token, open to any site (CORS *), the published agenda
as schedule.json has it, speakers' public profiles, the participant list if published."""
from __future__ import annotations

from datetime import datetime

from app.extensions import db
from app.registration import services as registration_services
from tests.api.support import bearer, personal_token
from tests.factories import make_event


def test_published_events_only(client, world):
    make_event("hidden", published=False)
    db.session.commit()
    response = client.get("/api/v1/events")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert [e["slug"] for e in response.get_json()] == ["astana"]
    assert client.get("/api/v1/events/astana").get_json()["timezone"] == "Asia/Almaty"
    assert client.get("/api/v1/events/hidden").status_code == 404
    assert client.get("/api/v1/events/hidden/sessions").status_code == 404


def test_sessions_are_those_of_schedule_json_with_the_same_times(client, world):
    feed = client.get("/e/astana/schedule.json").get_json()
    in_feed = {}
    for day in feed["schedule"]["conference"]["days"]:
        for room, talks in day["rooms"].items():
            for talk in talks:
                in_feed[talk["guid"]] = (talk["title"], room, datetime.fromisoformat(talk["date"]),
                                         datetime.fromisoformat(talk["end"]))
    response = client.get("/api/v1/events/astana/sessions")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    in_api = {s["guid"]: (s["title"], s["room"], datetime.fromisoformat(s["starts_at"]),
                          datetime.fromisoformat(s["ends_at"])) for s in response.get_json()}
    assert in_api == in_feed and len(in_api) == 2


def test_a_draft_change_shows_only_once_published(client, world):
    world.session("Late addition", 14, 15, room=world.hall)
    db.session.commit()
    titles = [s["title"] for s in client.get("/api/v1/events/astana/sessions").get_json()]
    assert "Late addition" not in titles


def test_days_rooms_tracks(client, world):
    days = client.get("/api/v1/events/astana/days").get_json()
    assert days == [{"date": "2027-04-21", "sessions": 2}, {"date": "2027-04-22", "sessions": 0},
                    {"date": "2027-04-23", "sessions": 0}]
    assert [r["name"] for r in client.get("/api/v1/events/astana/rooms").get_json()] == ["Plenary", "Hall A"]
    assert [t["name"] for t in client.get("/api/v1/events/astana/tracks").get_json()] == ["Water security"]


def test_speakers_public_profiles(client, world):
    speakers = client.get("/api/v1/events/astana/speakers").get_json()
    assert speakers == [{"id": world.speaker.id, "name": speakers[0]["name"], "organisation": "",
                         "position": "", "sessions": [world.opening.id]}]
    assert "Akhmetov" in speakers[0]["name"]
    assert "email" not in speakers[0]


def test_participant_list_only_where_published(client, world):
    world.registration("Dana", "Abenova", approve=True)
    assert client.get("/api/v1/events/astana/participants").status_code == 404
    registration_services.settings_for(world.event).participant_list = True
    db.session.commit()
    people = client.get("/api/v1/events/astana/participants").get_json()
    assert [p["name"] for p in people] == ["Dr Dana Abenova"]
    assert set(people[0]) == {"name", "organisation", "country"}


def test_public_resources_answer_with_a_token_too(client, world):
    secret = personal_token(world.organiser, world.event)
    assert client.get("/api/v1/events/astana/rooms", headers=bearer(secret)).status_code == 200
