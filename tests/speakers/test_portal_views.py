"""The speaker portal (app/speakers/views/portal.py): permissions, slides, bad input in
its forms, and what each action says."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.registration.models import Category, Registration, RegistrationState
from app.speakers import services as svc
from app.speakers.models import (AssignmentRole as R, AssignmentState as S, SessionProposal, SlideFile,
                                 SpeakerAssignment)
from tests.factories import audit_actions, field_error, login, make_user, told
from tests.speakers.conftest import (assign, exe_bytes, make_speaker, no_inline_code, page_text, pdf_bytes,
                                     pptx_bytes, refused_upload, upload_file, zip_bomb_pptx)


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

    assert upload_file(client, theirs, pdf_bytes()).status_code == 404
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

    pages = [page_text(client.get(url)) for url in ("/e/astana/speaker/", f"/e/astana/speaker/sessions/{mine.id}")]

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
    assert "Speaker portal" not in page_text(client.get("/e/astana/"))


def test_anonymous_visitor_is_sent_to_log_in_for_the_portal(client, two_speakers):
    response = client.get("/e/astana/speaker/")

    assert (response.status_code, response.headers["Location"].startswith("/account/login")) == (302, True)


def test_speaker_who_is_also_a_delegate_has_both_pages_in_one_menu(client, summit):
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

    page = page_text(client.get("/e/astana/speaker/"))

    assert 'href="/e/astana/my-registration"' in page and 'href="/e/astana/speaker/"' in page
    no_inline_code(page)


# --- slides -----------------------------------------------------------------------------

def test_slides_download_as_attachment_with_a_clean_name(client, summit, programme):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=S.accepted)
    db.session.commit()
    login(client, assignment.user)
    assert upload_file(client, assignment, pptx_bytes(), "../../Доклад: вода?.pptx").status_code == 302
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
    upload_file(client, assignment, pdf_bytes())
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
    upload_file(client, assignment, pdf_bytes(), "v1.pdf")

    response = refused_upload(client, assignment, exe_bytes(), "setup.pdf")

    assert field_error(response, "slides-file") == (
        "Upload a PDF, PowerPoint (.pptx) or OpenDocument (.odp) presentation.")
    assert [(s.version, s.original_name) for s in db.session.scalars(select(SlideFile))] == [(1, "v1.pdf")]
    assert "v1.pdf" in page_text(response)


def test_zip_bomb_pptx_gets_a_field_error(client, summit):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=S.accepted)
    db.session.commit()
    login(client, assignment.user)

    response = refused_upload(client, assignment, zip_bomb_pptx(), "bomb.pptx")

    assert "refused as unsafe" in field_error(response, "slides-file")
    assert db.session.scalar(select(func.count(SlideFile.id))) == 0


def test_slides_over_the_configured_limit_get_a_field_error(client, app, summit):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=S.accepted)
    db.session.commit()
    login(client, assignment.user)
    app.config["SLIDES_MAX_BYTES"] = 2048
    try:
        response = refused_upload(client, assignment, pdf_bytes() + b"0" * 10_000)
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
        response = upload_file(client, assignment, pdf_bytes() + b"0" * 20_000)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit

    assert response.status_code == 413
    assert "The file is too large." in page_text(response)


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
    upload_file(client, assignment, pdf_bytes(), "v1.pdf")
    client.post(f"/e/astana/speaker/sessions/{assignment.id}/needs",
                data={"needs-av_needs": "A lapel microphone", "needs-interpretation_needs": ""})

    refused = upload_file(client, assignment, exe_bytes(), "setup.pdf")
    shown = client.get(refused.headers["Location"])
    reloaded = client.get(refused.headers["Location"])

    assert (refused.status_code, refused.headers["Location"]) == (
        302, f"/e/astana/speaker/sessions/{assignment.id}#slides")
    assert [field_error(r, "slides-file") for r in (shown, reloaded)] == [
        "Upload a PDF, PowerPoint (.pptx) or OpenDocument (.odp) presentation.", ""]
    assert ("v1.pdf" in page_text(shown), "A lapel microphone" in page_text(shown)) == (True, True)
    assert [(s.version, s.original_name) for s in db.session.scalars(select(SlideFile))] == [(1, "v1.pdf")]
    other = assign(_rest[0], assignment.user, state=S.accepted)
    db.session.commit()
    upload_file(client, assignment, exe_bytes(), "setup.pdf")  # the reason belongs to its own session only
    assert field_error(client.get(f"/e/astana/speaker/sessions/{other.id}"), "slides-file") == ""


def test_bio_of_100000_characters_gets_a_field_error(client, summit):
    event, (water, *_rest) = summit
    assignment = assign(water, make_speaker())
    db.session.commit()
    login(client, assignment.user)

    response = client.post("/e/astana/speaker/profile", data={"given_name": "Dinara", "family_name": "S",
                                                              "bio": "x" * 100_000})

    assert response.status_code == 200
    assert "The biography may be at most 2000 characters long." in page_text(response)
    assert svc.profile_for(event, assignment.user).bio == ""


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://example.org/x", "not a url"])
def test_profile_link_that_is_not_a_web_address_gets_a_field_error(client, summit, link):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker())
    db.session.commit()
    login(client, assignment.user)

    response = client.post("/e/astana/speaker/profile", data={"given_name": "D", "family_name": "S",
                                                              "link1": link})

    assert (response.status_code, "Enter a web address starting with https://" in page_text(response)) == (200, True)


def test_travel_dates_in_the_wrong_order_get_a_field_error(client, summit):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker())
    db.session.commit()
    login(client, assignment.user)

    response = client.post("/e/astana/speaker/travel", data={"available_from": "2027-04-23",
                                                             "available_until": "2027-04-21"})

    assert (response.status_code, "The last available day must not be before the first." in page_text(response)) == (
        200, True)


def test_travel_form_reuses_the_registration_visa_data(client, summit):
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

    page = page_text(client.get("/e/astana/speaker/travel"))

    assert "already holds your passport details" in page
    assert 'value="2027-04-20"' in page
    assert "N1234567" not in page


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
