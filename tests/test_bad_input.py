"""Every foundation form, every field, with what people (and scripts) really send:
the answer is a field error, or the value is stored and shown escaped. Never a 500
(in tests an unexpected error is raised, so it fails the test)."""
from __future__ import annotations

import pytest

from app.accounts.services import create_token
from app.extensions import db
from tests.factories import PASSWORD, field_error, grant, login_session, make_event, make_user, page

SCRIPT = "<script>alert(1)</script>"
VALUES = {
    "empty": "",
    "huge": "Ж" * 10_000,
    "script": SCRIPT,
    "bad_email": "not-an-email",
    "unicode": "Қасым-Жомарт Мусадик",
}
NEW_PASSWORD = "a quiet river at dawn"


def _logged_in(client, **fields):
    user = make_user(**fields)
    db.session.commit()
    login_session(client, user)
    return user


def setup_signup(client):
    return "/account/signup", {"email": "new@example.org", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                               "honorific": "", "given_name": "Aru", "family_name": "Sadykova",
                               "organisation": "", "position": "", "country": "KZ", "locale": "en"}


def setup_login(client):
    user = make_user()
    db.session.commit()
    return "/account/login", {"email": user.email, "password": PASSWORD}


def setup_forgot(client):
    return "/account/forgot", {"email": "someone@example.org"}


def setup_reset(client):
    user = make_user()
    raw = create_token(user, "reset", hours=1)
    db.session.commit()
    return f"/account/reset/{raw}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}


def setup_profile(client):
    _logged_in(client)
    return "/account/profile", {"honorific": "", "given_name": "Aru", "family_name": "Sadykova",
                                "organisation": "", "position": "", "country": "", "locale": "en"}


def setup_password(client):
    _logged_in(client)
    return "/account/password", {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}


def setup_email(client):
    _logged_in(client)
    return "/account/email", {"email": "elsewhere@example.org", "current": PASSWORD}


EVENT_DATA = {"title": "Summit", "slug": "summit-x", "description": "", "venue": "", "city": "Astana",
              "country": "KZ", "timezone": "Asia/Almaty", "start_date": "2027-04-21", "end_date": "2027-04-23",
              "languages": "en", "registration_opens_at": "", "registration_closes_at": "",
              "contact_email": "info@example.org", "primary_colour": "#0b5d3b", "accent_colour": "#1f6fb2",
              "published": "y", "privacy_notice": "", "short_title": "", "practical_info": "",
              "default_language": ""}


def setup_event_settings(client):
    event = make_event("summit-x")
    user = _logged_in(client)
    grant(user, event, "secretariat")
    db.session.commit()
    return "/e/summit-x/manage/settings", dict(EVENT_DATA)


def setup_event_create(client):
    _logged_in(client, is_admin=True)
    return "/admin/events", dict(EVENT_DATA)


def setup_team_grant(client):
    event = make_event("summit-x")
    user = _logged_in(client)
    grant(user, event, "secretariat")
    make_user("member@example.org")
    db.session.commit()
    return "/e/summit-x/manage/team", {"email": "member@example.org", "role": "viewer"}


# form -> (setup, fields that must refuse an empty value, email fields)
FORMS = {
    "signup": (setup_signup, {"email", "password", "confirm", "given_name", "family_name", "locale"}, {"email"}),
    "login": (setup_login, {"email", "password"}, {"email"}),
    "forgot": (setup_forgot, {"email"}, {"email"}),
    "reset": (setup_reset, {"password", "confirm"}, set()),
    "profile": (setup_profile, {"given_name", "family_name", "locale"}, set()),
    "password": (setup_password, {"current", "password", "confirm"}, set()),
    "email": (setup_email, {"email", "current"}, {"email"}),
    "event_settings": (setup_event_settings, {"title", "slug", "timezone", "start_date", "end_date", "languages",
                                              "contact_email", "primary_colour", "accent_colour"},
                       {"contact_email"}),
    "event_create": (setup_event_create, {"title", "slug", "timezone", "start_date", "end_date", "languages",
                                          "contact_email", "primary_colour", "accent_colour"}, {"contact_email"}),
    "team_grant": (setup_team_grant, {"email", "role"}, {"email"}),
}
# Fields whose every value is a choice (a tick box ticks with any value).
ANY_VALUE_FIELDS = {"published"}


