"""What registration tells other domains. Receivers are connected in their domain's
wiring module, never when a module is imported."""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent with the event (sender) when organisers open or close its public participant
# list: pages that link to the list (the public agenda's menu) must be rendered again.
participant_list_toggled = _signals.signal("participant-list-toggled")

# Sent with a set of registration ids (sender) during the flush that wrote them, when
# anything a trip depends on changed: the state, the category or delegation, the
# countries, the travel details or the dates (the trip's figure must follow, in the
# same transaction). `removed` lists the ids of registrations being deleted.
travel_facts_changed = _signals.signal("travel-facts-changed")
