"""Browser fixtures: the app served for real on 127.0.0.1 (its own database: a SQLite
file, or a PostgreSQL database on a PostgreSQL run; seeded with the demo summit, CSRF on, rate limits off) and one headless
Chromium for the whole session.

Without a Chromium (or without axe-core for the accessibility sweep) the
browser tests skip, unless KURULTAI_REQUIRE_BROWSER=1 makes them fail. The
`browser` fixture itself is in support.py, shared with the other domains'
browser tests through tests/conftest.py (one Playwright per test process).
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from config import TestingConfig
from tests.browser.support import AXE_PATH, DESKTOP, log_in, unavailable
from tests.databases import TEST_DATABASE_URL, normalise, scratch_database

class LiveServer:
    def __init__(self, app, server):
        self.app = app
        self.server = server
        self.url = f"http://{server.host}:{server.port}"
        # Values for the placeholders of tests/browser/pages.py, filled by _prepare_data().
        self.values: dict[str, str] = {}

    def __call__(self, path: str) -> str:
        return self.url + path.format(**self.values)


def _live_config(instance: Path, database_url: str | None = None):
    class LiveConfig(TestingConfig):
        # A real browser on a real server: the forms carry CSRF tokens like in production.
        TESTING = False
        WTF_CSRF_ENABLED = True
        RATELIMIT_ENABLED = False
        SQLALCHEMY_DATABASE_URI = database_url or f"sqlite:///{instance / 'browser.db'}"
        SQLALCHEMY_ENGINE_OPTIONS = ({} if database_url else
                                     {"connect_args": {"timeout": 30, "check_same_thread": False}})
        INSTANCE_DIR = instance
        UPLOAD_DIR = instance / "uploads"
        PREFERRED_URL_SCHEME = "http"
        SESSION_COOKIE_SECURE = False
        REMEMBER_COOKIE_SECURE = False
        SEND_FILE_MAX_AGE_DEFAULT = 3600  # spare the shared contexts revalidating Bootstrap on every page

    return LiveConfig


def _prepare_data(live: LiveServer) -> None:
    """The demo summit plus what some pages need: a reset token, an email in the
    outbox, a few audit entries, an invitation link, and an agenda with a
    published change and a pending one (so the changelog is not empty)."""
    from app.accounts import services as accounts
    from app.accounts.models import User
    from app.events import services as events
    from app import policy
    from app.events.models import EventRoleName
    from app.mail.models import OutboxMessage
    from app.seed import DEMO_SLUG, seed_demo
    from sqlalchemy import select

    from datetime import timedelta

    from app.utils.time import utcnow

    db.create_all()
    seed_demo()
    event = policy.get_event_or_404(DEMO_SLUG)
    # The demo closes registration in April 2027; the sweep checks the registration
    # form whatever today's date is.
    event.registration_opens_at, event.registration_closes_at = utcnow() - timedelta(days=30), \
        utcnow() + timedelta(days=365)
    secretariat = User.by_email("secretariat@example.org")
    viewer = User.by_email("viewer@example.org")
    grant = events.grant_role(event, viewer, EventRoleName.programme, actor=secretariat)
    events.revoke_role(grant, actor=secretariat)
    accounts.request_password_reset("protocol@example.org")
    token = accounts.create_token(viewer, "reset", hours=24)
    db.session.commit()
    live.values.update(
        reset_token=token,
        user_id=str(viewer.id),
        message_id=str(db.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id))),
    )
    live.values.update(_registration_values(event, secretariat))
    live.values.update(_agenda_values(event, User.by_email("programme@example.org")))
    live.values.update(_speaker_values(event, User.by_email("programme@example.org")))
    live.values.update(_onsite_values(event, User.by_email("accreditation@example.org"),
                                      User.by_email("checkin@example.org")))
    db.session.commit()


def _registration_values(event, secretariat) -> dict[str, str]:
    """{registration_id} (a registration waiting for review), {category_id},
    {delegation_id} (Pakistan, led by pk.focal), {held_place_id} (a place it holds
    without a name), {invitation_token} (a link not yet used) and {question_id} (a choice
    question); two custom questions."""
    import re

    from app.mail.models import OutboxMessage
    from app.registration import services as registration
    from app.registration.models import Category, QuestionKind, Registration, RegistrationState
    from sqlalchemy import select

    waiting = db.session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.state == RegistrationState.submitted,
        Registration.user_id.is_not(None)).order_by(Registration.id))
    pakistan = registration.delegation_named(event, "Pakistan")
    held = next(r for r in registration.members(pakistan) if r.user_id is None)
    experts = next(c for c in db.session.scalars(select(Category).where(Category.event_id == event.id))
                   if c.name.get("en") == "Climate expert / academia")  # names are kept per language
    # Custom questions, so the form and the organisers' question list show some.
    trip = registration.add_question(event, label="Which field trip would you like to join?", kind=QuestionKind.choice,
                              choices=["Lake Burabay", "Astana botanical garden", "None"], required=True,
                              position=1, actor=secretariat)
    registration.add_question(event, label="Topics you would like to discuss", kind=QuestionKind.multi,
                              choices=["Water", "Finance", "Data"], required=False, position=2, actor=secretariat)
    invitation = registration.create_invitation(event, email="invited.expert@example.org", category=experts,
                                                given_name="Dana", family_name="Bekova", actor=secretariat)
    db.session.flush()
    body = db.session.scalar(select(OutboxMessage.body_text).where(
        OutboxMessage.to_address == invitation.email).order_by(OutboxMessage.id.desc()))
    token = re.search(r"/invitation/([A-Za-z0-9_-]+)", body).group(1)
    return {"registration_id": str(waiting.id), "category_id": str(experts.id), "delegation_id": str(pakistan.id),
            "held_place_id": str(held.id), "invitation_token": token, "question_id": str(trip.id)}


def _agenda_values(event, programme) -> dict[str, str]:
    """{session_id} (a published workshop), {room_id}, {track_id}; one session is moved
    and published again, another renamed in the draft only."""
    from datetime import timedelta

    from app.agenda import services as agenda

    sessions = {s.title.get("en"): s for s in agenda.sessions_of(event)}
    moved = sessions["Early-warning systems for mudflows and floods"]
    agenda.move_session(moved, room=moved.room, starts_at=moved.starts_at + timedelta(minutes=30),
                        ends_at=moved.ends_at + timedelta(minutes=30), actor=programme)
    # the demo's speaker conflict (someone invited outside their dates) is published knowingly
    agenda.publish_agenda(event, actor=programme,
                          accept_conflicts=agenda.conflicts_key(agenda.open_conflicts(event)))
    renamed = sessions["Carbon markets and Article 6 cooperation"]
    agenda.update_session(renamed, {"title": "Carbon markets and cooperation under Article 6"}, actor=programme)
    workshop = sessions["Workshop: building a national adaptation plan"]
    rooms, tracks = agenda.rooms_of(event), agenda.tracks_of(event)
    return {"session_id": str(workshop.id), "room_id": str(rooms[0].id), "track_id": str(tracks[0].id)}


def _portrait(background: tuple[int, int, int], size: int = 480):
    """A plain JPEG stand-in for a portrait (a head and shoulders on a coloured ground),
    so the pages and the badge show a photo where people would upload one."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(image)
    skin, suit = (226, 196, 170), (52, 64, 84)
    draw.ellipse((size * 0.14, size * 0.68, size * 0.86, size * 1.3), fill=suit)
    draw.ellipse((size * 0.32, size * 0.2, size * 0.68, size * 0.62), fill=skin)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    out.seek(0)
    return out


