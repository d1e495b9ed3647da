"""The refusal every on-site service raises."""
from __future__ import annotations

from app.utils.refusals import Refusal


class OnsiteError(Refusal):
    """A refusal the user can read (the message is translated when shown)."""
