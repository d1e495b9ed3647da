"""What the agenda tells other domains. Receivers are connected in their domain's
wiring module, never when a module is imported."""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent after every publication with (publication, previous=publication before it or None,
# actor=...), in the publishing transaction: other domains react to the changelog.
agenda_published = _signals.signal("agenda-published")
