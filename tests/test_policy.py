"""Who may do what: the role table, every endpoint's declaration, and every
organiser and admin page opened by every kind of user."""
from __future__ import annotations

import tempfile
from datetime import date, time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask_login import AnonymousUserMixin

from app import create_app, policy
from app.events.models import EventRoleName
from app.extensions import db
from app.mail.services import queue_email
from app.registration.models import ApprovalMode
from app.utils.time import local_to_utc
from config import TestingConfig
from tests.factories import grant, login_session, make_event, make_user

ROLES = ("secretariat", "programme", "accreditation", "protocol", "checkin", "viewer")

# --- (a) The role table, cell by cell ---------------------------------------------------------
# Changing who may do what means changing this table in the same commit.
#                                 secr  prog  accr  prot  chk   view
EXPECTED_TABLE = {
    "manage.access":               (1,    1,    1,    1,    1,    1),
    "dashboard.view":              (1,    1,    1,    1,    1,    1),
    "dashboard.secretariat":       (1,    0,    0,    0,    0,    0),
    "dashboard.accreditation":     (1,    0,    1,    0,    0,    0),
    "dashboard.programme":         (1,    1,    0,    0,    0,    0),
    "dashboard.protocol":          (1,    0,    0,    1,    0,    0),
    "dashboard.checkin":           (1,    0,    0,    0,    1,    0),
    "privacy.manage":              (1,    0,    0,    0,    0,    0),
    "event.edit":                  (1,    0,    0,    0,    0,    0),
    "team.manage":                 (1,    0,    0,    0,    0,    0),
    "audit.view":                  (1,    0,    0,    0,    0,    0),
    "translation.manage":          (1,    0,    0,    0,    0,    0),
    "job.view_any":                (1,    0,    0,    0,    0,    0),
    "registration.view":           (1,    0,    1,    1,    0,    0),
    "registration.review":         (1,    0,    1,    0,    0,    0),
    "registration.export":         (1,    0,    1,    1,    0,    0),
    "registration.view_passport":  (1,    0,    1,    0,    0,    0),
    "registration.configure":      (1,    0,    1,    0,    0,    0),
    "invitation.manage":           (1,    0,    1,    0,    0,    0),
    "delegation.view":             (1,    0,    1,    1,    0,    0),
    "delegation.manage":           (1,    0,    1,    0,    0,    0),
    "agenda.view_draft":           (1,    1,    0,    0,    0,    1),
    "agenda.edit":                 (1,    1,    0,    0,    0,    0),
    "agenda.publish":              (1,    1,    0,    0,    0,    0),
    "speaker.manage":              (1,    1,    0,    0,    0,    0),
    "checkin.operate":             (1,    0,    0,    0,    1,    0),
    "checkin.supervise":           (1,    0,    0,    0,    1,    0),
    "badge.print_bulk":            (1,    0,    1,    0,    0,    0),
    "badge.print_desk":            (1,    0,    1,    0,    1,    0),
    "visa_letter.manage":          (1,    0,    1,    0,    0,    0),
    "footprint.view":              (1,    0,    1,    1,    0,    1),
    "footprint.configure":         (1,    0,    0,    0,    0,    0),
    "bilateral.read":              (1,    0,    1,    1,    0,    0),
    "bilateral.manage":            (1,    0,    0,    1,    0,    0),
}
EXPECTED_ADMIN_ACTIONS = {"admin.users", "admin.events", "admin.outbox", "admin.audit"}


def test_role_matrix_is_exactly_the_expected_table():
    expected = {role: {action: bool(cells[i]) for action, cells in EXPECTED_TABLE.items()}
                for i, role in enumerate(ROLES)}
    assert policy.matrix() == expected


def test_roles_are_the_six_organiser_roles():
    assert tuple(r.value for r in EventRoleName) == ROLES


def test_admin_actions_are_the_expected_ones():
    assert policy.ADMIN_ACTIONS == EXPECTED_ADMIN_ACTIONS


