"""The organisers' speaker pages (app/speakers/views/manage.py): lists, reminders, answers
recorded for speakers, roles, unknown ids, export, conflicts and what each action says."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.agenda.models import Room
from app.audit.models import AuditEntry
from app.events.models import EventRole
from app.extensions import db
from app.mail.models import OutboxMessage
from app.speakers import services as svc
from app.speakers.models import AssignmentState as S, SessionProposal, SlideFile, SpeakerAssignment
from app.utils.time import utcnow
from tests.factories import (audit_actions, field_error, flashes, form_errors, grant, login, make_event, make_user,
                             page, page as html, told)
from tests.speakers.conftest import ANSWER_LINK, add_session, assign, at, make_speaker, no_inline_code, page_text


def test_organiser_reminders_land_in_the_outbox(client, summit, programme):
    _event, (water, finance, _w) = summit
    assign(water, make_speaker("waiting@example.org"))
    assign(finance, make_speaker("answered@example.org"), state=S.accepted)
    db.session.commit()
    login(client, programme)

    response = client.post("/e/astana/manage/speakers/remind", follow_redirects=True)

    assert "Reminders sent: 1." in page_text(response)
    reminders = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "speaker_reminder")))
    assert [m.to_address for m in reminders] == ["waiting@example.org"]
    assert ANSWER_LINK.search(reminders[0].body_text) is not None


def test_manage_list_shows_every_state_and_flags_old_open_invitations(client, summit, programme):
    _event, (water, finance, workshop) = summit
    old = assign(water, make_speaker(given_name="Old", family_name="Invite"))
    old.invited_at = utcnow() - timedelta(days=9)
    assign(finance, make_speaker(given_name="Fresh", family_name="Invite"))
    assign(workshop, make_speaker(given_name="Said", family_name="Yes"), state=S.accepted)
    db.session.commit()
    login(client, programme)

    page = page_text(client.get("/e/astana/manage/speakers"))

    assert page.count("No answer for a week") == 1
    assert "Invited (2)" in page and "Accepted (1)" in page
    no_inline_code(page)


# --- answers given by phone or letter ------------------------------------------------------

def _answer_choices(response, assignment) -> tuple[list[str], list[str]]:
    """The answers offered for `assignment` and the ones selected (as the browser shows them)."""
    (select_,) = html(response).xpath(f'//select[@name="answer{assignment.id}-answer"]')
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
    page = page_text(client.get(f"/e/astana/manage/speakers/sessions/{workshop.id}"))
    assert f"answer{declined.id}-answer" not in page


def test_phone_answer_without_a_choice_gets_a_field_error_and_changes_nothing(client, summit, programme):
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

    assert "Answer recorded." in page_text(response)
    db.session.refresh(accepted)
    db.session.refresh(invited)
    assert (invited.state, accepted.state, accepted.decline_reason) == (S.accepted, S.withdrawn, "Flight cancelled")
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == programme.id)
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["speaker.accepted", "speaker.withdrawn"]


def test_phone_answer_after_the_speaker_stepped_back_is_refused_with_a_message(client, summit, programme):
    _event, (water, *_rest) = summit
    withdrawn = assign(water, make_speaker("gone@example.org"), state=S.withdrawn)
    db.session.commit()
    login(client, programme)

    response = client.post(f"/e/astana/manage/speakers/assignments/{withdrawn.id}/answer",
                           data={f"answer{withdrawn.id}-answer": "withdrawn"}, follow_redirects=True)

    assert flashes(response)[-1] == "This answer is no longer possible: the invitation is withdrawn."
    db.session.refresh(withdrawn)
    assert withdrawn.state == S.withdrawn


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

    assert (response.status_code, "Choose a person from the search results." in page_text(response)) == (200, True)


def test_export_xlsx_holds_one_row_per_assignment(client, summit, programme):
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


def test_speaker_conflicts_show_in_the_agenda_conflicts_page_editor_and_speakers_page(client, summit, programme):
    event, (water, finance, _w) = summit
    speaker = make_speaker(given_name="Busy", family_name="Person")
    assign(water, speaker, state=S.accepted)
    assign(finance, speaker)
    svc.profile_for(event, speaker).available_from = date(2027, 4, 22)
    db.session.commit()
    login(client, programme)
    availability = ("Busy Person is available from 22 Apr 2027 to …, but “Aral Sea basin cooperation” is on "
                    "21 Apr 2027.")

    pages = [page_text(client.get(url)) for url in (
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
