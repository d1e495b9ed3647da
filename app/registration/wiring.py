"""How registration reacts to other domains: connected once by the app factory."""
from __future__ import annotations

from app.accounts.services import email_verified
from app.registration import dashboard, photos
from app.registration.services import submit_drafts_on_verification


def connect(app) -> None:
    """A proven address submits the drafts that waited for it; badge photo files
    are written and deleted when the change that names them commits; the registration
    figures join the organiser dashboard."""
    email_verified.connect(submit_drafts_on_verification, weak=False)
    photos.connect_session_hooks()
    dashboard.install()
