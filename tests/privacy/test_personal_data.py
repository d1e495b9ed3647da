"""Personal data rights end to end: a person's copy of their data, erasure after a
grace period (or sooner by the secretariat), and anonymisation of an event once its
retention period is over, with its figures and published agenda kept."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from app.accounts.models import User
from app.agenda import services as agenda
from app.agenda.models import SessionType, Visibility
from app.audit.models import AuditEntry
from app.checkin.models import CheckIn, CheckInMethod
from app.checkin.services import letters
from app.extensions import db
from app.mail.models import OutboxMessage
from app.personal.models import SessionSignup
from app.privacy import services as privacy
from app.privacy.models import ErasureRequest, ErasureState
from app.registration import dashboard as figures
from app.registration import services as registration
from app.registration.models import Registration, RegistrationState as S
from app.speakers import services as speakers
from app.speakers import uploads as speaker_uploads
from app.speakers.models import AssignmentRole, SpeakerProfile
from app.utils import storage
from app.utils.time import local_to_utc
from tests.factories import (PASSWORD, audit_actions, flashes, grant, image_bytes, login, login_session,
                             make_category, make_event, make_user, outbox)
from tests.registration.conftest import details


@pytest.fixture
def event():
    return make_event(start_date=date(2027, 4, 21), end_date=date(2027, 4, 23))


def _room(event):
    return agenda.create_room(event, {"name": "Hall A", "capacity": 100, "location": "", "equipment": "",
                                      "interpretation_languages": [], "opens_at": time(8), "closes_at": time(20),
                                      "position": 0}, actor=make_user())


def _session(event, room, title="Glaciers and rivers"):
    return agenda.create_session(event, {
        "title": title, "type": SessionType.panel, "track": None, "room": room, "sdgs": [6],
        "starts_at": local_to_utc(date(2027, 4, 21), time(10), event.timezone),
        "ends_at": local_to_utc(date(2027, 4, 21), time(11), event.timezone), "abstract": "",
        "languages": ["en"], "capacity": None, "signup_required": False, "visibility": Visibility.published,
        "category_ids": []}, actor=make_user())


def _delegate(event, category, user=None, **fields):
    """An approved delegate with an answer, travel details, a check-in and a visa-support letter."""
    user = user or make_user(given_name="Aigul", family_name="Zhakupova")
    reg = registration.create_registration(
        event, user, details(given_name="Aigul", family_name="Zhakupova", visa_letter_needed=True,
                             passport_number="N5550001", passport_expiry=date(2031, 1, 1),
                             date_of_birth=date(1984, 6, 1), place_of_birth="Taraz", **fields),
        category=category, actor=user)
    registration.approve_registration(reg, actor=user)
    registration.update_travel(reg, {"arrival_flight": "KC 101", "hotel": "Hotel Ritz",
                                     "arrival_at": datetime(2027, 4, 20, 9, tzinfo=UTC)}, actor=user)
    letters.issue_letter(reg, actor=user)
    db.session.add(CheckIn(event_id=event.id, registration_id=reg.id, scope="venue", day=date(2027, 4, 21),
                           checked_in_at=datetime(2027, 4, 21, 4, tzinfo=UTC), method=CheckInMethod.qr))
    return reg


# --- The person's copy -------------------------------------------------------------------

def test_a_person_downloads_everything_held_about_them_in_one_request(client, event, count_queries):
    category = make_category(event)
    reg = _delegate(event, category)
    user = reg.user
    session = _session(event, _room(event))
    speakers.assign_speaker(session, user, role=AssignmentRole.panelist, actor=make_user())
    db.session.add(SessionSignup(event_id=event.id, session_id=session.id, user_id=user.id))
    registration.add_note(reg, "Met at the embassy", actor=make_user())
    db.session.commit()
    login_session(client, user)
    response = client.get("/account/data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    data = json.loads(response.get_data())
    assert data["account"]["email"] == user.email
    [held] = data["registrations"]
    assert (held["state"], held["passport_number"], held["hotel"], held["arrival_flight"]) == (
        "approved", "N5550001", "Hotel Ritz", "KC 101")
    assert [a["session"] for a in data["speaker_assignments"]] == ["Glaciers and rivers"]
    assert [s["session_id"] for s in data["session_signups"]] == [session.id]
    assert [c["door"] for c in data["check_ins"]] == ["venue"]
    assert [v["holder_name"] for v in data["visa_letters"]] == [reg.full_name]
    assert any(m["to"] == user.email for m in data["emails"])
    actions = {e["action"] for e in data["audit_entries"]}
    assert {"registration.travel", "registration.approve"} & actions


def test_the_copy_takes_as_many_queries_for_one_event_as_for_three(client, count_queries):
    user = make_user()
    events = [make_event() for _ in range(3)]
    _delegate(events[0], make_category(events[0]), user=user)
    db.session.commit()
    login_session(client, user)
    db.session.expire_all()
    with count_queries() as one:
        assert client.get("/account/data.json").status_code == 200
    for other in events[1:]:
        _delegate(other, make_category(other), user=user)
    db.session.commit()
    db.session.expire_all()
    with count_queries() as three:
        assert client.get("/account/data.json").status_code == 200
    assert three.count == one.count


def test_the_copy_needs_a_login(client):
    response = client.get("/account/data.json")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


# --- Erasure -------------------------------------------------------------------------------

def test_erasure_waits_for_the_grace_period_and_can_be_cancelled(client, event, clock):
    clock.set(datetime(2027, 1, 10, 8, tzinfo=UTC))
    reg = _delegate(event, make_category(event))
    user = reg.user
    db.session.commit()
    login(client, user)
    wrong = client.post("/account/erase", data={"password": "not my password"})
    assert "This is not your current password." in wrong.get_data(as_text=True)
    response = client.post("/account/erase", data={"password": PASSWORD}, follow_redirects=True)
    assert "You can cancel it until the day it is carried out." in " ".join(flashes(response))
    req = db.session.scalar(select(ErasureRequest).where(ErasureRequest.user_id == user.id))
    assert req.due_at == datetime(2027, 1, 24, 8, tzinfo=UTC)
    assert [m.to_address for m in outbox("erasure_requested")] == [user.email]
    # Nothing happens before the day; the person changes their mind.
    clock.set(datetime(2027, 1, 20, 8, tzinfo=UTC))
    assert privacy.purge_personal_data() == {"erased": 0, "events": 0}
    login_session(client, user)
    assert "Cancel my request" in client.get("/account/erase").get_data(as_text=True)
    client.post("/account/erase/cancel", data={})
    db.session.expire_all()
    assert db.session.get(ErasureRequest, req.id).state == ErasureState.cancelled
    clock.set(datetime(2027, 2, 1, 8, tzinfo=UTC))
    assert privacy.purge_personal_data()["erased"] == 0
    assert db.session.get(User, user.id).email == user.email
    assert {"privacy.erasure_requested", "privacy.erasure_cancelled"} <= set(audit_actions())


def test_erasure_keeps_the_figures_and_names_a_pseudonym_in_the_audit_log(app, client, event, clock):
    clock.set(datetime(2027, 1, 10, 8, tzinfo=UTC))
    category = make_category(event)
    reg = _delegate(event, category)
    user, address, reg_id = reg.user, reg.user.email, reg.id
    before = figures.state_counts(event)
    req = privacy.request_erasure(user, actor=user)
    db.session.commit()
    clock.set(datetime(2027, 1, 25, 8, tzinfo=UTC))
    result = CliRunner().invoke(app.cli, ["purge-personal-data"])
    assert "1 erasure requests carried out" in result.output
    db.session.expire_all()
    erased = db.session.get(User, user.id)
    assert (erased.email, erased.given_name, erased.family_name, erased.active) == (
        f"erased-{user.id}@invalid", "", req.pseudonym, False)
    kept = db.session.get(Registration, reg_id)
    # The registration of a coming event is cancelled, its place freed; nothing names the person.
    assert kept.state == S.cancelled and kept.country == "KZ" and kept.category_id == category.id
    assert (kept.given_name, kept.email, kept.passport_number, kept.hotel, kept.phone) == ("", "", "", "", "")
    after = figures.state_counts(event)
    assert sum(after.values()) == sum(before.values())
    summaries = " ".join(db.session.scalars(select(AuditEntry.summary)))
    assert "Zhakupova" not in summaries and req.pseudonym in summaries
    assert "privacy.erased" in audit_actions()
    # The outbox no longer holds their address, except the last message telling them.
    addresses = [m.to_address for m in db.session.scalars(select(OutboxMessage))]
    assert addresses.count(address) == 1 and outbox("erasure_done")[0].to_address == address
    assert "Aigul" not in outbox("erasure_done")[0].body_text
    # They cannot log in any more.
    refused = client.post("/account/login", data={"email": address, "password": PASSWORD})
    assert refused.status_code == 200 and "/account/login" not in refused.headers.get("Location", "")


def test_the_secretariat_sees_pending_requests_and_erases_or_keeps(client, event, clock):
    clock.set(datetime(2027, 1, 10, 8, tzinfo=UTC))
    category = make_category(event)
    first = _delegate(event, category)
    second = _delegate(event, category, user=make_user(given_name="Bolat", family_name="Nurov"))
    stranger = make_user(given_name="Far", family_name="Away")   # not known to this event
    requests = [privacy.request_erasure(u, actor=u) for u in (first.user, second.user, stranger)]
    lead = make_user()
    grant(lead, event, "secretariat")
    db.session.commit()
    login_session(client, lead)
    page = client.get(f"/e/{event.slug}/manage/privacy").get_data(as_text=True)
    assert first.user.email in page and second.user.email in page and stranger.email not in page
    assert client.post(f"/e/{event.slug}/manage/privacy/requests/{requests[2].id}/erase").status_code == 404
    client.post(f"/e/{event.slug}/manage/privacy/requests/{requests[0].id}/erase")
    client.post(f"/e/{event.slug}/manage/privacy/requests/{requests[1].id}/refuse",
                data={"reason": "An open audit of the travel grants needs it until June."})
    db.session.expire_all()
    assert [db.session.get(ErasureRequest, r.id).state for r in requests] == [
        ErasureState.done, ErasureState.refused, ErasureState.pending]
    assert "open audit of the travel grants" in outbox("erasure_refused")[0].body_text
    assert {"privacy.erased", "privacy.erasure_refused"} <= set(audit_actions())


def test_erasing_a_speaker_removes_their_photo_from_the_storage_once_it_commits(event):
    speaker = make_user(given_name="Dana", family_name="Omarova")
    profile = speakers.ensure_profile(event, speaker)
    speakers.replace_photo(profile, image_bytes(), actor=speaker)
    db.session.commit()
    key = speaker_uploads.photo_key(profile.photo_filename)
    assert storage.current().exists(key)
    req = privacy.request_erasure(speaker, actor=speaker)
    db.session.commit()
    # Erased, then rolled back: the profile still names the photo, and the file stays.
    privacy.erase(req, actor=None)
    db.session.rollback()
    assert storage.current().exists(key)
    assert db.session.get(SpeakerProfile, profile.id).photo_filename
    privacy.erase(db.session.get(ErasureRequest, req.id), actor=None)
    assert storage.current().exists(key)   # not before the commit
    db.session.commit()
    assert not storage.current().exists(key)
    assert db.session.get(SpeakerProfile, profile.id).photo_filename == ""


@pytest.mark.parametrize("role", ["accreditation", "programme", "protocol", "checkin", "viewer"])
def test_only_the_secretariat_handles_personal_data(client, event, role):
    user = make_user()
    grant(user, event, role)
    db.session.commit()
    login_session(client, user)
    assert client.get(f"/e/{event.slug}/manage/privacy").status_code == 403
    assert client.post(f"/e/{event.slug}/manage/privacy/anonymise").status_code == 403


# --- Event anonymisation --------------------------------------------------------------------

def test_an_event_is_anonymised_after_its_retention_keeping_figures_and_agenda(app, client, event, clock):
    clock.set(datetime(2027, 3, 1, 8, tzinfo=UTC))
    category = make_category(event)
    room = _room(event)
    _session(event, room, "Water diplomacy")
    people = [_delegate(event, category) for _ in range(3)]
    registration.create_registration(event, make_user(), details(family_name="Pending"), category=category,
                                     actor=make_user())
    agenda.publish_agenda(event, actor=make_user())
    lead = make_user()
    grant(lead, event, "secretariat")
    db.session.commit()
    counts_before = figures.state_counts(event)
    countries_before = figures.countries(event)
    login_session(client, lead)
    client.post(f"/e/{event.slug}/manage/privacy/retention", data={"retention_days": "30"})
    # Too early: refused and nothing changes.
    clock.set(datetime(2027, 5, 20, 8, tzinfo=UTC))
    login_session(client, lead)
    response = client.post(f"/e/{event.slug}/manage/privacy/anonymise", follow_redirects=True)
    assert "kept until 2027-05-24" in " ".join(flashes(response))
    assert db.session.get(Registration, people[0].id).hotel == "Hotel Ritz"
    clock.set(datetime(2027, 5, 24, 8, tzinfo=UTC))
    result = CliRunner().invoke(app.cli, ["purge-personal-data"])
    assert "1 events anonymised" in result.output
    db.session.expire_all()
    for person in people:
        kept = db.session.get(Registration, person.id)
        assert (kept.given_name, kept.email, kept.hotel, kept.passport_number, kept.answers) == ("", "", "", "", {})
        assert kept.state == S.approved
    assert figures.state_counts(event) == counts_before and figures.countries(event) == countries_before
    login_session(client, lead)
    agenda_page = client.get(f"/e/{event.slug}/agenda").get_data(as_text=True)
    assert "Water diplomacy" in agenda_page
    dashboard = client.get(f"/e/{event.slug}/manage/").get_data(as_text=True)
    assert "Zhakupova" not in dashboard
    assert "privacy.event_anonymised" in audit_actions() and "privacy.retention" in audit_actions()
    assert "Anonymised on" in client.get(f"/e/{event.slug}/manage/privacy").get_data(as_text=True)


def test_the_privacy_notice_says_what_is_kept_and_for_how_long(client, event):
    db.session.commit()
    page = client.get(f"/e/{event.slug}/privacy").get_data(as_text=True)
    assert "Passport data: deleted 30 days after" in page
    assert "anonymised 365 days after the event" in page
    assert "it is done 14 days after you ask" in page


def test_a_grace_period_and_an_erasure_cannot_run_twice(event):
    user = make_user()
    privacy.request_erasure(user, actor=user)
    with pytest.raises(privacy.PrivacyError):
        privacy.request_erasure(user, actor=user)
    assert privacy.pending_request(user).due_at - privacy.pending_request(user).requested_at == timedelta(days=14)