def _params():
    fields_of = {
        "signup": ["email", "password", "confirm", "honorific", "given_name", "family_name", "organisation",
                   "position", "country", "locale"],
        "login": ["email", "password"],
        "forgot": ["email"],
        "reset": ["password", "confirm"],
        "profile": ["honorific", "given_name", "family_name", "organisation", "position", "country", "locale"],
        "password": ["current", "password", "confirm"],
        "email": ["email", "current"],
        "event_settings": list(EVENT_DATA),
        "event_create": list(EVENT_DATA),
        "team_grant": ["email", "role"],
    }
    for form, fields in fields_of.items():
        for field in fields:
            for kind in VALUES:
                yield pytest.param(form, field, kind, id=f"{form}-{field}-{kind}")


def test_every_form_field_is_listed(app):
    """The field lists below follow the forms: a new field must be added to them."""
    from app.accounts.forms import (ChangeEmailForm, ChangePasswordForm, EmailOnlyForm, LoginForm, ProfileForm,
                                    ResetPasswordForm, SignupForm)
    from app.events.forms import EventForm, GrantRoleForm

    listed = {}
    for param in _params():
        form, field, _ = param.values
        listed.setdefault(form, set()).add(field)
    classes = {"signup": SignupForm, "login": LoginForm, "forgot": EmailOnlyForm, "reset": ResetPasswordForm,
               "profile": ProfileForm, "password": ChangePasswordForm, "email": ChangeEmailForm,
               "event_settings": EventForm, "event_create": EventForm, "team_grant": GrantRoleForm}
    with app.test_request_context():
        for name, cls in classes.items():
            actual = {f.name for f in cls(meta={"csrf": False}) if f.type != "SubmitField"}
            assert actual == listed[name], name


@pytest.mark.parametrize("form, field, kind", list(_params()))
def test_bad_input_gives_a_field_error_or_is_stored_escaped(client, form, field, kind):
    setup, required, email_fields = FORMS[form]
    url, data = setup(client)
    value = VALUES[kind]
    data[field] = value
    response = client.post(url, data=data, follow_redirects=True)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert SCRIPT not in text

    error = field_error(response, field)
    must_refuse = (
        (kind == "empty" and field in required)
        or (kind == "huge" and field not in ANY_VALUE_FIELDS)
        or (kind == "bad_email" and field in email_fields)
    )
    if must_refuse:
        assert error != "", f"{form}.{field} accepted {kind!r}"
    if error:
        # Refused: the form is shown again with what was typed, escaped.
        # The error sits with its field: in the same group as the input, or inside the
        # fieldset of a group of tick boxes (whose legend names the field).
        beside = page(response).xpath(f'//div[@id="{field}-error"]/parent::*[descendant-or-self::*[@id="{field}"]]')
        assert beside, f"{form}.{field} error without its field"


# --- Numbers beyond the database and control characters, wherever they come in ---------------
# 2**31 is past PostgreSQL's integer columns, 2**63 past SQLite's: both must be refused before
# they reach a query (the whole app is walked in tests/test_fuzz_routes.py).
BEYOND = ["2147483648", "9223372036854775808"]


def _summit_with_a_delegate():
    """An event whose approved delegate Dr Aliya Serikova is on the public participant list."""
    from app.registration.services import settings_for
    from tests.test_policy import _approved_registration, _furnished_event

    event = _furnished_event(slug="summit-x")
    delegate = _approved_registration(event)
    settings_for(event).participant_list = True
    return event, delegate


def _as(client, event, role):
    user = make_user(is_admin=role == "admin")
    if role != "admin":
        grant(user, event, role)
    db.session.commit()
    login_session(client, user)
    return user


