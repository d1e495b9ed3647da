"""What registration tells other domains. Receivers are connected in their domain's
wiring module, never when a module is imported."""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent with the event (sender) when organisers open or close its public participant
# list: pages that link to the list (the public agenda's menu) must be rendered again.
participant_list_toggled = _signals.signal("participant-list-toggled")
