"""The offline check-in desk in a real Chromium: set up online, the roster syncs, the
network goes, the page is reloaded and still works; 200 scans get the right answers
offline; two desks admit the same badge; back online the server holds one check-in
per person and one conflict; a replayed batch changes nothing; a page closed in the
middle of an upload loses and doubles nothing. Accessibility and phone width online
and offline."""
from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tests.browser.support import PHONE, describe_violations, horizontal_overflow, run_axe

pytestmark = pytest.mark.browser

DESK = "/e/astana-2027/manage/checkin"
ZONE = ZoneInfo("Asia/Almaty")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "img"


def _moment(day, hour=9):
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=ZONE)


@pytest.fixture(scope="module")
def badges(live_server):
    """Badges for the scans: 130 valid, 15 replaced, 15 cancelled, their tokens and ids."""
    from app.checkin import services
    from app.extensions import db
    from app.policy import get_event_or_404
    from app.registration.models import Category, Registration, RegistrationState as RS
    from app.registration.services import invalidate_badge
    from tests.factories import make_user

    with live_server.app.app_context():
        event = get_event_or_404("astana-2027")
        category = db.session.scalar(select(Category).where(Category.event_id == event.id).order_by(Category.id))

        def person(i, state=RS.approved):
            user = make_user(f"offline.{i}@example.org", given_name=f"Offline{i}", family_name="Delegate")
            registration = Registration(event=event, user=user, category=category, state=RS.approved,
                                        holds_place=True, given_name=f"Offline{i}", family_name="Delegate",
                                        organisation="Desk test", email=user.email)
            db.session.add(registration)
            db.session.flush()
            token = services.token_for(services.ensure_badge(registration), event)
            return registration, token

        valid = [person(i) for i in range(130)]
        replaced = [person(200 + i) for i in range(15)]
        for registration, _token in replaced:
            invalidate_badge(registration)
            services.ensure_badge(registration)
        cancelled = [person(300 + i) for i in range(15)]
        for registration, _token in cancelled:
            registration.state = RS.cancelled
        db.session.commit()
        return {"valid": [(r.id, t) for r, t in valid], "replaced": [t for _r, t in replaced],
                "cancelled": [t for _r, t in cancelled], "start": event.start_date, "end": event.end_date}


def _forged(token):
    head, signature = token.rsplit(".", 1)
    return head + "." + ("A" if signature[0] != "A" else "B") + signature[1:]


def _scan(page, text):
    """Type the code as a scanner does (and Enter); the answer's kind."""
    count = int(page.locator("#desk-result").get_attribute("data-count") or 0)
    page.locator("#code").fill(text)
    page.locator("#code").press("Enter")
    page.wait_for_function(f"() => Number(document.getElementById('desk-result').dataset.count || 0) > {count}")
    return page.locator("#desk-result .desk-result").get_attribute("data-kind")


def _open_desk(context, live_server, name, when, offline_ready=True):
    context.clock.set_fixed_time(when)
    page = context.new_page()
    page.goto(live_server.url + DESK)
    page.locator("#desk-name-field").fill(name)
    page.get_by_role("button", name="Use this device as a desk").click()
    page.wait_for_function("() => document.getElementById('desk-offline').dataset.state === 'online'"
                           " && !document.getElementById('desk-status').hidden"
                           " && !document.getElementById('desk-roster-count').textContent.startsWith('0')")
    if not offline_ready:
        return page
    # The worker keeps the page and its files: wait until it controls the page and has them.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30000)
    page.wait_for_function(f"async () => !!(await caches.match({json.dumps(DESK)}, {{ignoreSearch: true}}))",
                           timeout=30000)
    return page


def _wait_uploaded(page):
    page.wait_for_function("() => document.getElementById('desk-queue').textContent === '0'"
                           " && document.getElementById('desk-offline').dataset.state === 'online'", timeout=30000)


def _server(live_server, fn):
    from app.extensions import db

    with live_server.app.app_context():
        try:
            return fn(db)
        finally:
            db.session.remove()


def _scans_of(db, registration_id):
    """What the server holds of one person's scans and check-ins (shown when a count is off)."""
    from app.checkin.models import CheckIn, DeskScan

    scans = db.session.execute(select(DeskScan.desk_id, DeskScan.status, DeskScan.outcome, DeskScan.conflict,
                                      DeskScan.device_time, DeskScan.scanned_at, DeskScan.received_at,
                                      DeskScan.skew_seconds).where(DeskScan.registration_id == registration_id)).all()
    checkins = db.session.execute(select(CheckIn.id, CheckIn.day, CheckIn.checked_in_at)
                                  .where(CheckIn.registration_id == registration_id)).all()
    return {"scans": [tuple(r) for r in scans], "checkins": [tuple(r) for r in checkins]}


