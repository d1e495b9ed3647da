"""Speaker rules without HTTP: states, answer links, reminders, proposals, conflicts,
files, the public hooks and the policy."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.agenda import services as agenda
from app.audit.models import AuditEntry
from app.extensions import db
from app.mail.models import OutboxMessage
from app.policy import can
from app.speakers import services as svc, uploads
from app.speakers.models import AssignmentRole as R, AssignmentState as S, ProposalState, SessionProposal
from app.utils.tabular import neutralise
from app.utils.time import utcnow
from tests.factories import grant, make_user
from tests.speakers.conftest import (assign, exe_bytes, make_speaker, odp_bytes, pdf_bytes, pptx_bytes, publish,
                                     zip_bomb_pptx)


def authenticate_fails(user) -> bool:
    from app.accounts.services import authenticate

    return all(authenticate(user.email, guess, ip="127.0.0.1") is None
               for guess in ("", "!speaker-invitation", "password"))


def test_account_made_by_signing_up_is_never_asked_for_a_password_by_an_answer_link(summit):
    user = make_user(verified=False)

    assert svc.needs_password(user) is False


def _outbox(template=None):
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if template:
        stmt = stmt.where(OutboxMessage.template == template)
    return list(db.session.scalars(stmt))


def _actions():
    return [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


# --- assigning and inviting -----------------------------------------------------------

def test_assign_speaker_invites_with_an_email_and_an_audit_entry(summit, programme):
    event, (water, *_rest) = summit
    speaker = make_speaker("dinara@example.org")

    assignment = svc.assign_speaker(water, speaker, role=R.chair, note="Ask about the basin data", actor=programme)

    assert (assignment.state, assignment.role, assignment.position, assignment.invited_by_id) == (
        S.invited, R.chair, 0, programme.id)
    mail = _outbox("speaker_invitation")
    assert [m.to_address for m in mail] == ["dinara@example.org"]
    assert "/e/astana/speaker/answer/" in mail[0].body_text
    assert "Ask about the basin data" not in mail[0].body_text  # the internal note stays internal
    assert _actions() == ["speaker.assign"]
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
    mail = _outbox("speaker_invitation")
    assert [(m.to_address, m.locale) for m in mail] == [("new.person@example.org", "ru")]
    assert _actions() == ["speaker.invite_new"]


def test_invite_new_speaker_with_a_known_address_assigns_that_account(summit, programme):
    _event, (water, *_rest) = summit
    existing = make_speaker("known@example.org")

    assignment, created = svc.invite_new_speaker(water, email="known@example.org", role=R.panelist,
                                                 actor=programme, given_name="Other", family_name="Name")

    assert (created, assignment.user_id, existing.given_name) == (False, existing.id, "Dinara")


def test_breaks_have_no_speakers(summit, programme):
    from app.agenda.models import SessionType

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
    answered = _outbox("speaker_answered")
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
    from tests.factories import make_event

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
    assert [m.to_address for m in _outbox("speaker_reminder")] == ["waiting@example.org"]
    assert (waiting.reminder_count, waiting.reminded_at is not None) == (1, True)


def test_remind_open_twice_in_a_row_skips_those_just_reminded(summit, programme):
    event, (water, *_rest) = summit
    assign(water, make_speaker())
    svc.remind_open(event, actor=programme)

    assert svc.remind_open(event, actor=programme) == (0, 1)
    assert len(_outbox("speaker_reminder")) == 1


def test_remind_an_answered_speaker_is_refused(summit, programme):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=S.accepted)

    with pytest.raises(svc.SpeakerError):
        svc.remind(assignment, actor=programme)


# --- proposals ----------------------------------------------------------------------

def test_approved_proposal_changes_the_session_and_the_public_agenda_after_publishing(summit, programme):
    event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=S.accepted)
    publish(event)
    proposal = svc.propose_change(assignment, title="Aral Sea: sharing data", abstract="New *abstract*.",
                                  actor=assignment.user)

    assert water.title == "Aral Sea basin cooperation"  # nothing changes before approval
    svc.decide_proposal(proposal, approve=True, actor=programme)

    assert (proposal.state, water.title, water.abstract) == (ProposalState.approved, "Aral Sea: sharing data",
                                                             "New *abstract*.")
    publication = publish(event)
    public = agenda.public_agenda(publication)
    assert public.session(water.id).title == "Aral Sea: sharing data"
    assert [m.template for m in _outbox()] == ["speaker_proposal_decided"]


def test_rejected_proposal_leaves_the_session_as_it_was(summit, programme):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker())
    proposal = svc.propose_change(assignment, title="Other title", abstract="", actor=assignment.user)

    svc.decide_proposal(proposal, approve=False, note="Keep the agreed title", actor=programme)

    assert (proposal.state, water.title, proposal.decision_note) == (ProposalState.rejected,
                                                                     "Aral Sea basin cooperation",
                                                                     "Keep the agreed title")


def test_second_proposal_replaces_the_pending_one(summit):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker())
    svc.propose_change(assignment, title="First", abstract="", actor=assignment.user)
    svc.propose_change(assignment, title="Second", abstract="", actor=assignment.user)

    assert [p.title for p in db.session.scalars(select(SessionProposal))] == ["Second"]


def test_proposal_with_a_script_is_refused(summit):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker())

    with pytest.raises(svc.SpeakerError) as error:
        svc.propose_change(assignment, title="T", abstract="[x](javascript:alert(1))", actor=assignment.user)
    assert error.value.field == "abstract"


def test_declined_speaker_cannot_propose(summit):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=S.declined)

    with pytest.raises(svc.SpeakerError):
        svc.propose_change(assignment, title="T", abstract="", actor=assignment.user)


# --- public hooks -------------------------------------------------------------------

def test_public_speakers_lists_accepted_only_in_order_with_role(summit):
    _event, (water, *_rest) = summit
    assign(water, make_speaker(given_name="Second", family_name="Speaker"), state=S.accepted, position=2,
           role=R.panelist)
    assign(water, make_speaker(given_name="First", family_name="Chair"), state=S.accepted, position=0,
           role=R.chair)
    assign(water, make_speaker(given_name="Not", family_name="Yet"), state=S.invited, position=1)
    assign(water, make_speaker(given_name="Said", family_name="No"), state=S.declined, position=1)
    assign(water, make_speaker(given_name="Stepped", family_name="Back"), state=S.withdrawn, position=1)

    speakers = agenda.public_speakers([water])[water.id]

    assert [(p.name, p.role, p.role_label) for p in speakers] == [
        ("First Chair", "chair", "Chair / moderator"), ("Second Speaker", "panelist", "Panelist")]


def test_speakers_in_two_overlapping_sessions_are_a_conflict(summit):
    event, (water, finance, workshop) = summit
    speaker = make_speaker(given_name="Busy", family_name="Person")
    assign(water, speaker, state=S.accepted)
    assign(finance, speaker, state=S.invited)
    assign(workshop, speaker, state=S.accepted)

    kinds = [(c.kind, c.session_ids) for c in agenda.find_conflicts(event) if c.kind == "speaker"]
    named = [c.message for c in __import__("app.speakers.conflicts", fromlist=["x"]).speaker_conflicts(
        agenda.sessions_of(event), event)]

    assert kinds == [("speaker", (water.id, finance.id))]
    assert named == ["Busy Person is due in “Aral Sea basin cooperation” and “Green bonds” at the same time."]


def test_declined_speaker_is_no_conflict(summit):
    event, (water, finance, _w) = summit
    speaker = make_speaker()
    assign(water, speaker, state=S.accepted)
    assign(finance, speaker, state=S.declined)

    assert [c for c in agenda.find_conflicts(event) if c.kind in ("speaker", "availability")] == []


def test_speaker_outside_their_available_dates_is_a_conflict(summit):
    event, (water, _finance, workshop) = summit
    speaker = make_speaker(given_name="Late", family_name="Arrival")
    assign(water, speaker, state=S.accepted)
    assign(workshop, speaker, state=S.accepted)
    profile = svc.profile_for(event, speaker)
    svc.update_travel(profile, {"available_from": date(2027, 4, 22), "available_until": date(2027, 4, 23)},
                      actor=speaker)

    found = [(c.kind, c.session_ids, c.message) for c in agenda.find_conflicts(event) if c.kind == "availability"]

    assert found == [("availability", (water.id,),
                      "Late Arrival is available from 22 Apr 2027 to 23 Apr 2027, but “Aral Sea basin cooperation” "
                      "is on 21 Apr 2027.")]


def test_travel_with_dates_in_the_wrong_order_is_refused(summit):
    event, (water, *_rest) = summit
    speaker = make_speaker()
    assign(water, speaker)
    profile = svc.profile_for(event, speaker)

    with pytest.raises(svc.SpeakerError) as error:
        svc.update_travel(profile, {"arrival_date": date(2027, 4, 22), "departure_date": date(2027, 4, 20)},
                          actor=speaker)
    assert error.value.field == "departure_date"


def test_accepting_refreshes_the_public_agenda_cache(summit):
    event, (water, *_rest) = summit
    assignment = assign(water, make_speaker())
    publication = publish(event)
    token = publication.cache_token

    svc.accept(assignment, actor=assignment.user)

    assert publication.cache_token != token


# --- profiles -------------------------------------------------------------------------

def test_bio_longer_than_the_limit_is_refused(summit):
    event, (water, *_rest) = summit
    speaker = make_speaker()
    assign(water, speaker)

    with pytest.raises(svc.SpeakerError) as error:
        svc.update_profile(svc.profile_for(event, speaker), {}, {"bio": "x" * 100_000}, actor=speaker)
    assert error.value.field == "bio"


def test_bio_is_rendered_without_html(summit):
    event, (water, *_rest) = summit
    speaker = make_speaker()
    assign(water, speaker)
    profile = svc.profile_for(event, speaker)
    svc.update_profile(profile, {}, {"bio": "**Hydrologist** <img src=x onerror=alert(1)>"}, actor=speaker)

    assert str(svc.bio_html(profile)) == (
        "<p><strong>Hydrologist</strong> &lt;img src=x onerror=alert(1)&gt;</p>\n")


# --- files ----------------------------------------------------------------------------

@pytest.mark.parametrize("maker,kind", [(pdf_bytes, "pdf"), (pptx_bytes, "pptx"), (odp_bytes, "odp")])
def test_check_slides_recognises_presentations_by_content(app, maker, kind):
    checked = uploads.check_slides(io.BytesIO(maker()))
    try:
        assert checked.kind == kind
    finally:
        uploads.discard(checked)


@pytest.mark.parametrize("data,message", [
    (exe_bytes(), "Upload a PDF, PowerPoint (.pptx) or OpenDocument (.odp) presentation."),
    (b"", "The file is empty."),
    (b"<svg onload=alert(1)></svg>", "Upload a PDF, PowerPoint (.pptx) or OpenDocument (.odp) presentation."),
    (b"PK\x03\x04 broken zip", "The file is damaged: it could not be read as a presentation."),
])
def test_check_slides_refuses_what_is_not_a_presentation(app, data, message):
    with pytest.raises(uploads.UploadError) as error:
        uploads.check_slides(io.BytesIO(data))
    assert str(error.value) == message


def test_check_slides_refuses_a_zip_bomb(app):
    with pytest.raises(uploads.UploadError) as error:
        uploads.check_slides(io.BytesIO(zip_bomb_pptx()))
    assert str(error.value) == "The presentation unpacks to far more data than it holds: it is refused as unsafe."


def test_check_slides_refuses_a_zip_that_is_not_a_presentation(app):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w/>")
        z.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(uploads.UploadError):
        uploads.check_slides(io.BytesIO(out.getvalue()))


def test_check_slides_stops_reading_past_the_limit(app):
    app.config["SLIDES_MAX_BYTES"] = 1000
    try:
        with pytest.raises(uploads.UploadError) as error:
            uploads.check_slides(io.BytesIO(pdf_bytes() + b"0" * 5000))
    finally:
        app.config["SLIDES_MAX_BYTES"] = 50 * 1024 * 1024
    assert str(error.value) == "The file is too large: at most 1 KB."


@pytest.mark.parametrize("name,kind,expected", [
    ("../../etc/passwd.pdf", "pdf", "passwd.pdf"),
    ("..\\..\\boot.ini", "pdf", "boot.pdf"),
    ("Доклад Астана 2027.pptx", "pptx", "Доклад Астана 2027.pptx"),
    ("talk.exe", "pdf", "talk.pdf"),
    ("<script>.odp", "odp", "script.odp"),
    ("", "pdf", "slides.pdf"),
    ("...", "odp", "slides.odp"),
])
def test_clean_filename_keeps_a_harmless_name_with_the_real_extension(name, kind, expected):
    assert uploads.clean_filename(name, kind) == expected


def test_new_slides_keep_earlier_versions(summit):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=S.accepted)
    first = svc.add_slides(assignment, uploads.check_slides(io.BytesIO(pdf_bytes())), "talk.pdf",
                           actor=assignment.user)
    second = svc.add_slides(assignment, uploads.check_slides(io.BytesIO(pptx_bytes())), "talk.pptx",
                            actor=assignment.user)

    versions = svc.slides_by_assignment([assignment.id])[assignment.id]
    assert [(s.version, s.kind) for s in versions] == [(2, "pptx"), (1, "pdf")]
    assert uploads.slides_path(first.stored_name) is not None
    assert uploads.slides_path(second.stored_name) is not None
    assert first.stored_name != "talk.pdf"


# --- export ---------------------------------------------------------------------------

def test_export_neutralises_formula_cells(summit):
    event, (water, *_rest) = summit
    speaker = make_speaker(given_name="=HYPERLINK(\"http://x\")", organisation="+Org", family_name="-Name")
    assignment = assign(water, speaker, state=S.accepted)
    assignment.av_needs = "@SUM(A1)"

    table = svc.export_table(event)

    row = dict(zip(table.keys, (neutralise(v) for v in table.rows[0])))
    assert (row["speaker"], row["organisation"], row["av_needs"], row["state"], row["role"]) == (
        "'=HYPERLINK(\"http://x\") -Name", "'+Org", "'@SUM(A1)", "Accepted", "Panelist")


def test_export_gives_times_in_the_event_zone_and_yes_no(summit):
    event, (water, *_rest) = summit
    speaker = make_speaker()
    assign(water, speaker, state=S.accepted)
    svc.profile_for(event, speaker).visa_letter_requested = True

    table = svc.export_table(event)

    row = dict(zip(table.keys, table.rows[0]))
    assert (row["starts"], row["ends"], row["visa_letter_requested"], row["visa_data_from_registration"]) == (
        datetime(2027, 4, 21, 10, 0), datetime(2027, 4, 21, 11, 30), "Yes", "No")


# --- policy ---------------------------------------------------------------------------

def test_speaker_portal_rule_needs_an_assignment_in_that_event(summit):
    from tests.factories import make_event

    event, (water, *_rest) = summit
    speaker, delegate = make_speaker(), make_user()
    assign(water, speaker, state=S.declined)

    assert (can(speaker, "speaker.portal", event), can(delegate, "speaker.portal", event),
            can(speaker, "speaker.portal", make_event("other"))) == (True, False, False)


def test_speaker_manage_session_respects_track_scope(summit):
    from app.events.models import EventRole

    event, (water, finance, workshop) = summit
    limited = make_user()
    db.session.add(EventRole(user=limited, event=event, role="programme", track_ids=[water.track_id]))
    secretariat = make_user()
    grant(secretariat, event, "secretariat")
    protocol = make_user()
    grant(protocol, event, "protocol")
    db.session.flush()

    assert [can(limited, "speaker.manage_session", s) for s in (water, finance, workshop)] == [True, False, False]
    assert [can(secretariat, "speaker.manage_session", s) for s in (water, finance, workshop)] == [True] * 3
    assert can(protocol, "speaker.manage_session", water) is False


def test_own_rules_refuse_other_speakers(summit):
    event, (water, *_rest) = summit
    mine = assign(water, make_speaker())
    other = assign(water, make_speaker())

    assert (can(mine.user, "speaker.own_assignment", mine), can(mine.user, "speaker.own_assignment", other),
            can(mine.user, "speaker.own_profile", svc.profile_for(event, other.user))) == (True, False, False)
