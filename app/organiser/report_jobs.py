"""A report as a printable PDF; a large one is made by a background job (app/jobs)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.jobs import services as jobs
from app.jobs.models import Job
from app.organiser.reports import REPORTS
from app.utils.pdf import table_pdf
from app.utils.tabular import Table

KIND = "organiser.report_pdf"
LABEL = _l("Report (PDF)")


def report_pdf(event, name: str, table: Table, *, progress=None) -> bytes:
    title = f"{event.title}: {REPORTS[name][1]}"
    if progress is not None:
        progress.total(len(table.rows), str(_l("Writing the PDF")))
    return table_pdf(table, title=title, footer=str(event.title), progress=progress)


def start_report_pdf(event, name: str, *, actor, rows: int, locale: str = "en") -> Job:
    return jobs.start(event, KIND, actor=actor, params={"name": name}, locale=locale, total=rows,
                      summary=f"{name} report, {rows} rows")


def run_report_pdf(job: Job, progress) -> tuple[str, bytes]:
    """The job's work (registered in app/organiser/wiring.py)."""
    name = job.params.get("name")
    if name not in REPORTS:
        raise jobs.JobError(str(_l("This report no longer exists.")))
    event = job.event
    build, _title = REPORTS[name]
    return f"{event.slug}-{name}.pdf", report_pdf(event, name, build(event), progress=progress)