def _check_page(page, axe_source):
    for viewport in ({"width": 1280, "height": 800}, PHONE):
        page.set_viewport_size(viewport)
        violations = run_axe(page, axe_source)
        assert violations == [], describe_violations(violations)
        assert horizontal_overflow(page) is None, horizontal_overflow(page)
    page.set_viewport_size({"width": 1280, "height": 800})


def _shot(page, name):
    if os.environ.get("KURULTAI_SCREENSHOTS") == "docs":
        DOCS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS / f"checkin-offline-{name}.png"), full_page=False)


def test_offline_desk_end_to_end(browser, live_server, auth_states, badges, axe_source):
    from app.checkin.models import CheckIn, DeskScan

    day1 = _moment(badges["start"])
    context_a = browser.new_context(storage_state=auth_states("checkin"), viewport={"width": 1280, "height": 800})
    context_b = browser.new_context(storage_state=auth_states("checkin"), viewport={"width": 1280, "height": 800})
    context_a.set_default_timeout(15000)
    context_b.set_default_timeout(15000)
    uploads = []
    context_a.on("request", lambda r: uploads.append((r.url, r.post_data, dict(r.headers)))
                 if "/checkin-sync/scans" in r.url else None)
    try:
        page = _open_desk(context_a, live_server, "Entrance A", day1)
        _check_page(page, axe_source)
        _shot(page, "online")
        desk_b = _open_desk(context_b, live_server, "Entrance B", day1)

        # The network goes; the page is reloaded and still works, from the device alone.
        context_a.set_offline(True)
        page.reload()
        page.wait_for_function("() => document.getElementById('desk-offline').dataset.ready === '1'")
        assert page.locator("#desk-net").inner_text() == "Offline"
        _check_page(page, axe_source)

        valid = badges["valid"]
        answers = []
        # 10 scans the day before the desk opens: the desk asks first; one is admitted anyway.
        context_a.clock.set_fixed_time(_moment(badges["start"] - timedelta(days=2)))
        for _id, token in valid[100:110]:
            answers.append(("wrongDay", _scan(page, token)))
        page.get_by_role("button", name="Check in anyway").click()
        page.wait_for_selector("#desk-result .desk-result[data-kind=admitted]")
        context_a.clock.set_fixed_time(day1)
        for _id, token in valid[:100]:
            answers.append(("admitted", _scan(page, token)))
        for _id, token in valid[:38]:
            answers.append(("already", _scan(page, token)))
        for _id, token in valid[110:130]:
            answers.append(("forged", _scan(page, _forged(token))))
        for token in badges["replaced"]:
            answers.append(("replaced", _scan(page, token)))
        for token in badges["cancelled"]:
            answers.append(("cancelled", _scan(page, token)))
        answers.append(("forged", _scan(page, "K.000000.not-a-badge.1.9999." + "A" * 86)))
        answers.append(("needsNetwork", _scan(page, "Serikova")))
        assert len(answers) == 200
        wrong = [(want, got) for want, got in answers if want != got]
        assert wrong == []
        assert page.locator("#desk-message").inner_text().startswith("Typed codes and names need the network")
        _scan(page, valid[0][1])
        assert page.locator("#desk-message").inner_text().startswith("Already checked in today at ")
        _shot(page, "offline")
        # Every badge scan and the confirmed admission wait on the device (a name search is not a scan).
        page.wait_for_function("() => document.getElementById('desk-queue').textContent === '201'")

        # A second desk, offline too, admits a person the first one let in.
        context_b.set_offline(True)
        assert _scan(desk_b, valid[5][1]) == "admitted"
        desk_b.wait_for_function("() => document.getElementById('desk-queue').textContent === '1'")

        # Back online: both queues empty; one check-in per person, one conflict.
        context_a.set_offline(False)
        context_b.set_offline(False)
        _wait_uploaded(page)
        _wait_uploaded(desk_b)
        offline_ids = [registration_id for registration_id, _t in valid]

        def tally(db):
            per_person = dict(db.session.execute(
                select(CheckIn.registration_id, func.count(CheckIn.id))
                .where(CheckIn.registration_id.in_(offline_ids)).group_by(CheckIn.registration_id)).tuples().all())
            conflicts = db.session.scalar(select(func.count(DeskScan.id)).where(DeskScan.conflict.is_(True)))
            scans = db.session.scalar(select(func.count(DeskScan.id)))
            return per_person, conflicts, scans

        per_person, conflicts, scans = _server(live_server, tally)
        assert set(per_person.values()) == {1}
        assert set(per_person) == {rid for rid, _t in valid[:100]} | {valid[109][0]}
        assert (conflicts, scans) == (1, 202), _server(live_server, lambda db: _scans_of(db, valid[5][0]))

        # Replaying a batch the desk sent changes nothing.
        url, body, headers = next(u for u in uploads if u[1])
        replay = context_a.request.post(url, data=body, headers={"Authorization": headers["authorization"],
                                                                  "Content-Type": "application/json"})
        assert replay.status == 200
        assert all(r.get("duplicate") for r in replay.json()["results"])
        assert _server(live_server, tally) == (per_person, conflicts, scans)

        # The page is closed in the middle of an upload: the server got the batch, the page
        # never heard back. Reopened, the desk sends it again; nothing is lost or doubled.
        context_a.set_offline(True)
        for _id, token in valid[110:115]:
            assert _scan(page, token) == "admitted"
        held = []

        def hold(route):
            route.fetch()          # reaches the server, which records the scans
            held.append(route)     # the answer never reaches the page

        page.route("**/checkin-sync/scans*", hold)
        context_a.set_offline(False)
        while not held:
            page.wait_for_timeout(100)
        page.close()
        reopened = context_a.new_page()
        reopened.goto(live_server.url + DESK)
        _wait_uploaded(reopened)
        _check_page(reopened, axe_source)
        per_person, conflicts, scans = _server(live_server, tally)
        assert set(per_person.values()) == {1}
        assert {valid[i][0] for i in range(110, 115)} <= set(per_person)
        assert (conflicts, scans) == (1, 207)
    finally:
        context_a.close()
        context_b.close()


