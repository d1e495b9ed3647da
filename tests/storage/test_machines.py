"""Several machines behind one address: with the files in a bucket, what is sent through
one machine is served by another, whose own upload directory is elsewhere and empty."""
from __future__ import annotations

import io
import urllib.request

import pytest
from sqlalchemy import select

from app.extensions import db
from app.registration import photos
from app.speakers.models import AssignmentState as S, SlideFile, SpeakerProfile
from tests.factories import image_bytes, login
from tests.s3server import REGION
from tests.speakers.conftest import assign, make_speaker, pdf_bytes, summit, upload_file  # noqa: F401 (fixture)


@pytest.fixture
def machines(make_app, s3_bucket, tmp_path):
    """`machine(name, **settings)`: an app on the shared database and bucket, with an upload
    directory of its own."""
    endpoint, bucket = s3_bucket

    def machine(name: str, **settings):
        return make_app(STORAGE_URL=f"s3://{bucket}/uploads", S3_ENDPOINT_URL=endpoint, S3_REGION=REGION,
                        UPLOAD_DIR=tmp_path / name / "uploads", **settings)

    return machine


def local_files(tmp_path) -> list[str]:
    return sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")
                  if p.is_file() and "/tmp/" not in str(p) and p.parent.name != "instance")


def test_a_speaker_photo_sent_through_one_machine_is_served_by_another(machines, summit, tmp_path):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=S.invited)
    db.session.commit()
    first, second = machines("a").test_client(), machines("b").test_client()

    login(first, assignment.user)
    response = first.post("/e/astana/speaker/profile", data={
        "given_name": "Dinara", "family_name": "Sultanbekova", "photo": (io.BytesIO(image_bytes("PNG")), "me.png")},
        content_type="multipart/form-data")
    assert response.status_code == 302

    photo = f"/e/astana/speakers/{assignment.user_id}/photo"
    assert second.get(photo).status_code == 404  # not confirmed yet: the second machine asks the same rules
    login(second, assignment.user)
    response = second.get(photo)
    assert (response.status_code, response.mimetype, response.data[:3]) == (200, "image/jpeg", b"\xff\xd8\xff")
    assert response.data == first.get(photo).data
    assert local_files(tmp_path) == []  # nothing kept on either machine's disk


def test_slides_are_streamed_or_handed_out_by_a_short_lived_link(machines, summit, tmp_path):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=S.accepted)
    db.session.commit()
    first = machines("a").test_client()
    login(first, assignment.user)
    assert upload_file(first, assignment, pdf_bytes(), "Talk.pdf").status_code == 302
    slide = db.session.scalar(select(SlideFile))

    second = machines("b")
    anonymous, streamed = second.test_client(), second.test_client()
    login(streamed, assignment.user)
    response = streamed.get(f"/e/astana/slides/{slide.id}")
    assert (response.status_code, response.data, response.headers["Content-Disposition"]) == (
        200, pdf_bytes(), 'attachment; filename="Talk.pdf"')
    assert response.headers["Content-Length"] == str(len(pdf_bytes()))

    second.config["STORAGE_LINK_MIN_BYTES"] = 1  # every file larger than that goes by link
    refused = anonymous.get(f"/e/astana/slides/{slide.id}")  # the permission check comes before any link
    assert (refused.status_code, refused.headers["Location"]) == (
        302, "/account/login?next=%2Fe%2Fastana%2Fslides%2F1")
    response = streamed.get(f"/e/astana/slides/{slide.id}")
    assert response.status_code == 303
    with urllib.request.urlopen(response.headers["Location"], timeout=10) as answer:
        assert answer.read() == pdf_bytes()
        assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert local_files(tmp_path) == []


def test_badge_photos_and_kept_photos_are_seen_by_every_machine(machines):
    first, second = machines("a"), machines("b")
    with first.test_request_context():
        name = photos.save_photo(b"\xff\xd8\xff a badge photo")
        kept = photos.keep_photo(b"\xff\xd8\xff a kept photo")
    with second.test_request_context():
        assert photos.photo_bytes(name) == b"\xff\xd8\xff a badge photo"
        assert (photos.has_kept_photo(kept), photos.kept_photo(kept)) == (True, b"\xff\xd8\xff a kept photo")
        photos.forget_kept_photo(kept)
    with first.test_request_context():
        assert photos.kept_photo(kept) is None


def test_a_storage_that_does_not_answer_is_a_503_page_not_a_crash(make_app, s3_bucket, summit):
    endpoint, _bucket = s3_bucket
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=S.invited)
    profile = db.session.scalar(select(SpeakerProfile).where(SpeakerProfile.user_id == assignment.user_id))
    profile.photo_filename = "0123456789abcdef0123456789abcdef.jpg"
    db.session.commit()
    client = make_app(STORAGE_URL="s3://no-such-bucket", S3_ENDPOINT_URL=endpoint, S3_REGION=REGION).test_client()
    login(client, assignment.user)

    response = client.get(f"/e/astana/speakers/{assignment.user_id}/photo?lang=ru")

    assert response.status_code == 503
    assert "Хранилище файлов сейчас недоступно." in response.get_data(as_text=True)
