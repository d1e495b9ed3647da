"""Proposed session texts and slide versions (app/speakers/services/proposals.py)."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.agenda import services as agenda
from app.extensions import db
from app.speakers import services as svc, uploads
from app.speakers.models import AssignmentState as S, ProposalState, SessionProposal
from app.utils import storage
from tests.factories import outbox
from tests.speakers.conftest import assign, make_speaker, pdf_bytes, pptx_bytes, publish


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
    assert [m.template for m in outbox()] == ["speaker_proposal_decided"]


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


def test_new_slides_keep_earlier_versions(summit):
    _event, (water, *_rest) = summit
    assignment = assign(water, make_speaker(), state=S.accepted)
    first = svc.add_slides(assignment, uploads.check_slides(io.BytesIO(pdf_bytes())), "talk.pdf",
                           actor=assignment.user)
    second = svc.add_slides(assignment, uploads.check_slides(io.BytesIO(pptx_bytes())), "talk.pptx",
                            actor=assignment.user)

    versions = svc.slides_by_assignment([assignment.id])[assignment.id]
    assert [(s.version, s.kind) for s in versions] == [(2, "pptx"), (1, "pdf")]
    assert storage.current().exists(uploads.slides_key(first.stored_name))
    assert storage.current().exists(uploads.slides_key(second.stored_name))
    assert first.stored_name != "talk.pdf"