def test_supervisor_sees_the_desks_and_revokes_one(browser, live_server, auth_states, axe_source, badges):
    """A desk that stopped calling shows as out of contact with what it held; the page
    keeps itself current, and Revoke stops the desk."""
    from app.checkin import services
    from app.accounts.models import User
    from app.checkin.models import Desk
    from app.policy import get_event_or_404
    from app.utils.time import utcnow
    from tests.browser.support import email_of

    def set_up(db):
        event = get_event_or_404("astana-2027")
        officer = db.session.scalar(select(User).where(User.email == email_of("checkin")))
        desk, _secret = services.issue_desk(event, "Hall C, phone", actor=officer)
        desk.last_contact_at = utcnow() - timedelta(minutes=10)
        desk.queue_length = 4
        db.session.commit()
        return desk.id

    desk_id = _server(live_server, set_up)
    context = browser.new_context(storage_state=auth_states("secretariat"), viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15000)
    try:
        context.clock.install()
        page = context.new_page()
        page.goto(live_server.url + DESK + "/desks")
        row = page.locator(f'#desk-table tr[data-desk="{desk_id}"]')
        assert row.get_attribute("data-state") == "offline"
        assert row.locator(".desk-state").inner_text() == "Out of contact for 10 minutes"
        assert "not yet uploaded: 4." in page.locator("#desk-summary").inner_text()
        _check_page(page, axe_source)
        _shot(page, "supervisor")

        # The desk calls again: within 15 seconds the open page says so, with no reload.
        def back(db):
            db.session.get(Desk, desk_id).last_contact_at = utcnow()
            db.session.commit()

        _server(live_server, back)
        page.locator("h1").click()   # nothing focused inside the table: the page may refresh it
        page.clock.run_for(16000)
        page.wait_for_function(f"() => document.querySelector('#desk-table tr[data-desk=\"{desk_id}\"]')"
                               ".dataset.state === 'online'")

        page.locator(f'#desk-table tr[data-desk="{desk_id}"]').get_by_role("button", name="Revoke").click()
        page.wait_for_selector(".alert-success")
        assert "no longer works" in page.locator(".alert-success").inner_text()
        assert page.locator(f'#desk-table tr[data-desk="{desk_id}"]').get_attribute("data-state") == "revoked"
        _check_page(page, axe_source)
    finally:
        context.close()


