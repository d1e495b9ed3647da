"""Assigning and inviting speakers, answer states and links, reminders
(app/speakers/services/assignments.py)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.accounts.services import authenticate, email_verified
from app.agenda.models import SessionType
from app.speakers import services as svc
from app.speakers.models import AssignmentRole as R, AssignmentState as S
from app.utils.time import utcnow
from tests.factories import audit_actions, make_event, make_user, outbox
from tests.speakers.conftest import assign, make_speaker, publish


def authenticate_fails(user) -> bool:
    return all(authenticate(user.email, guess, ip="127.0.0.1") is None
               for guess in ("", "!speaker-invitation", "password"))


def test_account_made_by_signing_up_is_never_asked_for_a_password_by_an_answer_link(summit):
    user = make_user(verified=False)

    assert svc.needs_password(user) is False


# --- assigning and inviting -----------------------------------------------------------

def test_assign_speaker_invites_with_an_email_and_an_audit_entry(summit, programme):
    event, (water, *_rest) = summit
    speaker = make_speaker("dinara@example.org")

    assignment = svc.assign_speaker(water, speaker, role=R.chair, note="Ask about the basin data", actor=programme)

    assert (assignment.state, assignment.role, assignment.position, assignment.invited_by_id) == (
        S.invited, R.chair, 0, programme.id)
    mail = outbox("speaker_invitation")
    assert [m.to_address for m in mail] == ["dinara@example.org"]
    assert "/e/astana/speaker/answer/" in mail[0].body_text
    assert "Ask about the basin data" not in mail[0].body_text  # the internal note stays internal
    assert audit_actions() == ["speaker.assign"]
    assert svc.profile_for(event, speaker) is not None


def test_assign_speaker_twice_to_one_session_is_refused(summit, programme):
    _event, (water, *_rest) = summit
    speaker = make_speaker()
    svc.assign_speaker(water, speaker, role=R.panelist, actor=programme)

    with pytest.raises(svc.SpeakerError) as error:
        svc.assign_speaker(water, speaker, role=R.chair, actor=programme)
    assert error.value.message == "Dinara Sultanbekova is already on this session (Invited)."


def test_assign_speaker_puts_later_speakers_after_earlier_ones(summit, programme):
    _event, (water, *_rest) = summit
    first = svc.assign_speaker(water, make_speaker(), role=R.chair, actor=programme)
    second = svc.assign_speaker(water, make_speaker(), role=R.panelist, actor=programme)

    assert (first.position, second.position) == (0, 1)


def test_invite_new_speaker_creates_an_unusable_account_and_a_profile(summit, programme):
    event, (water, *_rest) = summit

    assignment, created = svc.invite_new_speaker(
        water, email="New.Person@Example.org", role=R.presenter, actor=programme, honorific="Dr",
        given_name="Imran", family_name="Qureshi", organisation="PCRWR", position="Chief Scientist", country="PK",
        locale="ru")

    user = assignment.user
    assert created is True
    assert (user.email, user.formal_name, user.locale, user.is_verified) == (
        "new.person@example.org", "Dr Imran Qureshi", "ru", False)
    assert svc.needs_password(user) is True
    assert authenticate_fails(user)
    assert svc.profile_for(event, user) is not None
    mail = outbox("speaker_invitation")
    assert [(m.to_address, m.locale) for m in mail] == [("new.person@example.org", "ru")]
    assert audit_actions() == ["speaker.invite_new"]


def test_accepting_by_link_with_a_new_account_verifies_the_address_for_all_who_wait_for_it(summit, programme):
    _event, (water, *_rest) = summit
    assignment, _created = svc.invite_new_speaker(water, email="new@example.org", role=R.panelist, actor=programme,
                                                  given_name="New", family_name="Speaker")
    verified = []

    with email_verified.connected_to(lambda user: verified.append(user.email)):
        activated = svc.answer_by_link(assignment, accepted=True, password="a long enough passphrase")

    assert (activated, assignment.state, assignment.user.is_verified) == (True, S.accepted, True)
    assert verified == ["new@example.org"]
    assert svc.needs_password(assignment.user) is False


def test_declining_by_link_leaves_a_new_account_unused(summit, programme):
    _event, (water, *_rest) = summit
    assignment, _created = svc.invite_new_speaker(water, email="new@example.org", role=R.panelist, actor=programme)

    activated = svc.answer_by_link(assignment, accepted=False, reason="Elsewhere that week")

    assert (activated, assignment.state, assignment.decline_reason) == (False, S.declined, "Elsewhere that week")
    assert (svc.needs_password(assignment.user), assignment.user.is_verified) == (True, False)


def test_invite_new_speaker_with_a_known_address_assigns_that_account(summit, programme):
    _event, (water, *_rest) = summit
    existing = make_speaker("known@example.org")

    assignment, created = svc.invite_new_speaker(water, email="known@example.org", role=R.panelist,
                                                 actor=programme, given_name="Other", family_name="Name")

    assert (created, assignment.user_id, existing.given_name) == (False, existing.id, "Dinara")


def test_breaks_have_no_speakers(summit, programme):
    _event, (water, *_rest) = summit
    water.type = SessionType.break_
    with pytest.raises(svc.SpeakerError):
        svc.assign_speaker(water, make_speaker(), role=R.panelist, actor=programme)


# --- states -------------------------------------------------------------------------

@pytest.mark.parametrize("start,to,allowed", [
    (S.invited, S.accepted, True), (S.invited, S.declined, True), (S.invited, S.withdrawn, False),
    (S.accepted, S.withdrawn, True), (S.accepted, S.declined, False), (S.declined, S.accepted, False),
    (S.withdrawn, S.accepted, False), (S.accepted, S.accepted, False),
])
def test_transition_allows_only_the_documented_moves(summit, start, to, allowed):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=start)
    speaker = assignment.user

    if allowed:
        svc.transition(assignment, to, actor=speaker, reason="Travel")
        assert assignment.state == to
    else:
        with pytest.raises(svc.IllegalTransition):
            svc.transition(assignment, to, actor=speaker)
        assert assignment.state == start


def test_decline_keeps_the_reason_and_tells_the_inviter(summit, programme):
    _event, (water, *_rest) = summit
    assignment = svc.assign_speaker(water, make_speaker(), role=R.panelist, actor=programme)

    svc.decline(assignment, actor=assignment.user, reason="A cabinet meeting that day")

    assert (assignment.state, assignment.decline_reason) == (S.declined, "A cabinet meeting that day")
    answered = outbox("speaker_answered")
    assert [m.to_address for m in answered] == ["programme@example.org"]
    assert "A cabinet meeting that day" in answered[0].body_text


# --- answer links -------------------------------------------------------------------

def test_answer_link_finds_its_assignment_until_it_is_used(summit):
    event, (water, *_rest) = summit
    assignment = assign(water, make_speaker())
    token = svc.answer_token(assignment)

    assert svc.assignment_from_token(event, token) is assignment
    svc.accept(assignment, actor=assignment.user)
    assert svc.assignment_from_token(event, token) is None


def test_answer_link_after_expiry_is_refused(summit):
    event, (water, *_rest) = summit
    assignment = assign(water, make_speaker())
    token = svc.answer_token(assignment, expires_at=utcnow() - timedelta(minutes=1))

    assert svc.assignment_from_token(event, token) is None


@pytest.mark.parametrize("token", ["", "x" * 400, "not-a-token", "eyJhIjoxfQ.forged"])
def test_answer_link_forged_or_garbled_is_refused(summit, token):
    event, (water, *_rest) = summit
    assign(water, make_speaker())

    assert svc.assignment_from_token(event, token) is None


def test_answer_link_of_another_event_is_refused(summit):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker())
    other = make_event("bishkek")

    assert svc.assignment_from_token(other, svc.answer_token(assignment)) is None


# --- reminders ------------------------------------------------------------------------

def test_remind_open_sends_to_unanswered_speakers_only(summit, programme):
    event, (water, finance, _w) = summit
    waiting = assign(water, make_speaker("waiting@example.org"))
    assign(finance, make_speaker("yes@example.org"), state=S.accepted)
    assign(finance, make_speaker("no@example.org"), state=S.declined)

    sent, skipped = svc.remind_open(event, actor=programme)

    assert (sent, skipped) == (1, 0)
    assert [m.to_address for m in outbox("speaker_reminder")] == ["waiting@example.org"]
    assert (waiting.reminder_count, waiting.reminded_at is not None) == (1, True)


def test_remind_open_twice_in_a_row_skips_those_just_reminded(summit, programme):
    event, (water, *_rest) = summit
    assign(water, make_speaker())
    svc.remind_open(event, actor=programme)

    assert svc.remind_open(event, actor=programme) == (0, 1)
    assert len(outbox("speaker_reminder")) == 1


def test_remind_an_answered_speaker_is_refused(summit, programme):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=S.accepted)

    with pytest.raises(svc.SpeakerError):
        svc.remind(assignment, actor=programme)


def test_accepting_refreshes_the_public_agenda_cache(summit):
    event, (water, *_rest) = summit
    assignment = assign(water, make_speaker())
    publication = publish(event)
    token = publication.cache_token

    svc.accept(assignment, actor=assignment.user)

    assert publication.cache_token != token


@pytest.mark.parametrize("lang, title, room", [
    ("ru", "Сотрудничество в бассейне Аральского моря", "Зал А"),
    ("kk", "Арал теңізі бассейніндегі ынтымақтастық", "А залы"),
])
def test_speaker_invitation_names_session_room_and_event_in_the_speakers_language(summit, programme, lang, title, room):
    from app.utils.translated import Translated

    event, (water, *_rest) = summit
    event.title = Translated({"en": "Astana Summit", "ru": "Астанинский саммит", "kk": "Астана саммиті"}, "en")
    water.title = Translated({"en": "Aral Sea basin cooperation", "ru": "Сотрудничество в бассейне Аральского моря",
                              "kk": "Арал теңізі бассейніндегі ынтымақтастық"}, "en")
    water.room.name = Translated({"en": "Hall A", "ru": "Зал А", "kk": "А залы"}, "en")
    speaker = make_speaker("dinara@example.org", locale=lang)

    svc.assign_speaker(water, speaker, role=R.chair, actor=programme)

    mail = outbox("speaker_invitation")[0]
    assert mail.locale == lang
    assert event.title.get(lang) in mail.subject
    assert title in mail.body_text and room in mail.body_text and "Aral Sea" not in mail.body_text
