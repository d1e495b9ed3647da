"""Speaker pages end to end: organisers assign and invite, speakers answer through the
link and the portal, the public sees confirmed speakers only; permissions, bad input
and query counts."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.mail.models import OutboxMessage
from app.speakers import services as svc
from app.speakers.models import AssignmentRole as R, AssignmentState as S, SessionProposal, SlideFile, SpeakerAssignment
from app.utils.time import utcnow
from tests.factories import (audit_actions, field_error, form_errors, grant, login, make_user, page as html,
                             told)
from tests.speakers.conftest import (assign, exe_bytes, image_bytes, make_speaker, pdf_bytes, pptx_bytes, publish,
                                     zip_bomb_pptx)

ANSWER_LINK = re.compile(r"https://summit\.test(/e/astana/speaker/answer/\S+)")


def _text(response) -> str:
    return response.get_data(as_text=True)


def _answer_path(email: str) -> str:
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == email)
                                 .order_by(OutboxMessage.id.desc())).first()
    return ANSWER_LINK.search(message.body_text).group(1)


def _no_inline_code(page: str) -> None:
    """Strict CSP: no style attributes, no inline scripts."""
    assert " style=" not in page
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None


def _upload(client, assignment, data: bytes, name="talk.pdf"):
    return client.post(f"/e/astana/speaker/sessions/{assignment.id}/slides",
                       data={"slides-file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def _refused_upload(client, assignment, data: bytes, name="talk.pdf"):
    """Upload a file that is refused: the answer redirects back to the session page, which it returns."""
    response = _upload(client, assignment, data, name)
    assert (response.status_code, response.headers["Location"]) == (
        302, f"/e/astana/speaker/sessions/{assignment.id}#slides")
    return client.get(response.headers["Location"])


# --- the whole journey ------------------------------------------------------------------

def test_organiser_assigns_and_invites_then_speakers_answer_edit_upload_and_propose(client, summit, programme):
    event, (water, *_rest) = summit
    existing = make_speaker("aigerim@example.org", given_name="Aigerim", family_name="Bekova",
                            organisation="Nazarbayev University")
    db.session.commit()
    login(client, programme)

    # Find an existing user by organisation and assign them.
    page = _text(client.get(f"/e/astana/manage/speakers/sessions/{water.id}?q=nazarbayev"))
    assert "Aigerim Bekova" in page
    response = client.post(f"/e/astana/manage/speakers/sessions/{water.id}/assign",
                           data={"user_id": str(existing.id), "role": "chair"})
    assert response.status_code == 302

    # Invite someone new by email.
    response = client.post(f"/e/astana/manage/speakers/sessions/{water.id}/invite", data={
        "email": "imran@example.org", "honorific": "Dr", "given_name": "Imran", "family_name": "Qureshi",
        "organisation": "PCRWR", "position": "Chief Scientist", "country": "PK", "locale": "en",
        "role": "presenter", "note": "Met him in Lahore"})
    assert response.status_code == 302
    client.post("/account/logout")

    # The invitee accepts through the link, choosing a password.
    link = _answer_path("imran@example.org")
    page = _text(client.get(link))
    assert "Aral Sea basin cooperation" in page and "Choose a password" in page
    response = client.post(link, data={"password": "glaciers of the upper indus", "confirm":
                                       "glaciers of the upper indus", "accept": "Accept"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/e/astana/speaker/profile"
    imran = User.by_email("imran@example.org")
    assignment = db.session.scalar(select(SpeakerAssignment).where(SpeakerAssignment.user_id == imran.id))
    assert (assignment.state, imran.is_verified) == (S.accepted, True)

    # Logged in now: edit the bio, upload slides, propose an abstract change.
    response = client.post("/e/astana/speaker/profile", data={
        "honorific": "Dr", "given_name": "Imran", "family_name": "Qureshi", "position": "Chief Scientist",
        "organisation": "PCRWR", "country": "PK", "bio": "Glacier hydrologist of the **upper Indus**.",
        "link1": "https://example.org/imran"})
    assert response.status_code == 302
    page = _text(client.get("/e/astana/speaker/profile"))
    assert "<strong>upper Indus</strong>" in page  # the preview
    assert _upload(client, assignment, pdf_bytes(), "indus.pdf").status_code == 302
    response = client.post(f"/e/astana/speaker/sessions/{assignment.id}/proposal", data={
        "proposal-title": "Aral Sea basin cooperation", "proposal-abstract": "Data sharing between five states."})
    assert response.status_code == 302
    client.post("/account/logout")

    # The programme officer approves the abstract and publishes.
    login(client, programme)
    proposal = db.session.scalar(select(SessionProposal))
    response = client.post(f"/e/astana/manage/speakers/proposals/{proposal.id}", data={"approve": "Approve"})
    assert response.status_code == 302
    db.session.refresh(water)
    assert water.abstract == "Data sharing between five states."
    assert client.post("/e/astana/manage/agenda/publish").status_code == 302
    client.post("/account/logout")

    page = _text(client.get(f"/e/astana/sessions/{water.id}"))
    assert "Data sharing between five states." in page
    assert "Dr Imran Qureshi" in page
    assert "Aigerim Bekova" not in page  # invited, not confirmed
    assert "Met him in Lahore" not in page


def test_organiser_reminders_land_in_the_outbox(client, summit, programme):
    _event, (water, finance, _w) = summit
    assign(water, make_speaker("waiting@example.org"))
    assign(finance, make_speaker("answered@example.org"), state=S.accepted)
    db.session.commit()
    login(client, programme)

    response = client.post("/e/astana/manage/speakers/remind", follow_redirects=True)

    assert "Reminders sent: 1." in _text(response)
    reminders = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "speaker_reminder")))
    assert [m.to_address for m in reminders] == ["waiting@example.org"]
    assert ANSWER_LINK.search(reminders[0].body_text) is not None


def test_manage_list_shows_every_state_and_flags_old_open_invitations(client, summit, programme):
    from datetime import timedelta

    _event, (water, finance, workshop) = summit
    old = assign(water, make_speaker(given_name="Old", family_name="Invite"))
    old.invited_at = utcnow() - timedelta(days=9)
    assign(finance, make_speaker(given_name="Fresh", family_name="Invite"))
    assign(workshop, make_speaker(given_name="Said", family_name="Yes"), state=S.accepted)
    db.session.commit()
    login(client, programme)

    page = _text(client.get("/e/astana/manage/speakers"))

    assert page.count("No answer for a week") == 1
    assert "Invited (2)" in page and "Accepted (1)" in page
    _no_inline_code(page)


# --- answers given by phone or letter ------------------------------------------------------

def _answer_choices(response, assignment) -> tuple[list[str], list[str]]:
    """The answers offered for `assignment` and the ones selected (as the browser shows them)."""
    from tests.factories import page

    (select_,) = page(response).xpath(f'//select[@name="answer{assignment.id}-answer"]')
    return select_.xpath("option/@value"), select_.xpath("option[@selected]/@value")


def test_phone_answer_form_preselects_nothing_and_offers_only_real_changes(client, summit, programme):
    _event, (water, finance, workshop) = summit
    accepted = assign(water, make_speaker("yes@example.org"), state=S.accepted)
    invited = assign(finance, make_speaker("waiting@example.org"))
    declined = assign(workshop, make_speaker("no@example.org"), state=S.declined)
    db.session.commit()
    login(client, programme)

    # Before, an accepted speaker's form came with "Withdrawn" chosen: one click withdrew them.
    assert _answer_choices(client.get(f"/e/astana/manage/speakers/sessions/{water.id}"), accepted) == (
        ["", "withdrawn"], [])
    assert _answer_choices(client.get(f"/e/astana/manage/speakers/sessions/{finance.id}"), invited) == (
        ["", "accepted", "declined"], [])
    page = _text(client.get(f"/e/astana/manage/speakers/sessions/{workshop.id}"))
    assert f"answer{declined.id}-answer" not in page


def test_phone_answer_without_a_choice_gets_a_field_error_and_changes_nothing(client, summit, programme):
    from tests.factories import field_error

    _event, (water, *_rest) = summit
    accepted = assign(water, make_speaker("yes@example.org"), state=S.accepted)
    db.session.commit()
    login(client, programme)

    response = client.post(f"/e/astana/manage/speakers/assignments/{accepted.id}/answer",
                           data={f"answer{accepted.id}-answer": "", f"answer{accepted.id}-reason": ""})

    assert response.status_code == 200
    assert field_error(response, f"answer{accepted.id}-answer") == "Choose the answer the speaker gave."
    db.session.refresh(accepted)
    assert accepted.state == S.accepted


@pytest.mark.parametrize("answer", ["accepted", "declined", "invited", "nonsense"])
def test_phone_answer_not_open_from_the_state_gets_a_field_error(client, summit, programme, answer):
    from tests.factories import field_error

    _event, (water, *_rest) = summit
    accepted = assign(water, make_speaker("yes@example.org"), state=S.accepted)
    db.session.commit()
    login(client, programme)

    response = client.post(f"/e/astana/manage/speakers/assignments/{accepted.id}/answer",
                           data={f"answer{accepted.id}-answer": answer})

    assert response.status_code == 200
    assert field_error(response, f"answer{accepted.id}-answer") == "Choose one of the answers in the list."
    db.session.refresh(accepted)
    assert accepted.state == S.accepted


def test_phone_answers_are_recorded_and_audited(client, summit, programme):
    from app.audit.models import AuditEntry

    _event, (water, finance, _w) = summit
    accepted = assign(water, make_speaker("yes@example.org"), state=S.accepted)
    invited = assign(finance, make_speaker("waiting@example.org"))
    db.session.commit()
    login(client, programme)

    client.post(f"/e/astana/manage/speakers/assignments/{invited.id}/answer",
                data={f"answer{invited.id}-answer": "accepted"})
    response = client.post(f"/e/astana/manage/speakers/assignments/{accepted.id}/answer",
                           data={f"answer{accepted.id}-answer": "withdrawn",
                                 f"answer{accepted.id}-reason": "Flight cancelled"}, follow_redirects=True)

    assert "Answer recorded." in _text(response)
    db.session.refresh(accepted)
    db.session.refresh(invited)
    assert (invited.state, accepted.state, accepted.decline_reason) == (S.accepted, S.withdrawn, "Flight cancelled")
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == programme.id)
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["speaker.accepted", "speaker.withdrawn"]


def test_phone_answer_after_the_speaker_stepped_back_is_refused_with_a_message(client, summit, programme):
    from tests.factories import flashes

    _event, (water, *_rest) = summit
    withdrawn = assign(water, make_speaker("gone@example.org"), state=S.withdrawn)
    db.session.commit()
    login(client, programme)

    response = client.post(f"/e/astana/manage/speakers/assignments/{withdrawn.id}/answer",
                           data={f"answer{withdrawn.id}-answer": "withdrawn"}, follow_redirects=True)

    assert flashes(response)[-1] == "This answer is no longer possible: the invitation is withdrawn."
    db.session.refresh(withdrawn)
    assert withdrawn.state == S.withdrawn


# --- the public side ----------------------------------------------------------------

def test_declined_or_withdrawn_speaker_disappears_from_the_public_agenda_and_feeds(client, summit):
    event, (water, *_rest) = summit
    assign(water, make_speaker(given_name="Stays", family_name="Here"), state=S.accepted, position=1,
                   role=R.panelist)
    leaves = assign(water, make_speaker(given_name="Leaves", family_name="Soon"), state=S.accepted, position=0,
                    role=R.chair)
    assign(water, make_speaker(given_name="Never", family_name="Said"), state=S.declined)
    db.session.commit()
    publish(event)

    page = _text(client.get(f"/e/astana/sessions/{water.id}"))
    assert page.index("Leaves Soon") < page.index("Stays Here")
    assert "Chair / moderator" in page and "Never Said" not in page

    login(client, leaves.user)
    response = client.post(f"/e/astana/speaker/sessions/{leaves.id}/withdraw",
                           data={"withdraw-reason": "A ministerial visit"})
    assert response.status_code == 302
    client.post("/account/logout")

    page = _text(client.get(f"/e/astana/sessions/{water.id}"))
    assert ("Stays Here" in page, "Leaves Soon" in page) == (True, False)
    persons = [e["persons"] for day in json.loads(client.get("/e/astana/schedule.json").data)["schedule"][
        "conference"]["days"] for room in day["rooms"].values() for e in room if e["id"] == water.id][0]
    assert [(p["public_name"], p["role"]) for p in persons] == [("Stays Here", "panelist")]
    ics = _text(client.get("/e/astana/agenda.ics"))
    assert "Stays Here (Panelist)" in ics.replace("\r\n ", "")
    assert "Leaves Soon" not in ics
    xml = _text(client.get("/e/astana/schedule.xml"))
    assert ">Stays Here</person>" in xml and "Leaves Soon" not in xml


def test_speaker_directory_lists_confirmed_speakers_with_profile_pages(client, summit):
    event, (water, finance, _w) = summit
    confirmed = assign(water, make_speaker(given_name="Zarina", family_name="Nazarova", country="TJ"),
                       state=S.accepted, role=R.presenter)
    svc.profile_for(event, confirmed.user).bio = "Glaciologist on the *Fedchenko* glacier."
    assign(finance, make_speaker(given_name="Only", family_name="Invited"))
    db.session.commit()
    publish(event)

    page = _text(client.get("/e/astana/speakers"))
    assert ("Zarina Nazarova" in page, "Only Invited" in page, "Tajikistan" in page) == (True, False, True)
    _no_inline_code(page)

    profile = _text(client.get(f"/e/astana/speakers/{confirmed.user_id}"))
    assert "<em>Fedchenko</em>" in profile and "Aral Sea basin cooperation" in profile and "Presenter" in profile
    invited = db.session.scalar(select(User).where(User.given_name == "Only"))
    assert client.get(f"/e/astana/speakers/{invited.id}").status_code == 404


@pytest.mark.parametrize(("lang", "shown"), [("ru", "Г-жа Amina Diallo"), ("kk", "Ханым Amina Diallo")])
def test_speaker_directory_prints_the_short_title_before_the_name(client, summit, lang, shown):
    event, (water, *_rest) = summit
    assign(water, make_speaker(honorific="Ms", given_name="Amina", family_name="Diallo"), state=S.accepted)
    db.session.commit()
    publish(event)

    names = [" ".join(h.text_content().split())
             for h in html(client.get(f"/e/astana/speakers?lang={lang}")).xpath("//main//h2")]
    assert shown in names
    assert "(Ms)" not in " ".join(names)


def test_speaker_directory_before_publication_says_speakers_will_be_announced(client, summit):
    _event, (water, *_rest) = summit
    assign(water, make_speaker(), state=S.accepted)
    db.session.commit()

    assert "Speakers will be announced." in _text(client.get("/e/astana/speakers"))


def test_speaker_photo_is_public_once_listed(client, summit):
    event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=S.invited)
    db.session.commit()
    login(client, assignment.user)
    response = client.post("/e/astana/speaker/profile", data={
        "given_name": "Dinara", "family_name": "Sultanbekova", "photo": (io.BytesIO(image_bytes("PNG")), "me.png")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert client.get(f"/e/astana/speakers/{assignment.user_id}/photo").status_code == 200  # the owner
    client.post("/account/logout")

    assert client.get(f"/e/astana/speakers/{assignment.user_id}/photo").status_code == 404
    svc.accept(db.session.get(SpeakerAssignment, assignment.id), actor=assignment.user)
    db.session.commit()
    publish(event)
    response = client.get(f"/e/astana/speakers/{assignment.user_id}/photo")
    assert (response.status_code, response.mimetype, response.data[:3]) == (200, "image/jpeg", b"\xff\xd8\xff")


def test_speaker_photo_that_is_not_an_image_gets_a_field_error(client, summit):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker())
    db.session.commit()
    login(client, assignment.user)

    response = client.post("/e/astana/speaker/profile", data={
        "given_name": "Dinara", "family_name": "Sultanbekova", "photo": (io.BytesIO(exe_bytes()), "me.jpg")},
        content_type="multipart/form-data")

    assert response.status_code == 200
    assert "The photo must be a JPEG or PNG image." in _text(response)


# --- the answer link ----------------------------------------------------------------

def test_answer_link_used_twice_gets_a_clear_page(client, summit):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker())
    db.session.commit()
    link = f"/e/astana/speaker/answer/{svc.answer_token(assignment)}"
    db.session.commit()

    assert client.post(link, data={"accept": "Accept"}).status_code == 200
    again = client.post(link, data={"decline": "Decline"})

    assert again.status_code == 404
    assert "This link no longer works" in _text(again)
    assert db.session.get(SpeakerAssignment, assignment.id).state == S.accepted


def test_answer_link_after_expiry_gets_a_clear_page(client, summit):
    from datetime import timedelta

    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker())
    token = svc.answer_token(assignment, expires_at=utcnow() - timedelta(seconds=1))
    db.session.commit()

    response = client.get(f"/e/astana/speaker/answer/{token}")

    assert response.status_code == 404
    assert "This link no longer works" in _text(response)


def test_answer_link_declines_with_a_reason_without_logging_in(client, summit):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker())
    token = svc.answer_token(assignment)
    db.session.commit()

    response = client.post(f"/e/astana/speaker/answer/{token}", data={"decline": "Decline",
                                                                     "reason": "Budget hearings"})

    assert "You declined" in _text(response)
    assignment = db.session.get(SpeakerAssignment, assignment.id)
    assert (assignment.state, assignment.decline_reason) == (S.declined, "Budget hearings")


def test_answer_link_for_a_new_account_needs_a_good_password(client, summit, programme):
    _event, (water, *_rest) = summit
    svc.invite_new_speaker(water, email="new@example.org", role=R.panelist, actor=programme, given_name="New",
                           family_name="Person")
    db.session.commit()
    link = _answer_path("new@example.org")

    response = client.post(link, data={"password": "short", "confirm": "short", "accept": "Accept"})

    assert response.status_code == 200
    assert "Use at least 10 characters." in _text(response)
    assert db.session.scalar(select(SpeakerAssignment)).state == S.invited


def test_answer_link_for_a_new_account_refuses_an_empty_password(client, summit, programme):
    _event, (water, *_rest) = summit
    svc.invite_new_speaker(water, email="new@example.org", role=R.panelist, actor=programme, given_name="New",
                           family_name="Person")
    db.session.commit()
    link = _answer_path("new@example.org")

    response = client.post(link, data={"password": "", "confirm": "", "accept": "Accept"})

    assert response.status_code == 200
    assert "Choose a password for your account." in _text(response)
    assert db.session.scalar(select(SpeakerAssignment)).state == S.invited
    assert svc.needs_password(User.by_email("new@example.org")) is True


# --- permissions --------------------------------------------------------------------

@pytest.fixture
def two_speakers(summit):
    event, (water, finance, _w) = summit
    mine = assign(water, make_speaker("mine@example.org"), state=S.accepted, note="Confidential: VIP protocol")
    theirs = assign(finance, make_speaker("theirs@example.org"), state=S.invited, note="Second choice")
    db.session.commit()
    return mine, theirs


@pytest.mark.parametrize("path,data", [
    ("/e/astana/speaker/sessions/{id}", None),
    ("/e/astana/speaker/sessions/{id}/accept", {}),
    ("/e/astana/speaker/sessions/{id}/decline", {"decline-reason": "x"}),
    ("/e/astana/speaker/sessions/{id}/needs", {"needs-av_needs": "A piano"}),
    ("/e/astana/speaker/sessions/{id}/proposal", {"proposal-title": "Hijacked"}),
])
def test_speaker_cannot_reach_another_speakers_session(client, two_speakers, path, data):
    mine, theirs = two_speakers
    login(client, mine.user)
    url = path.format(id=theirs.id)

    response = client.get(url) if data is None else client.post(url, data=data)

    assert response.status_code == 404
    theirs = db.session.get(SpeakerAssignment, theirs.id)
    assert (theirs.state, theirs.av_needs, db.session.scalar(select(func.count(SessionProposal.id)))) == (
        S.invited, "", 0)


def test_speaker_cannot_upload_to_another_speakers_session(client, two_speakers):
    mine, theirs = two_speakers
    login(client, mine.user)

    assert _upload(client, theirs, pdf_bytes()).status_code == 404
    assert db.session.scalar(select(func.count(SlideFile.id))) == 0


def test_speaker_profile_form_changes_only_their_own_profile(client, summit, two_speakers):
    event, _ = summit
    mine, theirs = two_speakers
    login(client, mine.user)

    client.post("/e/astana/speaker/profile", data={"given_name": "Mine", "family_name": "Changed",
                                                   "bio": "Mine", "user_id": str(theirs.user_id)})

    assert (db.session.get(User, theirs.user_id).given_name, svc.profile_for(event, theirs.user).bio) == (
        "Dinara", "")
    assert db.session.get(User, mine.user_id).given_name == "Mine"


def test_speaker_never_sees_organiser_notes(client, two_speakers):
    mine, _theirs = two_speakers
    login(client, mine.user)

    pages = [_text(client.get(url)) for url in ("/e/astana/speaker/", f"/e/astana/speaker/sessions/{mine.id}")]

    assert [("VIP protocol" in p, "Second choice" in p) for p in pages] == [(False, False), (False, False)]


def test_speaker_cannot_change_the_session_time_or_room(client, summit, two_speakers):
    _event, (water, finance, _w) = summit
    mine, _theirs = two_speakers
    before = (water.starts_at, water.room_id)
    login(client, mine.user)

    responses = [
        client.post(f"/e/astana/manage/agenda/sessions/{water.id}", data={"title": "Moved", "room_id":
                                                                          str(finance.room_id)}).status_code,
        client.post(f"/e/astana/manage/agenda/sessions/{water.id}/move", data={"room_id": str(finance.room_id)})
        .status_code,
        client.post(f"/e/astana/manage/agenda/sessions/{water.id}/move.json",
                    json={"room_id": finance.room_id, "start": "2027-04-22T09:00", "end": "2027-04-22T10:00"})
        .status_code,
        client.post(f"/e/astana/manage/speakers/assignments/{mine.id}", data={"a{}-position".format(mine.id): "0",
                                                                              "a{}-role".format(mine.id): "keynote"})
        .status_code,
    ]
    # A proposal carries a title and an abstract only, whatever else is sent.
    client.post(f"/e/astana/speaker/sessions/{mine.id}/proposal", data={
        "proposal-title": "Same", "proposal-room_id": str(finance.room_id), "room_id": str(finance.room_id),
        "starts_at": "2027-04-23T09:00"})

    assert responses == [403, 403, 403, 403]
    db.session.refresh(water)
    assert (water.starts_at, water.room_id) == before
    assert db.session.get(SpeakerAssignment, mine.id).role == R.panelist


def test_delegate_cannot_reach_a_speaker_portal(client, two_speakers):
    mine, _theirs = two_speakers
    delegate = make_user("delegate@example.org")
    db.session.commit()
    login(client, delegate)

    assert [client.get(url).status_code for url in (
        "/e/astana/speaker/", f"/e/astana/speaker/sessions/{mine.id}", "/e/astana/speaker/profile",
        "/e/astana/speaker/travel")] == [404, 404, 404, 404]
    assert "Speaker portal" not in _text(client.get("/e/astana/"))


def test_anonymous_visitor_is_sent_to_log_in_for_the_portal(client, two_speakers):
    response = client.get("/e/astana/speaker/")

    assert (response.status_code, response.headers["Location"].startswith("/account/login")) == (302, True)


@pytest.mark.parametrize("role,status", [("secretariat", 200), ("programme", 200), ("accreditation", 403),
                                         ("protocol", 403), ("checkin", 403), ("viewer", 403)])
def test_organiser_speaker_pages_follow_the_roles(client, summit, role, status):
    event, (water, *_rest) = summit
    user = make_user()
    grant(user, event, role)
    db.session.commit()
    login(client, user)

    codes = {client.get(url).status_code for url in (
        "/e/astana/manage/speakers", "/e/astana/manage/speakers/sessions",
        f"/e/astana/manage/speakers/sessions/{water.id}", "/e/astana/manage/speakers/proposals",
        "/e/astana/manage/speakers/export.csv")}

    assert codes == {status}


def test_track_limited_programme_role_manages_only_its_tracks_speakers(client, summit):
    from app.events.models import EventRole

    event, (water, finance, _w) = summit
    limited = make_user()
    db.session.add(EventRole(user=limited, event=event, role="programme", track_ids=[water.track_id]))
    speaker = make_speaker()
    db.session.commit()
    login(client, limited)

    allowed = client.post(f"/e/astana/manage/speakers/sessions/{water.id}/assign",
                          data={"user_id": str(speaker.id), "role": "panelist"})
    refused = client.post(f"/e/astana/manage/speakers/sessions/{finance.id}/assign",
                          data={"user_id": str(speaker.id), "role": "panelist"})

    assert (allowed.status_code, refused.status_code) == (302, 404)
    assert [a.session_id for a in db.session.scalars(select(SpeakerAssignment))] == [water.id]


def test_speaker_who_is_also_a_delegate_has_both_pages_in_one_menu(client, summit):
    from app.registration.models import Category, Registration, RegistrationState

    event, (water, *_rest) = summit
    speaker = make_speaker()
    category = Category(event_id=event.id, name="Experts")
    db.session.add(category)
    db.session.flush()
    db.session.add(Registration(event_id=event.id, user_id=speaker.id, category_id=category.id,
                                state=RegistrationState.approved, email=speaker.email, given_name="Dinara",
                                family_name="Sultanbekova"))
    assign(water, speaker)
    db.session.commit()
    login(client, speaker)

    page = _text(client.get("/e/astana/speaker/"))

    assert 'href="/e/astana/my-registration"' in page and 'href="/e/astana/speaker/"' in page
    _no_inline_code(page)


# --- slides -----------------------------------------------------------------------------

def test_slides_download_as_attachment_with_a_clean_name(client, summit, programme):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=S.accepted)
    db.session.commit()
    login(client, assignment.user)
    assert _upload(client, assignment, pptx_bytes(), "../../Доклад: вода?.pptx").status_code == 302
    slide = db.session.scalar(select(SlideFile))
    client.post("/account/logout")
    login(client, programme)

    response = client.get(f"/e/astana/slides/{slide.id}")

    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Disposition"].endswith(
        "filename*=UTF-8''%D0%94%D0%BE%D0%BA%D0%BB%D0%B0%D0%B4_%20%D0%B2%D0%BE%D0%B4%D0%B0.pptx")
    assert slide.original_name == "Доклад_ вода.pptx"
    assert re.fullmatch(r"[0-9a-f]{32}\.pptx", slide.stored_name)


def test_slides_reach_delegates_only_when_the_speaker_allows(client, summit):
    from app.registration.models import Category, Registration, RegistrationState

    event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=S.accepted)
    delegate = make_user("delegate@example.org")
    category = Category(event_id=event.id, name="Experts")
    db.session.add(category)
    db.session.flush()
    db.session.add(Registration(event_id=event.id, user_id=delegate.id, category_id=category.id,
                                state=RegistrationState.approved, email=delegate.email))
    stranger = make_user("stranger@example.org")
    db.session.commit()
    login(client, assignment.user)
    _upload(client, assignment, pdf_bytes())
    slide = db.session.scalar(select(SlideFile))
    client.post("/account/logout")

    def status(user):
        login(client, user)
        code = client.get(f"/e/astana/slides/{slide.id}").status_code
        client.post("/account/logout")
        return code

    before = (status(delegate), status(stranger))
    login(client, assignment.user)
    client.post(f"/e/astana/speaker/sessions/{assignment.id}/needs", data={"needs-slides_public": "y"})
    client.post("/account/logout")

    assert before == (404, 404)
    assert (status(delegate), status(stranger)) == (200, 404)


# --- bad input ----------------------------------------------------------------------------

def test_exe_renamed_pdf_gets_a_field_error_and_earlier_versions_stay(client, summit):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=S.accepted)
    db.session.commit()
    login(client, assignment.user)
    _upload(client, assignment, pdf_bytes(), "v1.pdf")

    response = _refused_upload(client, assignment, exe_bytes(), "setup.pdf")

    assert field_error(response, "slides-file") == (
        "Upload a PDF, PowerPoint (.pptx) or OpenDocument (.odp) presentation.")
    assert [(s.version, s.original_name) for s in db.session.scalars(select(SlideFile))] == [(1, "v1.pdf")]
    assert "v1.pdf" in _text(response)


def test_zip_bomb_pptx_gets_a_field_error(client, summit):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=S.accepted)
    db.session.commit()
    login(client, assignment.user)

    response = _refused_upload(client, assignment, zip_bomb_pptx(), "bomb.pptx")

    assert "refused as unsafe" in field_error(response, "slides-file")
    assert db.session.scalar(select(func.count(SlideFile.id))) == 0


def test_slides_over_the_configured_limit_get_a_field_error(client, app, summit):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=S.accepted)
    db.session.commit()
    login(client, assignment.user)
    app.config["SLIDES_MAX_BYTES"] = 2048
    try:
        response = _refused_upload(client, assignment, pdf_bytes() + b"0" * 10_000)
    finally:
        app.config["SLIDES_MAX_BYTES"] = 50 * 1024 * 1024

    assert field_error(response, "slides-file") == "The file is too large: at most 2 KB."


def test_request_over_max_content_length_gets_a_413_page(client, app, summit):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=S.accepted)
    db.session.commit()
    login(client, assignment.user)
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 4096
    try:
        response = _upload(client, assignment, pdf_bytes() + b"0" * 20_000)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit

    assert response.status_code == 413
    assert "The file is too large." in _text(response)


def test_upload_without_a_file_gets_a_field_error(client, summit):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=S.accepted)
    db.session.commit()
    login(client, assignment.user)

    response = client.post(f"/e/astana/speaker/sessions/{assignment.id}/slides", data={},
                           content_type="multipart/form-data")

    assert response.headers["Location"] == f"/e/astana/speaker/sessions/{assignment.id}#slides"
    assert field_error(client.get(response.headers["Location"]), "slides-file") == "Choose a file."


def test_refused_slides_redirect_back_show_the_reason_once_and_lose_nothing(client, summit):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=S.accepted)
    db.session.commit()
    login(client, assignment.user)
    _upload(client, assignment, pdf_bytes(), "v1.pdf")
    client.post(f"/e/astana/speaker/sessions/{assignment.id}/needs",
                data={"needs-av_needs": "A lapel microphone", "needs-interpretation_needs": ""})

    refused = _upload(client, assignment, exe_bytes(), "setup.pdf")
    shown = client.get(refused.headers["Location"])
    reloaded = client.get(refused.headers["Location"])

    assert (refused.status_code, refused.headers["Location"]) == (
        302, f"/e/astana/speaker/sessions/{assignment.id}#slides")
    assert [field_error(r, "slides-file") for r in (shown, reloaded)] == [
        "Upload a PDF, PowerPoint (.pptx) or OpenDocument (.odp) presentation.", ""]
    assert ("v1.pdf" in _text(shown), "A lapel microphone" in _text(shown)) == (True, True)
    assert [(s.version, s.original_name) for s in db.session.scalars(select(SlideFile))] == [(1, "v1.pdf")]
    other = assign(_rest[0], assignment.user, state=S.accepted)
    db.session.commit()
    _upload(client, assignment, exe_bytes(), "setup.pdf")  # the reason belongs to its own session only
    assert field_error(client.get(f"/e/astana/speaker/sessions/{other.id}"), "slides-file") == ""


def test_bio_of_100000_characters_gets_a_field_error(client, summit):
    event, (water, *_rest) = summit
    assignment = assign(water, make_speaker())
    db.session.commit()
    login(client, assignment.user)

    response = client.post("/e/astana/speaker/profile", data={"given_name": "Dinara", "family_name": "S",
                                                              "bio": "x" * 100_000})

    assert response.status_code == 200
    assert "The biography may be at most 2000 characters long." in _text(response)
    assert svc.profile_for(event, assignment.user).bio == ""


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://example.org/x", "not a url"])
def test_profile_link_that_is_not_a_web_address_gets_a_field_error(client, summit, link):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker())
    db.session.commit()
    login(client, assignment.user)

    response = client.post("/e/astana/speaker/profile", data={"given_name": "D", "family_name": "S",
                                                              "link1": link})

    assert (response.status_code, "Enter a web address starting with https://" in _text(response)) == (200, True)


def test_travel_dates_in_the_wrong_order_get_a_field_error(client, summit):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker())
    db.session.commit()
    login(client, assignment.user)

    response = client.post("/e/astana/speaker/travel", data={"available_from": "2027-04-23",
                                                             "available_until": "2027-04-21"})

    assert (response.status_code, "The last available day must not be before the first." in _text(response)) == (
        200, True)


def test_travel_form_reuses_the_registration_visa_data(client, summit):
    from datetime import date

    from app.registration.models import Category, Registration, RegistrationState

    event, (water, *_rest) = summit
    speaker = make_speaker()
    category = Category(event_id=event.id, name="Experts")
    db.session.add(category)
    db.session.flush()
    db.session.add(Registration(event_id=event.id, user_id=speaker.id, category_id=category.id,
                                state=RegistrationState.approved, email=speaker.email, visa_letter_needed=True,
                                passport_number="N1234567", nationality="PK", arrival_date=date(2027, 4, 20)))
    assign(water, speaker)
    db.session.commit()
    login(client, speaker)

    page = _text(client.get("/e/astana/speaker/travel"))

    assert "already holds your passport details" in page
    assert 'value="2027-04-20"' in page
    assert "N1234567" not in page


def test_unknown_ids_are_not_found_not_errors(client, summit, programme):
    login(client, programme)

    codes = [client.get(url).status_code for url in (
        "/e/astana/manage/speakers/sessions/99999", "/e/astana/manage/speakers/people/99999",
        "/e/astana/slides/99999", "/e/astana/speakers/99999", "/e/astana/speakers/99999/photo",
        "/e/astana/manage/speakers/export.pdf")]
    codes += [client.post(url).status_code for url in (
        "/e/astana/manage/speakers/assignments/99999/remind", "/e/astana/manage/speakers/proposals/99999")]

    assert codes == [404] * 8


def test_another_events_sessions_assignments_proposals_and_slides_are_not_found(client, summit, programme):
    from app.agenda.models import Room
    from tests.factories import make_event
    from tests.speakers.conftest import add_session, at

    other = make_event("bishkek")
    session = add_session(other, Room(event=other, name="Far hall"), at(10), at(11), title="Elsewhere")
    assignment = assign(session, make_speaker("far@example.org"), state=S.accepted)
    proposal = svc.propose_change(assignment, title="Taken over", abstract="", actor=assignment.user)
    slide = SlideFile(event_id=other.id, assignment_id=assignment.id, version=1, original_name="far.pdf",
                      stored_name="far-away.pdf", kind="pdf", size=10, sha256="0" * 64)
    db.session.add(slide)
    db.session.commit()
    login(client, programme)

    codes = [client.get(url).status_code for url in (
        f"/e/astana/manage/speakers/sessions/{session.id}", f"/e/astana/slides/{slide.id}")]
    codes += [client.post(url, data=data).status_code for url, data in (
        (f"/e/astana/manage/speakers/proposals/{proposal.id}", {"approve": "Approve"}),
        (f"/e/astana/manage/speakers/assignments/{assignment.id}/remind", {}),
        (f"/e/astana/manage/speakers/assignments/{assignment.id}/answer", {"answer": "withdrawn"}))]

    assert codes == [404] * 5
    db.session.expire_all()
    assert (proposal.state.value, assignment.state) == ("pending", S.accepted)


def test_assign_with_a_bogus_user_id_gets_an_error_not_a_crash(client, summit, programme):
    _event, (water, *_rest) = summit
    login(client, programme)

    response = client.post(f"/e/astana/manage/speakers/sessions/{water.id}/assign",
                           data={"user_id": "abc", "role": "panelist"})

    assert (response.status_code, "Choose a person from the search results." in _text(response)) == (200, True)


def test_export_xlsx_holds_one_row_per_assignment(client, summit, programme):
    from openpyxl import load_workbook

    _event, (water, finance, _w) = summit
    speaker = make_speaker(given_name="=cmd", family_name="x", country="KZ")
    assign(water, speaker, state=S.accepted)
    assign(finance, speaker, state=S.declined)
    db.session.commit()
    login(client, programme)

    response = client.get("/e/astana/manage/speakers/export.xlsx")

    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert (sheet.title, rows[0][:7], rows[0][10:12]) == (
        "Speakers", ("Speaker", "Email", "Organisation", "Position", "Country code", "Country", "Session"),
        ("Role", "State"))
    assert [(r[0], r[4], r[5], r[6], r[7], r[10], r[11]) for r in rows[1:]] == [
        ("=cmd x", "KZ", "Kazakhstan", "Aral Sea basin cooperation", datetime(2027, 4, 21, 10, 0), "Panelist",
         "Accepted"),
        ("=cmd x", "KZ", "Kazakhstan", "Green bonds", datetime(2027, 4, 21, 10, 30), "Panelist", "Declined")]


def test_export_csv_for_a_russian_speaking_organiser_is_in_russian(client, summit):
    event, (water, *_rest) = summit
    assign(water, make_speaker(), state=S.accepted)
    organiser = make_user(locale="ru")
    grant(organiser, event, "programme")
    db.session.commit()
    login(client, organiser)

    response = client.get("/e/astana/manage/speakers/export.csv")

    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    row = dict(zip(rows[0], rows[1]))
    assert rows[0][:3] == ["Спикер", "Электронная почта", "Организация"]
    assert (row["Сессия"], row["Роль"], row["Статус"], row["Начало (время мероприятия)"]) == (
        "Aral Sea basin cooperation", "Участник панельной дискуссии", "Принято", "2027-04-21 10:00")


# --- query counts -------------------------------------------------------------------------

def _grow(event, sessions, start: int, stop: int) -> None:
    for n in range(start, stop):
        speaker = make_speaker(f"grow{n}@example.org", given_name=f"Speaker{n}", family_name=f"Grow{n}")
        assign(sessions[n % len(sessions)], speaker, state=S.accepted, position=n)
        svc.profile_for(event, speaker).bio = f"Bio {n}"


@pytest.mark.parametrize("kind", ["directory", "session", "profile", "manage_list", "manage_session", "portal"])
def test_speaker_pages_keep_constant_query_counts_as_speakers_grow(client, summit, programme, count_queries,
                                                                   kind):
    from flask import g

    from app.agenda import cache

    event, sessions = summit
    counts = []
    for start, stop in ((0, 3), (3, 30)):
        _grow(event, sessions, start, stop)
        me = db.session.scalar(select(SpeakerAssignment).order_by(SpeakerAssignment.id))
        db.session.commit()
        publish(event)
        cache.clear_memory()
        url = {"directory": "/e/astana/speakers", "session": f"/e/astana/sessions/{sessions[0].id}",
               "profile": f"/e/astana/speakers/{me.user_id}", "manage_list": "/e/astana/manage/speakers",
               "manage_session": f"/e/astana/manage/speakers/sessions/{sessions[0].id}",
               "portal": "/e/astana/speaker/"}[kind]
        if kind.startswith("manage"):
            login(client, programme)
        elif kind == "portal":
            login(client, me.user)
        # Requests share the test's app context, so its per-request cache must be emptied by hand,
        # and so must its database session: whether the logged-in user is still in the identity
        # map depends on what the test holds on to, while a real request always loads them.
        g.pop("policy_cache", None)
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
        client.post("/account/logout")
    assert counts[0] == counts[1]



def test_speaker_conflicts_show_in_the_agenda_conflicts_page_editor_and_speakers_page(client, summit, programme):
    from datetime import date

    event, (water, finance, _w) = summit
    speaker = make_speaker(given_name="Busy", family_name="Person")
    assign(water, speaker, state=S.accepted)
    assign(finance, speaker)
    svc.profile_for(event, speaker).available_from = date(2027, 4, 22)
    db.session.commit()
    login(client, programme)
    availability = ("Busy Person is available from 22 Apr 2027 to …, but “Aral Sea basin cooperation” is on "
                    "21 Apr 2027.")

    pages = [_text(client.get(url)) for url in (
        "/e/astana/manage/agenda/conflicts", f"/e/astana/manage/agenda/sessions/{water.id}",
        f"/e/astana/manage/speakers/sessions/{water.id}")]

    assert [availability in page for page in pages] == [True, True, True]
    assert "Busy Person is due in “Aral Sea basin cooperation” and “Green bonds” at the same time." in pages[0]
    assert "Busy Person is due in “Aral Sea basin cooperation” and “Green bonds” at the same time." in pages[2]


# --- what each action tells the reader --------------------------------------------------

def test_organiser_assigning_and_inviting_says_who_is_invited_or_why_not(client, summit, programme):
    _event, (water, *_rest) = summit
    existing = make_speaker("aigerim@example.org", given_name="Aigerim", family_name="Bekova")
    db.session.commit()
    login(client, programme)
    page = f"/e/astana/manage/speakers/sessions/{water.id}"
    client.get(page)  # shows the welcome

    response = client.post(page + "/assign", data={"user_id": str(existing.id), "role": "chair"})
    assert (response.headers["Location"], told(client, page)) == (
        page, [("success", "Aigerim Bekova is invited; the email is on its way.")])
    response = client.post(page + "/assign", data={"user_id": str(existing.id), "role": "chair"})
    assert (response.status_code, [alert.text_content() for alert in html(response).xpath('//div[@role="alert"]')]) == (
        200, ["Aigerim Bekova is already on this session (Invited)."])

    response = client.post(page + "/invite", data={"email": "imran@example.org", "given_name": "Imran",
                                                   "family_name": "Qureshi", "locale": "en", "role": "presenter"})
    assert (response.headers["Location"], told(client, page)) == (
        page, [("success", "Invitation sent to imran@example.org: the link creates their account.")])
    response = client.post(page + "/invite", data={"email": "aigerim@example.org", "given_name": "A",
                                                   "family_name": "B", "locale": "en", "role": "presenter"})
    assert (response.status_code, form_errors(response)) == (
        200, ["Aigerim Bekova is already on this session (Invited)."])
    assert audit_actions()[-2:] == ["speaker.assign", "speaker.invite_new"]


def test_organiser_answer_and_reminder_say_what_happened_or_why_not(client, summit, programme):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker())
    db.session.commit()
    login(client, programme)
    page = f"/e/astana/manage/speakers/sessions/{water.id}"
    base = f"/e/astana/manage/speakers/assignments/{assignment.id}"
    client.get(page)  # shows the welcome

    response = client.post(base + "/remind")
    assert (response.headers["Location"], told(client, page)) == (
        page, [("success", "Reminder sent to Dinara Sultanbekova.")])
    response = client.post(base + "/remind", data={"back": "list"})
    assert response.headers["Location"] == "/e/astana/manage/speakers"
    client.get(page)
    response = client.post(base + "/answer", data={f"answer{assignment.id}-answer": "accepted"})
    assert (response.headers["Location"], told(client, page)) == (page, [("success", "Answer recorded.")])
    client.post(base + "/remind")
    assert told(client, page) == [("danger", "Only speakers who have not answered get reminders.")]
    assert audit_actions()[-1] == "speaker.accepted"


def test_organiser_deciding_a_proposal_says_what_happened_or_why_not(client, summit, programme):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=S.accepted)
    db.session.commit()
    svc.propose_change(assignment, title="Aral Sea data", abstract="", actor=assignment.user)
    svc.propose_change(assign(water, make_speaker("other@example.org"), state=S.accepted), title="Other",
                       abstract="", actor=assignment.user)
    db.session.commit()
    first, second = db.session.scalars(select(SessionProposal).order_by(SessionProposal.id))
    login(client, programme)
    listing = "/e/astana/manage/speakers/proposals"
    client.get(listing)  # shows the welcome

    response = client.post(f"{listing}/{first.id}", data={"approve": "Approve"})
    assert (response.headers["Location"], told(client, listing)) == (listing, [(
        "success", "Approved: the session has the new text; the public sees it at the next publication.")])
    response = client.post(f"{listing}/{second.id}", data={"reject": "Reject", "back": "session"})
    assert (response.headers["Location"], told(client, listing)) == (
        f"/e/astana/manage/speakers/sessions/{water.id}", [("success", "Proposal rejected; the speaker is told.")])
    client.post(f"{listing}/{first.id}", data={"reject": "Reject"})
    assert told(client, listing) == [("danger", "This proposal was already decided.")]


def test_speaker_answers_in_the_portal_say_what_happened_or_why_not(client, summit):
    _event, (water, finance, _w) = summit
    first = assign(water, make_speaker())
    second = assign(finance, first.user)
    db.session.commit()
    login(client, first.user)
    mine = f"/e/astana/speaker/sessions/{first.id}"
    client.get(mine)  # shows the welcome

    response = client.post(mine + "/accept")
    assert (response.headers["Location"], told(client, mine)) == (mine, [(
        "success", "Thank you: your participation in “Aral Sea basin cooperation” is confirmed.")])
    client.post(mine + "/accept")
    assert told(client, mine) == [("danger", "This answer is no longer possible: the invitation is accepted.")]
    response = client.post(mine + "/withdraw", data={"withdraw-reason": ""})
    assert (response.status_code, field_error(response, "withdraw-reason")) == (200, "This field is required.")
    response = client.post(mine + "/withdraw", data={"withdraw-reason": "Ill"})
    assert (response.headers["Location"], told(client, mine)) == (
        mine, [("info", "You withdrew from “Aral Sea basin cooperation”.")])
    client.post(mine + "/withdraw", data={"withdraw-reason": "Ill"})
    assert told(client, mine) == [("danger", "This answer is no longer possible: the invitation is withdrawn.")]
    theirs = f"/e/astana/speaker/sessions/{second.id}"
    response = client.post(theirs + "/decline", data={"decline-reason": "Travelling"})
    assert (response.headers["Location"], told(client, theirs)) == (
        theirs, [("info", "You declined “Green bonds”. Thank you for letting us know.")])
    client.post(theirs + "/decline", data={"decline-reason": "Travelling"})
    assert told(client, theirs) == [("danger", "This answer is no longer possible: the invitation is declined.")]
    assert audit_actions()[-3:] == ["speaker.accepted", "speaker.withdrawn", "speaker.declined"]


def test_speaker_forms_in_the_portal_say_saved_or_show_the_refusal_at_its_field(client, summit):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=S.accepted)
    db.session.commit()
    login(client, assignment.user)
    mine = f"/e/astana/speaker/sessions/{assignment.id}"
    client.get(mine)  # shows the welcome

    response = client.post(mine + "/proposal", data={"proposal-title": "Aral Sea data",
                                                     "proposal-abstract": "[x](javascript:alert(1))"})
    assert (response.status_code, field_error(response, "proposal-abstract")) == (
        200, "Scripts and script links are not allowed in the abstract.")
    response = client.post(mine + "/proposal", data={"proposal-title": "Aral Sea data"})
    assert (response.headers["Location"], told(client, mine)) == (
        mine, [("success", "Proposal sent: the programme team will approve or reject it.")])
    response = client.post(mine + "/needs", data={"needs-av_needs": "A lapel microphone"})
    assert (response.headers["Location"], told(client, mine)) == (mine, [("success", "Saved.")])
    response = client.post("/e/astana/speaker/profile", data={"given_name": "Dinara", "family_name": "S",
                                                              "bio": "<script>x</script>"})
    assert (response.status_code, field_error(response, "bio")) == (
        200, "Scripts and script links are not allowed in the biography.")
    response = client.post("/e/astana/speaker/profile", data={"given_name": "Dinara", "family_name": "S"})
    assert (response.headers["Location"], told(client, "/e/astana/speaker/profile")) == (
        "/e/astana/speaker/profile", [("success", "Profile saved.")])
    response = client.post("/e/astana/speaker/travel", data={"arrival_date": "2027-04-22",
                                                             "departure_date": "2027-04-20"})
    assert (response.status_code, field_error(response, "departure_date")) == (
        200, "The departure must not be before the arrival.")
    response = client.post("/e/astana/speaker/travel", data={"arrival_date": "2027-04-20"})
    assert (response.headers["Location"], told(client, "/e/astana/speaker/travel")) == (
        "/e/astana/speaker/travel", [("success", "Saved.")])