@pytest.mark.parametrize("where", ["desk", "profile", "desk, browser without indexedDB.databases()"])
def test_logging_out_wipes_the_roster_from_the_device(browser, live_server, badges, where):
    """Logging out, at the desk or from any other page, wipes the roster and the kept desk
    page from the device; the scans not yet uploaded and the desk's token stay. A browser
    that cannot list its databases wipes the desk of the event whose page it shows."""
    from tests.browser.support import log_in

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15000)
    try:
        login_page = context.new_page()
        log_in(login_page, live_server.url, "checkin")
        page = _open_desk(context, live_server, f"Laptop to log out at {where}", _moment(badges["start"]),
                          offline_ready=False)
        page.wait_for_function("() => caches.has('kurultai-desk-pages')", timeout=30000)   # the kept desk page
        context.route("**/checkin-sync/scans*", lambda route: route.abort())   # the scan stays queued
        assert _scan(page, badges["valid"][125][1]) == "admitted"
        held = """async () => { const db = await new Promise(ok => { const r = indexedDB.open("kurultai-desk-astana-2027");
                                                                    r.onsuccess = () => ok(r.result); });
                                const count = (name) => new Promise(ok => { const r = db.transaction(name).objectStore(name).count();
                                                                            r.onsuccess = () => ok(r.result); });
                                const desk = await new Promise(ok => { const r = db.transaction("meta").objectStore("meta").get("desk");
                                                                       r.onsuccess = () => ok(r.result); });
                                const held = { roster: await count("roster"), seen: await count("seen"),
                                               queue: await count("queue"), desk: !!desk,
                                               pages: await caches.has("kurultai-desk-pages") };
                                db.close();
                                return held; }"""
        before = page.evaluate(held)
        assert before["roster"] > 100 and before["seen"] == 1 and before["queue"] == 1 and before["pages"]
        if where == "profile":
            page.goto(live_server.url + "/profile")
        elif where != "desk":
            page.evaluate("() => { delete IDBFactory.prototype.databases; }")
        with page.expect_navigation():
            page.locator("form.logout-form [type=submit]").click()
        assert page.evaluate(held) == {"roster": 0, "seen": 0, "queue": 1, "desk": True, "pages": False}
    finally:
        context.close()


def test_desk_photos_are_kept_on_the_device_and_shown_offline(browser, live_server, auth_states, badges, axe_source):
    """Where the event allows it, the desk downloads a small photo of each delegate and
    shows it beside the answer with the network off."""
    from app.checkin import services
    from app.policy import get_event_or_404
    from app.registration.models import Registration
    from app.registration.photos import save_photo
    from tests.checkin.conftest import photo_bytes

    registration_id, token = badges["valid"][120]

    def allow(allowed):
        def change(db):
            services.settings_for(get_event_or_404("astana-2027")).desk_photos = allowed
            if allowed:
                db.session.get(Registration, registration_id).photo_filename = save_photo(photo_bytes())
            db.session.commit()
        return change

    _server(live_server, allow(True))
    context = browser.new_context(storage_state=auth_states("checkin"), viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15000)
    try:
        page = _open_desk(context, live_server, "Entrance P", _moment(badges["start"]), offline_ready=True)
        stores = """async () => { const db = await new Promise(ok => { const r = indexedDB.open("kurultai-desk-astana-2027");
                                                                      r.onsuccess = () => ok(r.result); });
                                  const count = (name) => new Promise(ok => { const r = db.transaction(name).objectStore(name).count();
                                                                              r.onsuccess = () => ok(r.result); });
                                  return [await count("photos"), await count("wanted")]; }"""
        page.wait_for_function(f"async () => {{ const [kept, wanted] = await ({stores})(); return kept >= 1 && wanted === 0; }}",
                               timeout=30000)
        # Opened once more online (the page now comes through the worker), then without network.
        page.reload()
        page.wait_for_function("() => document.getElementById('desk-offline').dataset.ready === '1'")
        context.set_offline(True)
        page.reload()
        page.wait_for_function("() => document.getElementById('desk-offline').dataset.ready === '1'")
        assert _scan(page, token) == "admitted"
        photo = page.locator("#desk-photo")
        assert photo.get_attribute("alt") == "Photo of Offline120 Delegate"
        assert page.evaluate("() => document.getElementById('desk-photo').naturalWidth") == 90
        _check_page(page, axe_source)
        context.set_offline(False)
        _wait_uploaded(page)
    finally:
        context.close()
        _server(live_server, allow(False))


def test_logging_out_of_a_device_that_never_was_a_desk_leaves_no_desk_database(browser, live_server):
    from tests.browser.support import log_in

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15000)
    try:
        page = context.new_page()
        log_in(page, live_server.url, "secretariat")
        page.goto(live_server.url + "/e/astana-2027/")
        page.evaluate("() => { delete IDBFactory.prototype.databases; }")   # the event's desk database is tried
        with page.expect_navigation():
            page.locator("form.logout-form [type=submit]").click()
        names = page.evaluate("async () => (await indexedDB.databases()).map(d => d.name)")
        assert [n for n in names if n.startswith("kurultai-desk-")] == []
    finally:
        context.close()