@pytest.mark.parametrize("huge", BEYOND)
def test_speaker_photo_with_an_id_beyond_the_database_is_not_found(client, huge):
    make_event("summit-x")
    db.session.commit()
    assert client.get(f"/e/summit-x/speakers/{huge}/photo").status_code == 404


@pytest.mark.parametrize("path", ["manage/registrations", "manage/registrations/export.csv", "manage/badges"])
@pytest.mark.parametrize("huge", BEYOND)
def test_category_and_delegation_filters_beyond_the_database_are_ignored(client, path, huge):
    event, delegate = _summit_with_a_delegate()
    _as(client, event, "secretariat")
    for query in (f"category={huge}", f"delegation={huge}"):
        response = client.get(f"/e/summit-x/{path}?{query}")
        assert response.status_code == 200, query
        assert "Serikova" in response.get_data(as_text=True), query


@pytest.mark.parametrize("huge", BEYOND)
def test_bulk_decision_skips_ids_beyond_the_database(client, huge):
    from app.registration.models import RegistrationState
    from tests.test_policy import _registration

    event = make_event("summit-x")
    registration = _registration(event)
    _as(client, event, "accreditation")
    response = client.post("/e/summit-x/manage/registrations/bulk",
                           data={"decision": "approve", "selected": [huge, str(registration.id), "9" * 40]})
    assert response.status_code == 302
    db.session.expire_all()
    assert registration.state == RegistrationState.approved


@pytest.mark.parametrize("room_id", [2**31, 2**63, 10**30, -1, "2147483648"])
def test_moving_a_session_to_a_room_beyond_the_database_is_a_json_error(client, room_id):
    from tests.test_policy import _furnished_event, _session

    event = _furnished_event(slug="summit-x")
    session = _session(event)
    _as(client, event, "programme")
    response = client.post(f"/e/summit-x/manage/agenda/sessions/{session.id}/move.json",
                           json={"room_id": room_id, "start": "2027-04-21T10:00", "end": "2027-04-21T11:00"})
    assert response.status_code == 400
    assert response.json == {"error": {"code": 400, "message": "Choose a room of this event."}}


@pytest.mark.parametrize("huge", BEYOND)
def test_assigning_a_speaker_id_beyond_the_database_is_a_form_error(client, huge):
    from tests.test_policy import _furnished_event, _session

    event = _furnished_event(slug="summit-x")
    session = _session(event)
    _as(client, event, "programme")
    response = client.post(f"/e/summit-x/manage/speakers/sessions/{session.id}/assign",
                           data={"user_id": huge, "role": "panelist", "note": ""})
    assert response.status_code == 200
    alerts = [div.text_content().strip() for div in page(response).xpath('//div[@role="alert"]')]
    assert alerts == ["Choose a person from the search results."]


@pytest.mark.parametrize("path, finds", [
    ("/e/summit-x/participants", True),
    ("/e/summit-x/manage/registrations", True),
    ("/e/summit-x/manage/badges", True),
    ("/e/summit-x/manage/speakers", False),
    ("/e/summit-x/speakers", False),
    ("/e/summit-x/manage/audit", False),
    ("/admin/", False),
    ("/admin/audit", False),
])
def test_search_with_a_nul_byte_searches_for_the_rest(client, path, finds):
    """A NUL or another control character pasted into a search is dropped: the search
    runs on what is left ("Seri\\0kova" finds Serikova) instead of failing."""
    event, delegate = _summit_with_a_delegate()
    _as(client, event, "admin")
    response = client.get(path, query_string={"q": "Seri\x00kova\x07", "actor": "a\x00b", "action": "c\x00d"})
    assert response.status_code == 200
    if finds:
        assert "Serikova" in response.get_data(as_text=True)
        assert "Seri\x00kova" not in response.get_data(as_text=True)


def test_event_address_with_a_control_character_reads_as_the_address_without_it(client):
    make_event("summit-x", title="Summit X")
    db.session.commit()
    for path in ("/e/summit-x%00/", "/e/summit%07-x/agenda"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Summit X" in response.get_data(as_text=True), path
    assert client.get("/e/%00%01/").status_code == 404
