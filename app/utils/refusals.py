"""The one type a service raises to refuse an action.

Every domain's error class subclasses `Refusal`, so views handle refusals in one way
(`app.utils.views.run_service`), and the API can turn any of them into a JSON error.
"""
from __future__ import annotations


class Refusal(Exception):
    """A rule said no. `message` is for the person (already translated, or lazy);
    `field` names the form field it belongs under, when there is one."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