def _slides_pdf():
    import io

    from fpdf import FPDF

    pdf = FPDF(orientation="landscape")
    pdf.add_page()
    pdf.set_font("helvetica", size=28)
    pdf.cell(text="Transboundary water cooperation")
    out = io.BytesIO(bytes(pdf.output()))
    return out


def _speaker_values(event, programme) -> dict[str, str]:
    """{speaker_id} (the demo speaker, with a photo), {assignment_id} (her accepted session,
    with slides and a pending proposal), {invited_assignment_id} (one she has not answered),
    {speaker_session_id} (the session of {assignment_id}) and {answer_token} (the emailed
    link of someone invited by email, who has no password yet)."""
    from app.accounts.models import User
    from app.utils.images import process_photo
    from app.speakers import services as speakers
    from app.speakers import uploads
    from app.speakers.models import AssignmentRole, AssignmentState

    speaker = User.by_email("speaker@example.org")
    mine = speakers.my_assignments(event, speaker)
    accepted = next(a for a in mine if a.state == AssignmentState.accepted
                    and a.session.title.startswith("Transboundary water"))
    invited = next(a for a in mine if a.state == AssignmentState.invited)
    speakers.replace_photo(speakers.ensure_profile(event, speaker), process_photo(_portrait((198, 219, 206))),
                           actor=speaker)
    speakers.add_slides(accepted, uploads.check_slides(_slides_pdf()), "Aral basin water sharing.pdf",
                        actor=speaker)
    speakers.update_needs(accepted, {"av_needs": "A clicker and a lapel microphone",
                                     "interpretation_needs": "Russian to English", "slides_public": True},
                          actor=speaker)
    speakers.propose_change(accepted, title="Sharing the Aral Sea basin: thirty years of water cooperation",
                            abstract="How the five basin states allocate water today, what the data shows, "
                                     "and what a new regional agreement could change.", actor=speaker)
    newcomer, _created = speakers.invite_new_speaker(
        accepted.session, email="new.speaker@example.org", role=AssignmentRole.panelist, actor=programme,
        honorific="Ms", given_name="Aigerim", family_name="Nurlanovna", position="Water policy analyst",
        organisation="Eurasian Water Institute", country="KZ")
    return {"speaker_id": str(speaker.id), "assignment_id": str(accepted.id),
            "invited_assignment_id": str(invited.id), "speaker_session_id": str(accepted.session_id),
            "answer_token": speakers.answer_token(newcomer)}


