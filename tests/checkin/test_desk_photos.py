"""Desk photos: an event may let its offline desks keep a small photo of each delegate.
Off, the roster names no photo and the photo download is refused; on, the roster tags
who has a photo (the tag changes with the photo) and the desk downloads them in batches
of the event's badges only."""
from __future__ import annotations

import base64
import io
from datetime import UTC, datetime

import pytest
from PIL import Image
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.checkin import services
from app.extensions import db
from app.registration.photos import save_photo
from tests.checkin.conftest import make_delegate, photo_bytes
from tests.factories import login, make_category, make_event

ROSTER = "/e/astana/checkin-sync/roster"
PHOTOS = "/e/astana/checkin-sync/photos"


@pytest.fixture
def clock(clock):
    clock.set(datetime(2027, 4, 21, 4, 0, tzinfo=UTC))
    return clock


@pytest.fixture
def desk(summit, staff, clock):
    event, _ = summit
    _desk, secret = services.issue_desk(event, "Entrance A", actor=staff["checkin"])
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def people(summit):
    event, cats = summit
    result = {"aliya": make_delegate(event, cats["government"], given="Aliya", family="Serikova"),
              "berik": make_delegate(event, cats["expert"], given="Berik", family="Zhakupov", photo=False)}
    for registration in result.values():
        services.ensure_badge(registration)
    db.session.commit()
    return result


def _allow(event, allowed=True):
    services.settings_for(event).desk_photos = allowed
    db.session.commit()


def _tags(body):
    return {row[3]: row[7] if len(row) > 7 else None for row in body["rows"]}


def test_without_desk_photos_the_roster_names_none_and_photos_are_refused(client, summit, people, desk):
    body = client.get(ROSTER, headers=desk).get_json()
    assert body["photos"] is False and "photo" not in body["columns"]
    assert _tags(body) == {"Dr Aliya Serikova": None, "Dr Berik Zhakupov": None}
    refused = client.get(PHOTOS, query_string={"ids": services.ensure_badge(people["aliya"]).public_id}, headers=desk)
    assert refused.status_code == 403 and refused.get_json()["photos"] is False


def test_with_desk_photos_the_desk_gets_small_photos_of_its_event_only(client, summit, people, desk, staff):
    event, _ = summit
    _allow(event)
    body = client.get(ROSTER, headers=desk).get_json()
    tags = _tags(body)
    assert body["photos"] is True and body["columns"][-1] == "photo"
    assert len(tags["Dr Aliya Serikova"]) == 10 and tags["Dr Berik Zhakupov"] == ""

    other = make_event("almaty-forum")
    stranger = make_delegate(other, make_category(other, "Guest"), given="Other", family="Event")
    services.ensure_badge(stranger)
    db.session.commit()
    ids = [services.ensure_badge(people["aliya"]).public_id, services.ensure_badge(people["berik"]).public_id, services.ensure_badge(stranger).public_id, "nobody"]
    answer = client.get(PHOTOS, query_string={"ids": ",".join(ids)}, headers=desk)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    photos = answer.get_json()["photos"]
    assert [(p["id"], p["tag"]) for p in photos] == [(services.ensure_badge(people["aliya"]).public_id, tags["Dr Aliya Serikova"])]
    jpeg = base64.b64decode(photos[0]["jpeg"])
    with Image.open(io.BytesIO(jpeg)) as image:
        assert (image.format, image.size) == ("JPEG", (90, 120))
    assert len(jpeg) < 8000


def test_a_new_photo_changes_its_tag_in_the_next_delta(client, summit, people, desk, clock):
    event, _ = summit
    _allow(event)
    first = client.get(ROSTER, headers=desk).get_json()
    clock.advance(minutes=5)
    people["aliya"].photo_filename = save_photo(photo_bytes(colour=(200, 40, 40)))
    db.session.commit()
    delta = client.get(ROSTER, query_string={"cursor": first["cursor"]}, headers=desk).get_json()
    assert list(_tags(delta)) == ["Dr Aliya Serikova"]
    assert _tags(delta)["Dr Aliya Serikova"] not in ("", _tags(first)["Dr Aliya Serikova"])


def test_photos_are_asked_for_a_hundred_at_a_time(client, summit, people, desk):
    _allow(summit[0])
    too_many = client.get(PHOTOS, query_string={"ids": ",".join(f"badge{i:05d}" for i in range(101))}, headers=desk)
    assert too_many.status_code == 400 and too_many.get_json()["error"] == "Ask for at most 100 photos at a time."
    assert client.get(PHOTOS, query_string={"ids": services.ensure_badge(people["aliya"]).public_id}).status_code == 401


def test_settings_page_turns_desk_photos_on_and_audits(client, summit, staff):
    event, _ = summit
    login(client, staff["accreditation"])
    page = client.get(f"/e/{event.slug}/manage/onsite-settings").get_data(as_text=True)
    assert "Offline desks keep a small photo of each delegate" in page
    response = client.post(f"/e/{event.slug}/manage/onsite-settings",
                           data={"badge_size": "a6", "badge_language": "en", "desk_photos": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert services.settings_for(event).desk_photos is True
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "onsite.settings"))
    assert "desk_photos" in str(entry.changes)
    client.post(f"/e/{event.slug}/manage/onsite-settings", data={"badge_size": "a6", "badge_language": "en"})
    db.session.expire_all()
    assert services.settings_for(event).desk_photos is False
