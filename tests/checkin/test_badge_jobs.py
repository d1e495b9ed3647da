"""Many badges at once: a background job the organiser follows on its page, then downloads."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.jobs.models import Job, JobState
from tests.checkin.conftest import make_delegate, pdf_text
from tests.factories import login_session


@pytest.fixture
def small_threshold(app, monkeypatch):
    monkeypatch.setitem(app.config, "BADGES_JOB_THRESHOLD", 2)


def test_many_badges_become_a_job_whose_page_offers_the_pdf(client, summit, staff, small_threshold):
    event, cats = summit
    for family in ("Abenova", "Bekov", "Zhakupov"):
        make_delegate(event, cats["government"], given="Anar", family=family)
    db.session.commit()
    login_session(client, staff["accreditation"])
    assert "prepared in the background" in client.get("/e/astana/manage/badges").get_data(as_text=True)

    response = client.post("/e/astana/manage/badges.pdf")

    job = db.session.scalar(select(Job))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/e/astana/manage/jobs/{job.id}")
    assert (job.state, job.progress_done, job.progress_total, job.kind) == (JobState.done, 3, 3, "checkin.badges_pdf")
    assert job.requested_by_id == staff["accreditation"].id
    page = client.get(f"/e/astana/manage/jobs/{job.id}").get_data(as_text=True)
    assert "Done: 3 of 3." in page and 'http-equiv="refresh"' not in page
    download = client.get(f"/e/astana/manage/jobs/{job.id}/download")
    assert (download.status_code, download.mimetype) == (200, "application/pdf")
    assert "badges-astana-3.pdf" in download.headers["Content-Disposition"]
    assert [("Abenova" in p, "Zhakupov" in p) for p in pdf_text(download.data)][0] == (True, False)
    assert len(PdfReader(io.BytesIO(download.data)).pages) == 3
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["job.start", "badge.print_bulk"]


def test_a_get_of_many_badges_starts_no_job_and_leads_to_the_print_button(client, summit, staff, small_threshold):
    """A GET may be sent again by a browser or a load balancer: only the button's POST
    starts the work."""
    event, cats = summit
    for family in ("Abenova", "Bekov", "Zhakupov"):
        make_delegate(event, cats["government"], given="Anar", family=family)
    db.session.commit()
    login_session(client, staff["accreditation"])
    response = client.get(f"/e/astana/manage/badges.pdf?category={cats['government'].id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/e/astana/manage/badges?category={cats['government'].id}")
    assert db.session.scalar(select(Job)) is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "press the print button to start" in page
    form = page.split('action="/e/astana/manage/badges.pdf"', 1)[1].split("</form>", 1)[0]
    assert 'method="post"' in page.split('action="/e/astana/manage/badges.pdf"', 1)[0].rsplit("<form", 1)[1]
    assert f'name="category" value="{cats["government"].id}"' in form and 'name="csrf_token"' in form


def test_a_small_selection_is_still_printed_at_once(client, summit, staff, small_threshold):
    event, cats = summit
    make_delegate(event, cats["government"], given="Anar", family="Abenova")
    db.session.commit()
    login_session(client, staff["accreditation"])
    assert "prepared in the background" not in client.get("/e/astana/manage/badges").get_data(as_text=True)
    response = client.post("/e/astana/manage/badges.pdf")
    assert (response.status_code, response.mimetype) == (200, "application/pdf")
    assert db.session.scalar(select(Job)) is None


def test_only_the_starter_and_the_secretariat_see_a_badge_job(client, summit, staff, small_threshold):
    from tests.factories import grant, make_user

    event, cats = summit
    for family in ("Abenova", "Bekov", "Zhakupov"):
        make_delegate(event, cats["government"], given="Anar", family=family)
    colleague = make_user()
    grant(colleague, event, "accreditation")
    db.session.commit()
    login_session(client, staff["accreditation"])
    client.post("/e/astana/manage/badges.pdf")
    job = db.session.scalar(select(Job))
    pages = (f"/e/astana/manage/jobs/{job.id}", f"/e/astana/manage/jobs/{job.id}/download")

    login_session(client, colleague)
    assert [client.get(url).status_code for url in pages] == [404, 404]
    login_session(client, staff["secretariat"])
    assert [client.get(url).status_code for url in pages] == [200, 200]
    login_session(client, staff["checkin"])
    assert [client.get(url).status_code for url in pages] == [404, 404]


def test_the_job_reports_progress_in_chunks_not_per_badge(app, summit, staff):
    from app.checkin.services import bulk_badges_pdf
    from app.jobs.services import Progress

    event, cats = summit
    for n in range(12):
        make_delegate(event, cats["government"], given="Anar", family=f"Family{n}", photo=False)
    job = Job(event_id=event.id, kind="checkin.badges_pdf", state=JobState.running)
    db.session.add(job)
    db.session.commit()
    commits = []
    progress = Progress(job, chunk=5)
    original = progress.commit
    progress.commit = lambda: (commits.append(job.progress_done), original())
    bulk_badges_pdf(event, {"category": None, "delegation": None, "country": "", "q": ""},
                    actor=staff["accreditation"], progress=progress)
    assert commits == [0, 5, 10]  # the total, then every five badges
