"""The refusals of the speaker rules."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.speakers.models import STATE_LABELS, AssignmentState as A
from app.utils.refusals import Refusal


class SpeakerError(Refusal):
    """A change refused by a speaker rule; `field` names the form field it concerns."""


class IllegalTransition(SpeakerError):
    def __init__(self, current: A, wanted: A):
        super().__init__(_l("This answer is no longer possible: the invitation is %(state)s.",
                            state=str(STATE_LABELS[current]).lower()))
        self.current, self.wanted = current, wanted

