"""On-site fixtures: a summit in Astana with categories, approved delegates with
photos, a published agenda with a workshop and a restricted meeting, and the
organisers who work the desk."""
from __future__ import annotations

import io
import itertools
import shutil
import subprocess
from datetime import date, time, timedelta

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from app.agenda import cache
from app.agenda.models import AgendaSession, Room, SessionType, Track, Visibility
from app.agenda.services import publish_agenda
from app.extensions import db
from app.mail.models import OutboxMessage
from app.registration.models import Registration, RegistrationState as RS
from app.registration.photos import save_photo
from app.utils.time import local_to_utc, utcnow
from tests.factories import grant, make_category, make_event, make_user

ZONE = "Asia/Almaty"
DAY1 = date(2027, 4, 21)
_photo_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear_memory()
    yield
    cache.clear_memory()


def at(hour: int, minute: int = 0, day: date = DAY1):
    return local_to_utc(day, time(hour, minute), ZONE)


def photo_bytes(colour=(30, 110, 160), size=(600, 800)) -> bytes:
    image = Image.new("RGB", size, colour)
    # a face-like shape, so a rendered badge shows where the photo sits
    for x in range(size[0] // 4, size[0] * 3 // 4):
        for y in range(size[1] // 5, size[1] * 3 // 5, 7):
            image.putpixel((x, y), (240, 210, 180))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def make_delegate(event, category, *, given="Aliya", family="Serikova", state=RS.approved, photo=True,
                  email=None, **fields) -> Registration:
    """A person with an account and a registration in `state` (written straight to the table)."""
    user = make_user(email, given_name=given, family_name=family)
    defaults = dict(honorific="Dr", organisation="Nazarbayev University", position="Professor", country="KZ",
                    nationality="KZ", email=user.email)
    defaults.update(fields)
    registration = Registration(event=event, user=user, category=category, state=state,
                                holds_place=state == RS.approved, given_name=given, family_name=family,
                                photo_filename=save_photo(photo_bytes()) if photo else "",
                                submitted_at=utcnow(), decided_at=utcnow() if state == RS.approved else None,
                                **defaults)
    db.session.add(registration)
    db.session.flush()
    return registration


@pytest.fixture
def summit(db):
    event = make_event("astana", title="Regional Ecological Summit 2027", timezone=ZONE, start_date=DAY1,
                       end_date=DAY1 + timedelta(days=2), city="Astana", venue="Palace of Independence")
    government = make_category(event, "Government delegation", protocol_rank=1)
    expert = make_category(event, "Climate expert", protocol_rank=50)
    media = make_category(event, "Media", protocol_rank=90)
    db.session.commit()
    return event, {"government": government, "expert": expert, "media": media}


@pytest.fixture
def staff(summit):
    """One organiser per on-site role."""
    event, _ = summit
    people = {}
    for role in ("checkin", "accreditation", "secretariat", "programme"):
        user = make_user(f"{role}@example.org", given_name=role.title(), family_name="Staff")
        grant(user, event, role)
        people[role] = user
    db.session.commit()
    return people


@pytest.fixture
def agenda(summit):
    """Published: an opening plenary, a workshop of 2 places with sign-up, a panel overlapping the workshop,
    and a ministerial meeting restricted to government delegations."""
    event, cats = summit
    rooms = [Room(event=event, name=name, capacity=capacity, position=i)
             for i, (name, capacity) in enumerate([("Plenary", 500), ("Workshop Room", 30), ("Hall B", 60)])]
    track = Track(event=event, name="Water security", colour="#1565c0")
    db.session.add_all(rooms + [track])
    db.session.flush()

    def add(room, start, end, title, **fields):
        session = AgendaSession(event=event, room=room, title=title, starts_at=start, ends_at=end,
                                type=fields.pop("type", SessionType.panel),
                                visibility=fields.pop("visibility", Visibility.published), sdgs=[],
                                languages=["en"], category_ids=fields.pop("category_ids", []), **fields)
        db.session.add(session)
        db.session.flush()
        return session

    sessions = {
        "opening": add(rooms[0], at(9), at(10), "Opening plenary", type=SessionType.plenary, track=track),
        "workshop": add(rooms[1], at(11), at(12, 30), "Workshop: national adaptation plans",
                        type=SessionType.workshop, capacity=2, signup_required=True),
        "panel": add(rooms[2], at(12), at(13), "Glacier monitoring panel"),
        "ministerial": add(rooms[2], at(15), at(16), "Ministerial roundtable", visibility=Visibility.restricted,
                           category_ids=[cats["government"].id]),
    }
    publish_agenda(event, actor=None)
    db.session.commit()
    return sessions


def outbox(template=None) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if template:
        stmt = stmt.where(OutboxMessage.template == template)
    return list(db.session.scalars(stmt))


def pdf_text(data: bytes) -> list[str]:
    """The text of each page of a PDF, as a reader extracts it."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def render_png(data: bytes, path) -> bool:
    """Page 1 as PNG with pdftoppm (for looking at it); False where poppler-utils is missing."""
    if shutil.which("pdftoppm") is None:
        return False
    pdf = path.with_suffix(".pdf")
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", "-f", "1", str(pdf), str(path.with_suffix(""))],
                   check=True)
    return True