# --- (b) Every endpoint declares its access -----------------------------------------------------
FRAMEWORK_ENDPOINTS = {"static", "bootstrap.static"}  # files, served by Flask and Bootstrap-Flask


def test_every_endpoint_declares_its_access(app):
    undeclared = sorted(endpoint for endpoint, view in app.view_functions.items()
                        if endpoint not in FRAMEWORK_ENDPOINTS and not hasattr(view, "_access_rule"))
    assert undeclared == [], f"endpoints without @public, @authenticated or @requires(...): {undeclared}"


def test_every_declared_action_is_known(app):
    known = policy.known_actions() | {policy.PUBLIC, policy.AUTHENTICATED}
    unknown = sorted(f"{endpoint}: {view._access_rule}" for endpoint, view in app.view_functions.items()
                     if hasattr(view, "_access_rule") and view._access_rule not in known)
    assert unknown == []


# --- (c) Every organiser and admin page, for every kind of user ----------------------------------
# Pages whose URL needs more than the event's slug: how to build a sample URL for
# them. `event` is the published test event (see `_furnished_event`); return the
# other URL values, making the objects the page needs with the domain's own
# services. A new such page must be added here.

def _actor():
    """The organiser who sets up a sample object (audited services want one)."""
    return make_user()


def _question(event):
    from app.registration import services as registration
    from app.registration.models import QuestionKind

    return registration.add_question(event, label="Sample question", kind=QuestionKind.text, choices=[],
                                     required=False, position=0, actor=_actor())


def _category(event):
    from app.registration import services as registration

    return registration.save_category(event, None, {"name": "Sample category", "approval": ApprovalMode.moderated,
                                                    "capacity": None, "protocol_rank": 100, "position": 0,
                                                    "invite_only": False, "active": True}, actor=_actor())


def _registration(event, **details):
    from app.registration import services as registration

    delegate = make_user()
    details = {"honorific": "Dr", "given_name": "Aliya", "family_name": "Serikova",
               "organisation": "Nazarbayev University", "position": "Professor", "country": "KZ",
               "nationality": "KZ", "phone": "+7 701 000 00 00", "languages": ["en"],
               "arrival_date": date(2027, 4, 20), "departure_date": date(2027, 4, 24),
               "visa_letter_needed": False, "public_listing": True, **details}
    return registration.create_registration(event, delegate, details, category=_category(event), actor=delegate)


def _approved_registration(event, **details):
    """An approved delegate with a badge photo, as the desk and badge printing need."""
    import io

    from PIL import Image

    from app.registration import services as registration

    delegate = _registration(event, **details)
    picture = io.BytesIO()
    Image.new("RGB", (300, 400), (30, 110, 160)).save(picture, "JPEG")
    registration.replace_photo(delegate, picture.getvalue(), actor=delegate.user)
    registration.approve_registration(delegate, actor=_actor())
    return delegate


def _pick(event):
    """The desk's signed reference to an approved delegate (photo and badge pages)."""
    from app.checkin import services as checkin

    return checkin.pick_token(_approved_registration(event))


def _visa_letter(event):
    from app.checkin.services import letters

    delegate = _approved_registration(event, visa_letter_needed=True, passport_number="N1234567",
                                      passport_expiry=date(2031, 1, 31), date_of_birth=date(1980, 5, 17),
                                      place_of_birth="Almaty")
    return letters.issue_letter(delegate, actor=_actor())


def _speaker_assignment(event):
    from app.speakers import services as speakers
    from app.speakers.models import AssignmentRole

    return speakers.assign_speaker(_session(event), make_user(), role=AssignmentRole.panelist, actor=_actor())


def _delegation(event):
    from app.registration import services as registration

    return registration.save_delegation(event, None, {"name": "Sample delegation", "country": "PK",
                                                      "category_id": _category(event).id, "head_user_id": None,
                                                      "quota": 5, "protocol_rank": 10}, actor=_actor())


def _room(event, name="Sample room"):
    from app.agenda import services as agenda

    return agenda.create_room(event, {"name": name, "capacity": 100, "location": "", "equipment": "",
                                      "interpretation_languages": [], "opens_at": time(8), "closes_at": time(20),
                                      "position": 0}, actor=_actor())


