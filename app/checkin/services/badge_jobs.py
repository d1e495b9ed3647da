"""Many badges at once as a background job (app/jobs): started by the print list
when the selection is large, done by a worker, downloaded from the job's page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.checkin.services.badges import bulk_badges_pdf
from app.jobs import services as jobs
from app.jobs.models import Job

KIND = "checkin.badges_pdf"
LABEL = _l("Badges (PDF)")


def start_bulk_badges(event, filters: dict, *, actor, count: int, locale: str = "en") -> Job:
    """Queue the PDF of the badges `filters` select (audited as the job's start; the
    badges themselves are audited as `badge.print_bulk` when the worker prints them)."""
    return jobs.start(event, KIND, actor=actor, params={"filters": {k: v for k, v in filters.items() if v}},
                      locale=locale, total=count, summary=f"{count} badges")


def run_bulk_badges(job: Job, progress) -> tuple[str, bytes]:
    """The job's work (registered in app/checkin/wiring.py)."""
    filters = {"category": None, "delegation": None, "country": "", "q": "", **job.params.get("filters", {})}
    body, count = bulk_badges_pdf(job.event, filters, actor=job.requested_by, progress=progress)
    return f"badges-{job.event.slug}-{count}.pdf", body
