"""The refusals of the registration domain: readable messages, kept lazy (they
are translated when shown, in the reader's language)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.registration.labels import STATE_WORDS
from app.registration.models import RegistrationState
from app.utils.refusals import Refusal


class RegistrationError(Refusal):
    """A refusal the user can read (the message is kept lazy: it is translated when
    shown, in the reader's language)."""


class IllegalTransition(RegistrationError):
    def __init__(self, current: RegistrationState, wanted: RegistrationState):
        super().__init__(_l("A registration that is %(current)s cannot become %(wanted)s.",
                            current=STATE_WORDS[current], wanted=STATE_WORDS[wanted]))
        self.current, self.wanted = current, wanted


class AlreadyRegistered(RegistrationError):
    """The person already has a live registration for the event. The caller
    must roll the session back: the database refused the second row."""

    def __init__(self):
        super().__init__(_l("You are already registered for this event."))
