"""The agenda's refusal."""
from __future__ import annotations

from app.utils.refusals import Refusal


class AgendaError(Refusal):
    """A change refused by an agenda rule; `field` names the form field it concerns."""
