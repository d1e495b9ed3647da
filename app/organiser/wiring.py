"""What the organiser area registers with the layers below: connected once by the app factory."""
from __future__ import annotations

from app.jobs import services as jobs
from app.organiser import report_jobs


def connect(app) -> None:
    """Large report PDFs are made by the job workers."""
    jobs.register_kind(report_jobs.KIND, report_jobs.run_report_pdf, label=report_jobs.LABEL)
