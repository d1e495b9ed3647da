"""Signals of the accounts domain. Other domains react to them (from their wiring)
without accounts knowing about them."""
from __future__ import annotations

from blinker import Namespace

signals = Namespace()

# Sent with the user once their address is proven (registration submits the drafts
# that waited for it). Sent only by services.mark_email_verified.
email_verified = signals.signal("email-verified")

# Sent with the new user when a sign-up made an account (the browser that did it is
# remembered, so that its verification link logs it in there).
signed_up = signals.signal("signed-up")
