"""What a speaker brings to a session: their technical and interpretation needs,
proposed changes to the session's title and abstract (decided by the programme
team), and versions of their slides.

Every function takes model objects and an explicit `actor`, flushes but never
commits, writes an audit entry for each change and queues the emails it names.
"""
from __future__ import annotations

from collections import defaultdict

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.agenda.models import AgendaSession
from app.agenda.services import markdown_problem, update_session
from app.audit.services import audited_update, record
from app.events.models import Event
from app.extensions import db
from app.mail.services import queue_for_user
from app.speakers import uploads
from app.speakers.models import BUSY_STATES, ProposalState, SessionProposal, SlideFile, SpeakerAssignment
from app.speakers.services.errors import SpeakerError
from app.utils.time import utcnow
from app.utils.urls import external_url

NEEDS_FIELDS = ("av_needs", "interpretation_needs", "slides_public")


def update_needs(assignment: SpeakerAssignment, data: dict, *, actor) -> None:
    """AV and interpretation needs, and whether delegates may download the slides; audited."""
    audited_update(assignment, data, NEEDS_FIELDS, actor=actor, action="speaker.needs.update",
                   event=assignment.event, summary=f"{assignment.user.formal_name}: {assignment.session.title}")


def _refuse_if_off(assignment: SpeakerAssignment) -> None:
    if assignment.state not in BUSY_STATES:
        raise SpeakerError(_l("You no longer speak in this session."))


def propose_change(assignment: SpeakerAssignment, *, title: str, abstract: str, actor) -> SessionProposal:
    """A speaker proposes a new title and abstract; the programme team decides.

    A newer proposal from the same speaker replaces their pending one. The
    session (and so the public agenda) keeps its text until approval. Audited.
    """
    _refuse_if_off(assignment)
    title = (title or "").strip()
    if not title:
        raise SpeakerError(_l("Enter a title."), "title")
    if markdown_problem(abstract or ""):
        raise SpeakerError(_l("Scripts and script links are not allowed in the abstract."), "abstract")
    proposal = db.session.scalar(select(SessionProposal).where(
        SessionProposal.session_id == assignment.session_id, SessionProposal.author_id == assignment.user_id,
        SessionProposal.state == ProposalState.pending))
    if proposal is None:
        proposal = SessionProposal(event_id=assignment.event_id, session_id=assignment.session_id,
                                   author_id=assignment.user_id)
        db.session.add(proposal)
    proposal.title, proposal.abstract = title, abstract or ""
    proposal.created_at = utcnow()
    db.session.flush()
    record(actor=actor, action="speaker.proposal.create", obj=proposal, event=assignment.event,
           summary=assignment.session.title, after={"title": title, "abstract": abstract or ""})
    return proposal


def decide_proposal(proposal: SessionProposal, *, approve: bool, actor, note: str = "") -> None:
    """Approve (the session takes the proposed title and abstract, seen publicly at the
    next publication) or reject a pending proposal; audited; the author is emailed.

    Raises SpeakerError if it was already decided, AgendaError if the agenda refuses the text.
    """
    if proposal.state != ProposalState.pending:
        raise SpeakerError(_l("This proposal was already decided."))
    if approve:
        update_session(proposal.session, {"title": proposal.title, "abstract": proposal.abstract}, actor=actor)
    proposal.state = ProposalState.approved if approve else ProposalState.rejected
    proposal.decided_by_id = getattr(actor, "id", None)
    proposal.decided_at = utcnow()
    proposal.decision_note = (note or "").strip()[:500]
    db.session.flush()
    record(actor=actor, action=f"speaker.proposal.{proposal.state.value}", obj=proposal, event=proposal.event,
           summary=proposal.session.title, after={"state": proposal.state.value, "note": proposal.decision_note})
    if proposal.author is not None:
        queue_for_user(proposal.author, "speaker_proposal_decided", event=proposal.event, proposal=proposal,
                       session=proposal.session, portal_url=external_url("speakers.portal",
                                                                         slug=proposal.event.slug))


def add_slides(assignment: SpeakerAssignment, checked: uploads.CheckedSlides, original_name: str | None, *,
               actor) -> SlideFile:
    """Keep a checked upload as the next version of the speaker's slides; audited.

    Earlier versions stay. The file is moved under its generated name; a refused
    one is discarded.
    """
    try:
        _refuse_if_off(assignment)
    except SpeakerError:
        uploads.discard(checked)
        raise
    version = (db.session.scalar(select(func.max(SlideFile.version))
                                 .where(SlideFile.assignment_id == assignment.id)) or 0) + 1
    stored = uploads.store_slides(checked)
    slide = SlideFile(event_id=assignment.event_id, assignment_id=assignment.id, version=version,
                      uploaded_by_id=getattr(actor, "id", None),
                      original_name=uploads.clean_filename(original_name, checked.kind), stored_name=stored,
                      kind=checked.kind, size=checked.size, sha256=checked.sha256)
    db.session.add(slide)
    db.session.flush()
    record(actor=actor, action="speaker.slides.upload", obj=slide, event=assignment.event,
           summary=f"{slide.original_name} v{version} ({assignment.session.title})")
    return slide


def slides_by_assignment(assignment_ids: list[int]) -> dict[int, list[SlideFile]]:
    """Every version per assignment, newest first, in one query."""
    if not assignment_ids:
        return {}
    result: dict[int, list[SlideFile]] = defaultdict(list)
    for slide in db.session.scalars(select(SlideFile).where(SlideFile.assignment_id.in_(assignment_ids))
                                    .order_by(SlideFile.assignment_id, SlideFile.version.desc())):
        result[slide.assignment_id].append(slide)
    return dict(result)



def pending_proposals(event: Event) -> list[SessionProposal]:
    return list(db.session.scalars(
        select(SessionProposal).options(joinedload(SessionProposal.session), joinedload(SessionProposal.author))
        .where(SessionProposal.event_id == event.id, SessionProposal.state == ProposalState.pending)
        .order_by(SessionProposal.created_at, SessionProposal.id)))


def proposals_of_session(session: AgendaSession) -> list[SessionProposal]:
    return list(db.session.scalars(
        select(SessionProposal).options(joinedload(SessionProposal.author))
        .where(SessionProposal.session_id == session.id).order_by(SessionProposal.id.desc())))


def proposals_by_session(session_ids: list[int], author: User) -> dict[int, SessionProposal]:
    """The latest proposal of `author` per session."""
    if not session_ids:
        return {}
    result = {}
    for p in db.session.scalars(select(SessionProposal).where(SessionProposal.session_id.in_(session_ids),
                                                              SessionProposal.author_id == author.id)
                                .order_by(SessionProposal.id)):
        result[p.session_id] = p
    return result

