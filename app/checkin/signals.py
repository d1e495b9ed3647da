"""What on-site work tells the areas above it. Receivers are connected in their own
wiring module, never when a module is imported."""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent with the event (sender) and `letter_ids` when many visa-support letters were
# issued at once, in the transaction that wrote them: one letter issued alone is told
# by its audit entry ("visa_letter.issue"), these share one entry for all of them.
letters_issued = _signals.signal("letters-issued")
