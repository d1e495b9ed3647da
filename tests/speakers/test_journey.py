"""The speaker pages end to end: organisers assign and invite, speakers answer through
the link and the portal, edit, upload and propose, and the public sees the result."""
from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.speakers.models import AssignmentState as S, SessionProposal, SpeakerAssignment
from tests.factories import login
from tests.speakers.conftest import answer_path, make_speaker, page_text, pdf_bytes, upload_file


# --- the whole journey ------------------------------------------------------------------

def test_organiser_assigns_and_invites_then_speakers_answer_edit_upload_and_propose(client, summit, programme):
    event, (water, *_rest) = summit
    existing = make_speaker("aigerim@example.org", given_name="Aigerim", family_name="Bekova",
                            organisation="Nazarbayev University")
    db.session.commit()
    login(client, programme)

    # Find an existing user by organisation and assign them.
    page = page_text(client.get(f"/e/astana/manage/speakers/sessions/{water.id}?q=nazarbayev"))
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
    link = answer_path("imran@example.org")
    page = page_text(client.get(link))
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
    page = page_text(client.get("/e/astana/speaker/profile"))
    assert "<strong>upper Indus</strong>" in page  # the preview
    assert upload_file(client, assignment, pdf_bytes(), "indus.pdf").status_code == 302
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

    page = page_text(client.get(f"/e/astana/sessions/{water.id}"))
    assert "Data sharing between five states." in page
    assert "Dr Imran Qureshi" in page
    assert "Aigerim Bekova" not in page  # invited, not confirmed
    assert "Met him in Lahore" not in page
