"""How on-site work serves other domains: connected once by the app factory."""
from __future__ import annotations

from app.checkin.services import current_letter, delegate_documents
from app.personal import providers as personal_providers
from app.registration import providers as registration_providers


def connect(app) -> None:
    """The personal agenda page offers the delegate's visa-support letter; the
    registration page offers the letter and the badge."""
    personal_providers.provide_letter(current_letter)
    registration_providers.provide_documents(delegate_documents)