def _onsite_values(event, accreditation, checkin) -> dict[str, str]:
    """The demo delegate with a badge photo, checked in at the entrance and at the workshop's
    door, holding a visa letter ({letter_token} verifies it); the Pakistan delegation's
    adviser waits for a letter, its head had one revoked ({revoked_letter_token});
    {door_id} is the workshop's door at the desk, {badge_code} the delegate's badge code."""
    from datetime import date

    from app.accounts.models import User
    from app.checkin import services as onsite
    from app.checkin.models import CheckInMethod
    from app.checkin.services import letters
    from app.personal.services import delegate_registration
    from app.registration import services as registration
    from app.utils.images import process_photo

    def needs_letter(person, passport):
        found = delegate_registration(event, User.by_email(person))
        found.visa_letter_needed = True
        found.passport_number, found.passport_expiry = passport, date(2032, 3, 31)
        found.date_of_birth, found.place_of_birth = date(1981, 5, 17), "Karachi"
        return found

    delegate = delegate_registration(event, User.by_email("delegate@example.org"))
    registration.replace_photo(delegate, process_photo(_portrait((205, 214, 230))), actor=delegate.user)
    delegate.visa_letter_needed = True
    delegate.passport_number, delegate.passport_expiry = "N12345678", date(2033, 9, 30)
    delegate.date_of_birth, delegate.place_of_birth = date(1984, 11, 2), "Almaty"
    letter = letters.issue_letter(delegate, actor=accreditation)
    head = needs_letter("pk.focal@example.org", "AB1234567")
    revoked = letters.issue_letter(head, actor=accreditation)
    letters.revoke_letter(revoked, actor=accreditation, reason="Travel plans changed")
    needs_letter("pk.adviser@example.org", "CD7654321")
    doors = onsite.desk_sessions(event)
    workshop = next(d for d in doors if d.signup_required)
    # today, whatever day the tests run on (the desk asks first outside the event's days)
    onsite.admit(event, delegate, actor=checkin, method=CheckInMethod.code, confirmed=True)
    onsite.admit(event, delegate, actor=checkin, method=CheckInMethod.qr, session=workshop, confirmed=True)
    return {"letter_token": letters.letter_token(letter), "revoked_letter_token": letters.letter_token(revoked),
            "door_id": str(workshop.id), "badge_code": onsite.ensure_badge(delegate).display_code}


@pytest.fixture(scope="session")
def _live_database():
    """The live server's own database: a SQLite file, or on a PostgreSQL run (TEST_DATABASE_URL)
    a PostgreSQL database of its own, so the pages are tried on the database under test."""
    url = normalise(TEST_DATABASE_URL)
    if not url.startswith("postgresql"):
        yield None
        return
    with scratch_database(url, "live_" + os.environ.get("PYTEST_XDIST_WORKER", "main")) as scratch:
        yield scratch


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, _live_database):
    instance = tmp_path_factory.mktemp("browser-instance")
    app = create_app(_live_config(instance, _live_database))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    live = LiveServer(app, server)
    app.config["SERVER_NAME"] = f"127.0.0.1:{server.port}"
    with app.app_context():
        _prepare_data(live)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield live
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_PATH.exists():
        unavailable(f"axe-core is missing ({AXE_PATH.relative_to(AXE_PATH.parents[2])}): run npm install")
    return AXE_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def auth_states(browser, live_server):
    """Cookies of each demo account, logged in once through the form and reused."""
    states: dict[str, dict] = {}

    def state_for(account: str) -> dict:
        if account not in states:
            context = browser.new_context(viewport=DESKTOP)
            page = context.new_page()
            log_in(page, live_server.url, account)
            states[account] = context.storage_state()
            context.close()
        return states[account]

    return state_for


def _watch(page):
    """Collect JavaScript errors and console errors (CSP refusals among them) in page.problems."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error" else None)
    page.problems = problems
    return page


def _context(browser, state=None, viewport=DESKTOP, **options):
    context = browser.new_context(viewport=viewport, storage_state=state, **options)
    context.set_default_timeout(10000)  # a page of this app that takes longer is a failure
    return context


@pytest.fixture
def new_page(browser, auth_states):
    """new_page(account=None, viewport=DESKTOP): a page in a fresh browser context
    (its own cookies), logged in as the demo account if one is named."""
    contexts = []

    def make(account: str | None = None, viewport: dict = DESKTOP, **options):
        context = _context(browser, auth_states(account) if account else None, viewport, **options)
        contexts.append(context)
        return _watch(context.new_page())

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def _shared_contexts(browser, auth_states):
    contexts: dict = {}
    yield contexts
    for context in contexts.values():
        context.close()


@pytest.fixture
def shared_page(browser, auth_states, _shared_contexts):
    """shared_page(account=None): a new page in one context per account kept for the
    session, so the browser's cache spares reloading the stylesheets on every
    test. Only for tests that leave the session as they found it (no language
    switch, no logging out)."""
    pages = []

    def make(account: str | None = None):
        if account not in _shared_contexts:
            _shared_contexts[account] = _context(browser, auth_states(account) if account else None)
        page = _watch(_shared_contexts[account].new_page())
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.close()