def _track(event):
    from app.agenda import services as agenda

    return agenda.create_track(event, {"name": "Sample track", "colour": "#1565c0", "description": "", "sdgs": [],
                                       "position": 0}, actor=_actor())


def _session(event):
    from app.agenda import services as agenda
    from app.agenda.models import SessionType, Visibility

    day = event.start_date
    return agenda.create_session(event, {
        "title": "Sample session", "type": SessionType.panel, "track": _track(event), "room": _room(event, "Hall A"),
        "sdgs": [6], "starts_at": local_to_utc(day, time(10), event.timezone),
        "ends_at": local_to_utc(day, time(11), event.timezone), "abstract": "", "languages": ["en"],
        "capacity": None, "signup_required": False, "visibility": Visibility.published, "category_ids": [],
    }, actor=_actor())


SAMPLE_URLS = {
    "admin.user_detail": lambda event: {"user_id": make_user().id},
    "admin.outbox_message": lambda event: {
        "message_id": _flushed(queue_email(to="someone@example.org", template="password_changed",
                                           user=make_user())).id},
    "registration.manage_detail": lambda event: {"registration_id": _registration(event).id},
    "registration.manage_export": lambda event: {"fmt": "csv"},
    "registration.manage_category": lambda event: {"category_id": _category(event).id},
    "registration.manage_question": lambda event: {"question_id": _question(event).id},
    "registration.manage_delegation": lambda event: {"delegation_id": _delegation(event).id},
    "agenda.session_edit": lambda event: {"session_id": _session(event).id},
    "agenda.session_move": lambda event: {"session_id": _session(event).id},
    "agenda.room_edit": lambda event: {"room_id": _room(event).id},
    "agenda.track_edit": lambda event: {"track_id": _track(event).id},
    "speakers.manage_person": lambda event: {"user_id": _speaker_assignment(event).user_id},
    "speakers.manage_export": lambda event: {"fmt": "csv"},
    "footprint.export": lambda event: {"fmt": "csv"},
    "speakers.manage_session": lambda event: {"session_id": _speaker_assignment(event).session_id},
    "checkin.desk_photo": lambda event: {"pick": _pick(event)},
    "checkin.badge_one": lambda event: {"pick": _pick(event)},
    "checkin.letter_pdf": lambda event: {"public_id": _visa_letter(event).public_id},
    "api.webhook": lambda event: {"webhook_id": _webhook(event).id},
    "organiser.report_download": lambda event: {"name": "sessions", "fmt": "csv"},
    "organiser.dashboard_secretariat_csv": lambda event: {"key": "registrations-by-state"},
    "organiser.dashboard_accreditation_csv": lambda event: {"key": "review-queue"},
    "organiser.dashboard_programme_csv": lambda event: {"key": "sessions-by-track"},
    "organiser.dashboard_protocol_csv": lambda event: {"key": "delegations-protocol"},
    "organiser.dashboard_checkin_csv": lambda event: {"key": "today-per-hour"},
    "organiser.dashboard_viewer_csv": lambda event: {"key": "countries"},
    "organiser.dashboard_secretariat_svg": lambda event: {"key": "countries-map"},
    "bilaterals.day_sheet": lambda event: {"room_id": _bilateral_room(event).id},
    "organiser.job": lambda event: {"job_id": _job(event).id},
    "organiser.job_download": lambda event: {"job_id": _job(event).id},
}

# Pages of a thing one organiser started (a background job): the event's team passes the
# page's event action, then only its starter and those with the table's action see it; the
# others are told it does not exist (404). The sample's starter is another organiser.
OWNER_PAGES = {"organiser.job": "job.view_any", "organiser.job_download": "job.view_any"}


