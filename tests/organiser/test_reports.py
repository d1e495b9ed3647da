"""Reports: the printable participant list, sessions with sign-ups and check-ins, rooms
with their occupancy per slot."""
from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, time

import pytest

from app.agenda import services as agenda
from app.agenda.models import SessionType, Visibility
from app.checkin.models import CheckIn, CheckInMethod
from app.extensions import db
from app.personal.models import SessionSignup, SignupState
from app.registration import services as registration
from app.utils.time import local_to_utc
from tests.factories import audit_actions, grant, login_session, make_category, make_event, make_user
from tests.registration.conftest import details


@pytest.fixture
def event():
    return make_event(title="Саммит 2027")


def _staff(client, event, role):
    user = make_user()
    grant(user, event, role)
    db.session.commit()
    login_session(client, user)
    return user


def _text_of_pdf(data: bytes, tmp_path) -> list[str]:
    """The text of each page (poppler's pdftotext)."""
    target = tmp_path / "list.pdf"
    target.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True, check=True).stdout
    return text.decode().split("\f")


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_the_printable_participant_list_is_landscape_with_headings_on_every_page(client, event, tmp_path):
    category = make_category(event, "Делегаты")
    for i in range(45):
        user = make_user()
        reg = registration.create_registration(event, user, details(given_name="Әлия", family_name=f"Серікова{i:02d}",
                                                                    organisation="Қазақ университеті"),
                                               category=category, actor=user)
        registration.approve_registration(reg, actor=user)
    registration.create_registration(event, make_user(), details(family_name="Waiting"), category=category,
                                     actor=make_user())
    _staff(client, event, "accreditation")
    response = client.get(f"/e/{event.slug}/manage/registrations/export.pdf?state=approved&sort=name")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "private" in response.headers["Cache-Control"]
    data = response.get_data()
    width, height = map(float, re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data).groups())
    assert width > height  # landscape
    pages = [p for p in _text_of_pdf(data, tmp_path) if p.strip()]
    assert len(pages) >= 2
    for text in pages:
        assert "Family name" in text and "Organisation" in text   # the headings repeat
    everything = "".join(pages)
    assert "Серікова00" in everything and "Серікова44" in everything and "Қазақ университеті" in everything
    assert "Waiting" not in everything   # the list's filters hold
    assert "45 participants" in pages[0]
    assert "registration.export" in audit_actions()


def test_viewers_and_programme_may_not_print_the_participant_list(client, event):
    _staff(client, event, "programme")
    assert client.get(f"/e/{event.slug}/manage/registrations/export.pdf").status_code == 403


def _session(event, room, title, hour, **fields):
    actor = make_user()
    return agenda.create_session(event, {
        "title": title, "type": SessionType.workshop, "track": None, "room": room, "sdgs": [],
        "starts_at": local_to_utc(date(2027, 4, 21), time(hour), event.timezone),
        "ends_at": local_to_utc(date(2027, 4, 21), time(hour + 1), event.timezone), "abstract": "",
        "languages": ["en"], "capacity": fields.get("capacity"), "signup_required": True,
        "visibility": Visibility.published, "category_ids": []}, actor=actor)


