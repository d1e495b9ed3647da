"""What the speaker pages share: URL prefixes, labels for the templates, and loading
an event, session or assignment the request names (404 when it is not there)."""
from __future__ import annotations

from flask import g, redirect, url_for
from flask_login import current_user

from app.policy import get_event_or_404
from app.registration.labels import SHORT_LABELS
from app.speakers import bp
from app.speakers import services as svc
from app.speakers.models import PROPOSAL_LABELS, ROLE_LABELS, STATE_LABELS, SpeakerAssignment

MANAGE = "/e/<slug>/manage/speakers"
PORTAL = "/e/<slug>/speaker"


@bp.context_processor
def _labels():
    return {"role_labels": ROLE_LABELS, "registration_state_labels": SHORT_LABELS, "speaker_state_labels": STATE_LABELS, "proposal_labels": PROPOSAL_LABELS,
            "is_overdue": svc.is_overdue}


def public_event(slug):
    event = get_event_or_404(slug, user=current_user)
    g.event = event
    return event


def to_my_session(slug, assignment: SpeakerAssignment):
    return redirect(url_for("speakers.my_session", slug=slug, assignment_id=assignment.id))