def _job(event):
    """A finished badge job of another organiser, with its file."""
    from app.jobs import files
    from app.jobs.models import Job, JobState

    job = Job(event_id=event.id, kind="checkin.badges_pdf", requested_by_id=_actor().id, state=JobState.done,
              progress_total=3, progress_done=3, result_name="badges.pdf")
    db.session.add(job)
    db.session.flush()
    job.result_path = files.save(job.id, "badges.pdf", b"%PDF-1.4 sample")
    return _flushed(job)


def _bilateral_room(event):
    from app.bilaterals import services as bilaterals
    from app.bilaterals.models import Layout

    return bilaterals.keep_room(event, _room(event, "Bilateral room").id, 8, Layout.square, actor=_actor())


def _webhook(event):
    from app.api.models import Webhook

    hook = Webhook(event_id=event.id, url="https://hooks.example.org/kurultai", secret="s",
                   events=["registration.approved"])
    db.session.add(hook)
    return _flushed(hook)


def _furnished_event(**fields):
    """An event as organisers have it once set up: at least one room to put sessions in
    (without one, the new-session page sends its users to add a room first)."""
    event = make_event(**fields)
    _room(event, "Plenary hall")
    return event


def _flushed(obj):
    db.session.flush()
    return obj


def _route_map_app():
    class RouteMapConfig(TestingConfig):
        INSTANCE_DIR = Path(tempfile.mkdtemp(prefix="kurultai-routes-"))
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    return create_app(RouteMapConfig)


def _protected_get_rules(app):
    return sorted((rule for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and rule.rule.startswith(("/e/<slug>/manage", "/admin"))),
                  key=lambda rule: rule.endpoint)


_RULES = _protected_get_rules(_route_map_app())
_TESTABLE = [rule.endpoint for rule in _RULES
             if rule.arguments <= {"slug"} or rule.endpoint in SAMPLE_URLS]
PERSONAS = ("anonymous", "no_role", *ROLES, "platform_admin")


def test_every_protected_page_with_other_url_arguments_has_a_sample_url():
    missing = sorted(rule.endpoint for rule in _RULES
                     if not rule.arguments <= {"slug"} and rule.endpoint not in SAMPLE_URLS)
    assert missing == [], f"add a sample URL to SAMPLE_URLS in tests/test_policy.py for: {missing}"


def test_protected_pages_include_the_foundation_pages():
    assert {"organiser.dashboard", "organiser.settings", "organiser.team", "organiser.audit", "admin.users",
            "admin.events", "admin.outbox", "admin.audit", "admin.user_detail",
            "admin.outbox_message"} <= set(_TESTABLE)


def test_protected_pages_include_the_speakers_and_on_site_pages():
    assert {"speakers.manage_list", "speakers.manage_sessions", "speakers.manage_proposals",
            "speakers.manage_person", "speakers.manage_export", "speakers.manage_session", "checkin.desk",
            "checkin.desk_counts", "checkin.desk_photo", "checkin.manage_badges", "checkin.badges_pdf",
            "checkin.badge_one", "checkin.manage_settings", "checkin.manage_letters",
            "checkin.letter_pdf", "checkin.desks", "checkin.desk_worker", "checkin.desk_manifest"} <= set(_TESTABLE)


def test_protected_pages_include_the_bilateral_pages():
    assert {"bilaterals.manage_list", "bilaterals.manage_rooms", "bilaterals.manage_rules", "bilaterals.usher",
            "bilaterals.interpreters", "bilaterals.day_sheet"} <= set(_TESTABLE)


def expected_status(action: str, persona: str, endpoint: str = "") -> int:
    if persona == "anonymous":
        return 302
    if persona == "platform_admin":
        return 200
    if action in policy.ADMIN_ACTIONS:
        return 403
    assert action in EXPECTED_TABLE, f"action {action!r} is missing from EXPECTED_TABLE"
    if persona == "no_role":
        return 403
    if not EXPECTED_TABLE[action][ROLES.index(persona)]:
        return 403
    if endpoint in OWNER_PAGES:
        return 200 if EXPECTED_TABLE[OWNER_PAGES[endpoint]][ROLES.index(persona)] else 404
    return 200