def test_session_and_room_reports_count_sign_ups_waitlist_and_check_ins(client, event):
    actor = make_user()
    hall = agenda.create_room(event, {"name": "Hall A", "capacity": 10, "location": "", "equipment": "",
                                      "interpretation_languages": [], "opens_at": time(8), "closes_at": time(20),
                                      "position": 0}, actor=actor)
    first = _session(event, hall, "Glaciers", 9, capacity=4)
    second = _session(event, hall, "Rivers", 11)
    category = make_category(event)
    people = []
    for _ in range(5):
        user = make_user()
        reg = registration.create_registration(event, user, details(), category=category, actor=user)
        registration.approve_registration(reg, actor=user)
        people.append(reg)
    for i, reg in enumerate(people):
        db.session.add(SessionSignup(event_id=event.id, session_id=first.id, user_id=reg.user_id,
                                     state=SignupState.confirmed if i < 4 else SignupState.waitlisted))
    for reg in people[:3]:
        db.session.add(CheckIn(event_id=event.id, registration_id=reg.id, scope=f"s{first.id}", session_id=first.id,
                               day=date(2027, 4, 21), checked_in_at=datetime(2027, 4, 21, 4, tzinfo=UTC),
                               method=CheckInMethod.qr))
    db.session.add(SessionSignup(event_id=event.id, session_id=second.id, user_id=people[0].user_id))
    _staff(client, event, "programme")
    page = client.get(f"/e/{event.slug}/manage/reports").get_data(as_text=True)
    assert "Glaciers" in page and "Rooms: occupancy per slot" in page
    sessions = list(csv.reader(io.StringIO(
        client.get(f"/e/{event.slug}/manage/reports/sessions.csv").get_data().decode("utf-8-sig"))))
    assert sessions[0] == ["Session", "Day", "Starts", "Ends", "Room", "Track", "Capacity", "Signed up",
                           "Waitlisted", "Checked in"]
    assert sessions[1:] == [["Glaciers", "2027-04-21", "09:00", "10:00", "Hall A", "", "4", "4", "1", "3"],
                            ["Rivers", "2027-04-21", "11:00", "12:00", "Hall A", "", "10", "1", "0", "0"]]
    rooms = list(csv.reader(io.StringIO(
        client.get(f"/e/{event.slug}/manage/reports/rooms.csv").get_data().decode("utf-8-sig"))))
    assert [row[0] for row in rooms[1:]] == ["Hall A", "Hall A"]
    assert [row[-1] for row in rooms[1:]] == ["75", "10"]   # 3 of 4 checked in; 1 of 10 signed up
    assert client.get(f"/e/{event.slug}/manage/reports/rooms.xlsx").status_code == 200
    assert client.get(f"/e/{event.slug}/manage/reports/nothing.csv").status_code == 404


def test_check_in_staff_see_no_agenda_report(client, event):
    _staff(client, event, "checkin")
    page = client.get(f"/e/{event.slug}/manage/reports").get_data(as_text=True)
    assert "Rooms: occupancy per slot" not in page
    assert client.get(f"/e/{event.slug}/manage/reports/sessions.csv").status_code == 403


def _hall_with_sessions(event, count):
    hall = agenda.create_room(event, {"name": "Hall A", "capacity": 10, "location": "", "equipment": "",
                                      "interpretation_languages": [], "opens_at": time(8), "closes_at": time(20),
                                      "position": 0}, actor=make_user())
    for n in range(count):
        _session(event, hall, f"Session {n}", 8 + n)


def test_a_small_report_pdf_comes_at_once(client, event):
    _hall_with_sessions(event, 2)
    _staff(client, event, "programme")
    response = client.get(f"/e/{event.slug}/manage/reports/sessions.pdf")
    assert (response.status_code, response.mimetype) == (200, "application/pdf")
    assert "private" in response.headers["Cache-Control"]
    page = client.get(f"/e/{event.slug}/manage/reports").get_data(as_text=True)
    assert f"/e/{event.slug}/manage/reports/rooms.pdf" in page


def test_a_large_report_pdf_is_made_by_a_job(app, client, event, monkeypatch):
    from sqlalchemy import select

    from app.jobs.models import Job, JobState

    monkeypatch.setitem(app.config, "REPORT_PDF_JOB_ROWS", 2)
    _hall_with_sessions(event, 3)
    _staff(client, event, "programme")
    response = client.get(f"/e/{event.slug}/manage/reports/sessions.pdf")
    job = db.session.scalar(select(Job))
    assert response.headers["Location"].endswith(f"/manage/jobs/{job.id}")
    assert (job.state, job.progress_done, job.progress_total) == (JobState.done, 3, 3)
    download = client.get(f"/e/{event.slug}/manage/jobs/{job.id}/download")
    assert download.mimetype == "application/pdf" and f"{event.slug}-sessions.pdf" in download.headers[
        "Content-Disposition"]
    assert "job.start" in audit_actions()
