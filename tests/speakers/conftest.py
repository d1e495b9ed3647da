"""Speaker fixtures: the Astana summit with rooms, tracks and three sessions, a
programme officer, builders for speakers, assignments and files, and helpers that
read the speaker pages."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from app.agenda import cache
from app.agenda.models import AgendaSession, Room, SessionType, Track, Visibility
from app.agenda.services import conflicts_key, open_conflicts, publish_agenda
from app.extensions import db
from app.mail.models import OutboxMessage
from app.speakers.models import AssignmentRole, AssignmentState, SpeakerAssignment, SpeakerProfile
from app.utils.time import local_to_utc
from tests.factories import grant, make_event, make_user

ZONE = "Asia/Almaty"
DAY1 = date(2027, 4, 21)


def at(hour: int, minute: int = 0, day: date = DAY1):
    return local_to_utc(day, time(hour, minute), ZONE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear_memory()
    yield
    cache.clear_memory()


def add_session(event, room, start, end, *, title="Session", track=None, visibility=Visibility.published,
                **fields) -> AgendaSession:
    session = AgendaSession(event=event, room=room, track=track, title=title,
                            type=fields.pop("type", SessionType.panel), starts_at=start, ends_at=end,
                            visibility=visibility, sdgs=[], languages=["en"], category_ids=[], **fields)
    db.session.add(session)
    db.session.flush()
    return session


@pytest.fixture
def summit(db):
    """(event, sessions): a water panel at 10:00 (water track), a finance panel at 10:30
    (finance track, overlapping) and a climate workshop the next day."""
    event = make_event("astana", timezone=ZONE, start_date=DAY1, end_date=DAY1 + timedelta(days=2))
    rooms = [Room(event=event, name=name, capacity=200, position=i) for i, name in enumerate(["Hall A", "Hall B"])]
    tracks = [Track(event=event, name="Water security", position=0), Track(event=event, name="Green finance",
                                                                           position=1)]
    db.session.add_all(rooms + tracks)
    db.session.flush()
    water = add_session(event, rooms[0], at(10), at(11, 30), title="Aral Sea basin cooperation", track=tracks[0],
                        abstract="Sharing the rivers.")
    finance = add_session(event, rooms[1], at(10, 30), at(12), title="Green bonds", track=tracks[1])
    workshop = add_session(event, rooms[0], at(9, day=DAY1 + timedelta(days=1)),
                           at(10, day=DAY1 + timedelta(days=1)), title="Adaptation workshop")
    db.session.commit()
    return event, [water, finance, workshop]


@pytest.fixture
def programme(summit):
    event, _ = summit
    user = make_user("programme@example.org", given_name="Daniyar", family_name="Seitkali")
    grant(user, event, "programme")
    db.session.commit()
    return user


def make_speaker(email=None, **fields):
    fields.setdefault("given_name", "Dinara")
    fields.setdefault("family_name", "Sultanbekova")
    fields.setdefault("organisation", "CAREC")
    return make_user(email, **fields)


def assign(session, user, *, state=AssignmentState.invited, role=AssignmentRole.panelist, position=0,
           note="") -> SpeakerAssignment:
    """An assignment written straight to the table (no emails), for setting up situations."""
    assignment = SpeakerAssignment(event_id=session.event_id, session_id=session.id, user_id=user.id, role=role,
                                   position=position, state=state, note=note)
    db.session.add(assignment)
    if db.session.query(SpeakerProfile).filter_by(event_id=session.event_id, user_id=user.id).first() is None:
        db.session.add(SpeakerProfile(event_id=session.event_id, user_id=user.id, links=[]))
    db.session.flush()
    return assignment


def publish(event):
    """Publish the agenda as it is set up, with any speaker double bookings the test made."""
    publication = publish_agenda(event, actor=None, accept_conflicts=conflicts_key(open_conflicts(event)))
    db.session.commit()
    return publication


# --- files ---------------------------------------------------------------------------

def pdf_bytes() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


def pptx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<?xml version='1.0'?><Types/>")
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("ppt/presentation.xml", "<p:presentation/>")
        z.writestr("ppt/slides/slide1.xml", "<p:sld/>")
    return out.getvalue()


def odp_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.presentation")
        z.writestr("content.xml", "<office:document-content/>", compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", "<manifest/>", compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def zip_bomb_pptx(megabytes: int = 60) -> bytes:
    """A PPTX-shaped archive whose one slide unpacks to `megabytes` MB of zeros (a few KB packed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("ppt/presentation.xml", "<p:presentation/>")
        with z.open("ppt/media/image1.bin", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(megabytes):
                member.write(chunk)
    return out.getvalue()


def exe_bytes() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 200 + b"This program cannot be run in DOS mode."


# --- pages -------------------------------------------------------------------------

ANSWER_LINK = re.compile(r"https://summit\.test(/e/astana/speaker/answer/\S+)")


def page_text(response) -> str:
    return response.get_data(as_text=True)


def answer_path(email: str) -> str:
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == email)
                                 .order_by(OutboxMessage.id.desc())).first()
    return ANSWER_LINK.search(message.body_text).group(1)


def no_inline_code(page: str) -> None:
    """Strict CSP: no style attributes, no inline scripts."""
    assert " style=" not in page
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None


def upload_file(client, assignment, data: bytes, name="talk.pdf"):
    return client.post(f"/e/astana/speaker/sessions/{assignment.id}/slides",
                       data={"slides-file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def refused_upload(client, assignment, data: bytes, name="talk.pdf"):
    """Upload a file that is refused: the answer redirects back to the session page, which it returns."""
    response = upload_file(client, assignment, data, name)
    assert (response.status_code, response.headers["Location"]) == (
        302, f"/e/astana/speaker/sessions/{assignment.id}#slides")
    return client.get(response.headers["Location"])