def _url(app, endpoint: str, event) -> str:
    from flask import url_for

    rule = next(r for r in app.url_map.iter_rules(endpoint=endpoint))
    values = {"slug": event.slug} if "slug" in rule.arguments else {}
    if endpoint in SAMPLE_URLS:
        values.update(SAMPLE_URLS[endpoint](event))
    with app.test_request_context():
        return url_for(endpoint, **values)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", _TESTABLE)
def test_protected_page_answers_each_kind_of_user(app, client, endpoint, persona):
    event = _furnished_event()
    url = _url(app, endpoint, event)
    if persona != "anonymous":
        user = make_user(is_admin=persona == "platform_admin")
        if persona in ROLES:
            grant(user, event, persona)
        db.session.commit()
        login_session(client, user)
    else:
        db.session.commit()
    action = app.view_functions[endpoint]._access_rule
    response = client.get(url)
    assert response.status_code == expected_status(action, persona, endpoint), f"{persona} on {url} ({action})"
    if persona == "anonymous":
        location = urlsplit(response.headers["Location"])
        assert location.path == "/account/login"


@pytest.mark.parametrize("endpoint", [e for e in _TESTABLE if e not in {r.endpoint for r in _RULES
                                                                   if r.rule.startswith("/admin")}])
def test_unpublished_event_pages_are_404_for_users_without_a_role(app, client, endpoint):
    event = _furnished_event(published=False)
    url = _url(app, endpoint, event)
    outsider = make_user()
    other_event = make_event()
    grant(outsider, other_event, "secretariat")
    db.session.commit()
    login_session(client, outsider)
    assert client.get(url).status_code == 404


# --- (d) can() without HTTP -------------------------------------------------------------------

def test_platform_admin_may_do_everything_everywhere():
    admin = make_user(is_admin=True)
    event = make_event(published=False)
    assert all(policy.can(admin, action, event) for action in policy.EVENT_ACTIONS)
    assert all(policy.can(admin, action) for action in policy.ADMIN_ACTIONS)


def test_deactivated_user_may_do_nothing():
    event = make_event()
    user = make_user(active=False)
    grant(user, event, "secretariat")
    admin = make_user(is_admin=True, active=False)
    assert [a for a in policy.EVENT_ACTIONS if policy.can(user, a, event)] == []
    assert [a for a in policy.EVENT_ACTIONS if policy.can(admin, a, event)] == []


def test_role_in_another_event_gives_nothing():
    mine, theirs = make_event(), make_event()
    user = make_user()
    grant(user, theirs, "secretariat")
    assert [a for a in policy.EVENT_ACTIONS if policy.can(user, a, mine)] == []
    assert [a for a in policy.EVENT_ACTIONS if policy.can(user, a, theirs)] == list(policy.EVENT_ACTIONS)


def test_roles_give_exactly_their_actions():
    event = make_event()
    for i, role in enumerate(ROLES):
        user = make_user()
        grant(user, event, role)
        allowed = sorted(a for a in policy.EVENT_ACTIONS if policy.can(user, a, event))
        assert allowed == sorted(a for a, cells in EXPECTED_TABLE.items() if cells[i]), role


def test_organiser_roles_never_give_admin_actions():
    event = make_event()
    user = make_user()
    grant(user, event, "secretariat")
    assert [a for a in policy.ADMIN_ACTIONS if policy.can(user, a, event)] == []


def test_anonymous_and_missing_users_may_do_nothing():
    event = make_event()
    assert policy.can(AnonymousUserMixin(), "dashboard.view", event) is False
    assert policy.can(None, "dashboard.view", event) is False


def test_event_action_without_an_event_is_refused():
    user = make_user()
    grant(user, make_event(), "secretariat")
    assert policy.can(user, "event.edit", None) is False


def test_unknown_action_is_an_error_not_a_silent_no():
    user = make_user()
    with pytest.raises(KeyError):
        policy.can(user, "event.destroy", make_event())


