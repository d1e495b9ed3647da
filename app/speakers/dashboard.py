"""Speaker figures for the organiser dashboards, one aggregate query each."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.speakers.models import AssignmentState, ProposalState, SessionProposal, SpeakerAssignment
from app.speakers.services.assignments import state_counts  # noqa: F401 (speakers by answer state)

# A session has speakers once someone is invited or has accepted.
_ACTIVE = (AssignmentState.invited, AssignmentState.accepted)


def sessions_without_speakers(session_ids: list[int]) -> list[int]:
    """Of `session_ids`, those with nobody invited or confirmed."""
    if not session_ids:
        return []
    staffed = set(db.session.scalars(
        select(SpeakerAssignment.session_id).where(SpeakerAssignment.session_id.in_(session_ids),
                                                   SpeakerAssignment.state.in_(_ACTIVE))
        .group_by(SpeakerAssignment.session_id)))
    return [sid for sid in session_ids if sid not in staffed]


def pending_proposal_count(event) -> int:
    return db.session.scalar(select(func.count(SessionProposal.id)).where(
        SessionProposal.event_id == event.id, SessionProposal.state == ProposalState.pending)) or 0
