"""A background job's page (its progress, its file when done, its error when failed)
and its file. Only the organiser who started it and the secretariat see them."""
from __future__ import annotations

from flask import abort, current_app, render_template, send_file
from flask_babel import gettext as _

from app.jobs import services as jobs
from app.jobs.models import Job, JobState
from app.organiser import bp
from app.policy import in_event, requires
from app.utils.downloads import content_disposition

# While a job is queued or running its page reloads itself every REFRESH_SECONDS.
REFRESH_SECONDS = 2


@bp.route("/jobs/<int:job_id>")
@requires("job.view", load={"job": in_event(Job, "job_id")}, on="job", event_action="manage.access")
def job(event, job):
    # The row keeps the English text; it is shown in the reader's language.
    return render_template("organiser/job.html", event=event, job=job, states=JobState,
                           message=_(job.message) if job.message else "", error=_(job.error) if job.error else "",
                           label=jobs.kind_label(job.kind), refresh=None if job.finished else REFRESH_SECONDS,
                           keep_days=current_app.config["JOBS_KEEP_DAYS"],
                           title=str(jobs.kind_label(job.kind)))


@bp.route("/jobs/<int:job_id>/download")
@requires("job.view", load={"job": in_event(Job, "job_id")}, on="job", event_action="manage.access")
def job_download(event, job):
    stored = jobs.open_result(job)
    if stored is None:
        abort(404)
    mimetype = "application/pdf" if job.result_name.lower().endswith(".pdf") else "application/octet-stream"
    response = send_file(stored, mimetype=mimetype, max_age=0)
    response.headers["Content-Disposition"] = content_disposition(job.result_name, attachment=True)
    response.headers["Cache-Control"] = "private, no-store"
    return response
