"""How on-site work serves other domains: connected once by the app factory."""
from __future__ import annotations

from app.checkin import personal_data
from app.checkin.services import badge_jobs
from app.checkin.services import current_letter, delegate_documents
from app.jobs import services as jobs
from app.personal import providers as personal_providers
from app.privacy import providers as privacy
from app.registration import providers as registration_providers


def connect(app) -> None:
    """The personal agenda page offers the delegate's visa-support letter; the
    registration page offers the letter and the badge."""
    personal_providers.provide_letter(current_letter)
    registration_providers.provide_documents(delegate_documents)
    # Personal data rights: this domain exports, erases and anonymises its own records.
    privacy.register_export("checkin", personal_data.export)
    privacy.register_erasure("checkin", personal_data.erase_person)
    privacy.register_event_anonymiser("checkin", personal_data.anonymise_event)
    # Large badge PDFs are made by the job workers.
    jobs.register_kind(badge_jobs.KIND, badge_jobs.run_bulk_badges, label=badge_jobs.LABEL)
