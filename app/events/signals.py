"""Signals of the events domain."""
from __future__ import annotations

from blinker import Namespace

signals = Namespace()

# Sent with the event after its settings changed (title, dates, time zone...), so other
# domains can renew what they derived from them, such as the published agenda's pages.
event_changed = signals.signal("event-changed")
