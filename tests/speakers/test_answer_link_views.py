"""The emailed answer link (app/speakers/views/answer_link.py)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.speakers import services as svc
from app.speakers.models import AssignmentRole as R, AssignmentState as S, SpeakerAssignment
from app.utils.time import utcnow
from tests.speakers.conftest import answer_path, assign, make_speaker, page_text


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
    assert "This link no longer works" in page_text(again)
    assert db.session.get(SpeakerAssignment, assignment.id).state == S.accepted


def test_answer_link_after_expiry_gets_a_clear_page(client, summit):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker())
    token = svc.answer_token(assignment, expires_at=utcnow() - timedelta(seconds=1))
    db.session.commit()

    response = client.get(f"/e/astana/speaker/answer/{token}")

    assert response.status_code == 404
    assert "This link no longer works" in page_text(response)


def test_answer_link_declines_with_a_reason_without_logging_in(client, summit):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker())
    token = svc.answer_token(assignment)
    db.session.commit()

    response = client.post(f"/e/astana/speaker/answer/{token}", data={"decline": "Decline",
                                                                     "reason": "Budget hearings"})

    assert "You declined" in page_text(response)
    assignment = db.session.get(SpeakerAssignment, assignment.id)
    assert (assignment.state, assignment.decline_reason) == (S.declined, "Budget hearings")


def test_answer_link_for_a_new_account_needs_a_good_password(client, summit, programme):
    _event, (water, *_rest) = summit
    svc.invite_new_speaker(water, email="new@example.org", role=R.panelist, actor=programme, given_name="New",
                           family_name="Person")
    db.session.commit()
    link = answer_path("new@example.org")

    response = client.post(link, data={"password": "short", "confirm": "short", "accept": "Accept"})

    assert response.status_code == 200
    assert "Use at least 10 characters." in page_text(response)
    assert db.session.scalar(select(SpeakerAssignment)).state == S.invited


def test_answer_link_for_a_new_account_refuses_an_empty_password(client, summit, programme):
    _event, (water, *_rest) = summit
    svc.invite_new_speaker(water, email="new@example.org", role=R.panelist, actor=programme, given_name="New",
                           family_name="Person")
    db.session.commit()
    link = answer_path("new@example.org")

    response = client.post(link, data={"password": "", "confirm": "", "accept": "Accept"})

    assert response.status_code == 200
    assert "Choose a password for your account." in page_text(response)
    assert db.session.scalar(select(SpeakerAssignment)).state == S.invited
    assert svc.needs_password(User.by_email("new@example.org")) is True