def test_object_of_an_event_is_judged_by_its_event():
    event = make_event()
    user = make_user()
    grant(user, event, "checkin")

    class Badge:
        pass

    badge = Badge()
    badge.event = event
    assert policy.can(user, "badge.print_desk", badge) is True
    assert policy.can(user, "badge.print_bulk", badge) is False


def test_object_rules_decide_their_action():
    owner, other = make_user(), make_user()

    class Note:
        def __init__(self, user):
            self.user = user

    policy.object_rule("test_note.read")(lambda user, note: note.user.id == user.id)
    try:
        assert policy.can(owner, "test_note.read", Note(owner)) is True
        assert policy.can(other, "test_note.read", Note(owner)) is False
    finally:
        policy._OBJECT_RULES.pop("test_note.read")


# --- (e) Public rules: what everyone may read ----------------------------------------------------
# The participant list, by (switched on, event published): who may open it. The event's team
# and platform admins always may (a preview); everyone else only while it is public.
#                                    anon  none  secr  prog  accr  prot  chk   view  admin
PARTICIPANT_LIST_TABLE = {
    (True, True):                   (1,    1,    1,    1,    1,    1,    1,    1,    1),
    (False, True):                  (0,    0,    1,    1,    1,    1,    1,    1,    1),
    (True, False):                  (0,    0,    1,    1,    1,    1,    1,    1,    1),
    (False, False):                 (0,    0,    1,    1,    1,    1,    1,    1,    1),
}
LIST_CASES = sorted(PARTICIPANT_LIST_TABLE, reverse=True)


def _list_event(switched_on: bool, published: bool):
    from app.registration.services import settings_for

    event = make_event(published=published)
    settings_for(event).participant_list = switched_on
    db.session.flush()
    return event


def _persona(persona: str, event):
    if persona == "anonymous":
        return AnonymousUserMixin()
    user = make_user(is_admin=persona == "platform_admin")
    if persona in ROLES:
        grant(user, event, persona)
    return user


@pytest.mark.parametrize(("switched_on", "published"), LIST_CASES)
def test_participant_list_rule_for_each_kind_of_user(switched_on, published):
    event = _list_event(switched_on, published)
    allowed = {persona: policy.can(_persona(persona, event), "participants.view", event) for persona in PERSONAS}
    assert allowed == {persona: bool(cell) for persona, cell
                       in zip(PERSONAS, PARTICIPANT_LIST_TABLE[(switched_on, published)])}


def test_deactivated_organiser_sees_the_participant_list_only_when_it_is_public():
    switched_off, public = _list_event(False, True), _list_event(True, True)
    user = make_user(active=False)
    grant(user, switched_off, "secretariat")
    grant(user, public, "secretariat")
    assert policy.can(user, "participants.view", switched_off) is False
    assert policy.can(user, "participants.view", public) is True


def test_participant_list_rule_needs_an_event():
    assert policy.can(AnonymousUserMixin(), "participants.view", None) is False
    assert policy.can(make_user(is_admin=True), "participants.view", None) is False


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("switched_on", "published"), LIST_CASES)
def test_participant_page_answers_each_kind_of_user(client, persona, switched_on, published):
    event = _list_event(switched_on, published)
    user = _persona(persona, event)
    db.session.commit()
    if persona != "anonymous":
        login_session(client, user)
    expected = 200 if PARTICIPANT_LIST_TABLE[(switched_on, published)][PERSONAS.index(persona)] else 404
    assert client.get(f"/e/{event.slug}/participants").status_code == expected


def test_the_desk_reprints_badges_of_approved_registrations_only_even_for_admins():
    from types import SimpleNamespace

    from app.events.models import Event
    from app.policy import can

    admin = SimpleNamespace(is_authenticated=True, is_active=True, is_admin=True, id=1)
    event = Event()
    assert can(admin, "badge.reprint_at_desk", SimpleNamespace(event=event, state="approved"))
    assert not can(admin, "badge.reprint_at_desk", SimpleNamespace(event=event, state="pending"))
    assert not can(None, "badge.reprint_at_desk", SimpleNamespace(event=event, state="approved"))
