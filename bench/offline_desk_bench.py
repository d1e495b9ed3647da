"""Offline check-in desk benchmark (not part of the test suite).

Seeds a COP-sized summit (85,000 delegates with badges, 12 categories, 190
delegations), serves it on 127.0.0.1 (werkzeug, threaded) and measures, in a
headless Chromium driving the real desk page:

- the roster: its size as sent (JSON, and gzipped as a proxy would send it) and
  the time the server takes to build it;
- the first full sync: from "Use this device as a desk" to 85,000 badges stored on
  the device (download, parse, IndexedDB write);
- the offline decision (signature check, roster lookup, queue write) per scan,
  p50/p95 over 300 scans with the CPU throttled 4x through the DevTools protocol
  (Emulation.setCPUThrottlingRate), as on a phone;
- the upload of 10,000 queued scans, from the network coming back to an empty queue.

    .venv/bin/python bench/offline_desk_bench.py [--delegates 85000] [--queued 10000]
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench ...   (default: an SQLite file)

Every request goes to 127.0.0.1 only.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SLUG = "cop-bench"
ZONE = "Asia/Almaty"
START = date(2027, 11, 8)
PASSWORD = "bench-desk-password"
EMAIL = "desk.officer@example.org"


def make_app(database_url: str, instance: Path):
    from app import create_app
    from config import TestingConfig

    class BenchConfig(TestingConfig):
        TESTING = False
        WTF_CSRF_ENABLED = True
        RATELIMIT_ENABLED = False
        SQLALCHEMY_DATABASE_URI = database_url
        INSTANCE_DIR = instance
        UPLOAD_DIR = instance / "uploads"
        SESSION_COOKIE_SECURE = False
        REMEMBER_COOKIE_SECURE = False

    return create_app(BenchConfig)


def seed(app, delegates: int) -> list[str]:
    """The summit, its desk officer, and `delegates` approved registrations with badges;
    returns some badge tokens for the scans."""
    from sqlalchemy import insert, select

    from app.accounts.services import create_user
    from app.checkin import services
    from app.checkin.models import Badge, new_public_id, new_short_code
    from app.events.models import Event, EventRole, EventRoleName
    from app.extensions import db
    from app.registration.models import Category, Delegation, Registration, RegistrationState as RS

    with app.app_context():
        db.drop_all()
        db.create_all()
        event = Event(slug=SLUG, title="Climate Conference (benchmark)", timezone=ZONE, start_date=START,
                      end_date=START + timedelta(days=11), city="Baku", venue="Stadium", country="AZ",
                      languages=["en", "ru", "kk"], published=True, contact_email="bench@example.org")
        db.session.add(event)
        db.session.flush()
        officer = create_user(email=EMAIL, password=PASSWORD, given_name="Desk", family_name="Officer")
        db.session.add(EventRole(event_id=event.id, user_id=officer.id, role=EventRoleName.checkin))
        categories = [Category(event_id=event.id, name=f"Category {i}", position=i) for i in range(12)]
        delegations = [Delegation(event_id=event.id, name=f"Party {i:03d} delegation") for i in range(190)]
        db.session.add_all(categories + delegations)
        db.session.flush()
        rows = [{"event_id": event.id, "category_id": categories[i % 12].id,
                 "delegation_id": delegations[i % 190].id, "state": RS.approved if i % 50 else RS.cancelled,
                 "holds_place": True, "honorific": "Dr" if i % 3 == 0 else "", "given_name": f"Given{i}",
                 "family_name": f"Family-name {i}", "organisation": f"Ministry of Environment {i % 400}",
                 "country": "AZ", "email": f"d{i}@example.org"} for i in range(delegates)]
        for start in range(0, delegates, 5000):
            db.session.execute(insert(Registration), rows[start:start + 5000])
        ids = list(db.session.scalars(select(Registration.id).where(Registration.event_id == event.id)
                                      .order_by(Registration.id)))
        codes = set()
        badges = []
        for registration_id in ids:
            code = new_short_code()
            while code in codes:
                code = new_short_code()
            codes.add(code)
            badges.append({"event_id": event.id, "registration_id": registration_id, "public_id": new_public_id(),
                           "short_code": code, "version": 1})
        for start in range(0, delegates, 5000):
            db.session.execute(insert(Badge), badges[start:start + 5000])
        db.session.flush()
        tokens = [services.token_for(b, event) for b in db.session.scalars(
            select(Badge).where(Badge.event_id == event.id).order_by(Badge.id).limit(12000))]
        db.session.commit()
        return tokens


def serve(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.port}"


def roster_figures(app, url) -> dict:
    from sqlalchemy import select

    from app.accounts.models import User
    from app.checkin import services
    from app.events.models import Event
    from app.extensions import db

    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == SLUG))
        _desk, token = services.issue_desk(event, "Bench probe", actor=User.by_email(EMAIL))
        db.session.commit()
    times, body = [], b""
    for _ in range(3):
        request = urllib.request.Request(f"{url}/e/{SLUG}/checkin-sync/roster",
                                         headers={"Authorization": f"Bearer {token}"})
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as response:
            body = response.read()
        times.append(time.perf_counter() - started)
    rows = len(json.loads(body)["rows"])
    return {"rows": rows, "bytes": len(body), "gzip_bytes": len(gzip.compress(body, 6)),
            "server_seconds": statistics.median(times)}


def browser_figures(url, tokens, queued: int) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.browser.support import CHROMIUM_ARGS, chromium_executable

    day1 = datetime(START.year, START.month, START.day, 9, tzinfo=ZoneInfo(ZONE))
    figures = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.set_default_timeout(300_000)
        context.clock.set_fixed_time(day1)
        page = context.new_page()
        page.goto(f"{url}/account/login")
        page.locator("main input[name=email]").fill(EMAIL)
        page.locator("main input[name=password]").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("main form [type=submit]").click()
        page.goto(f"{url}/e/{SLUG}/manage/checkin")
        page.locator("#desk-name-field").fill("Bench desk")
        started = time.perf_counter()
        page.locator("#desk-setup [type=submit]").click()
        page.evaluate(f"window.__expected = {EXPECTED['rows']}")
        page.wait_for_function("() => Number(document.getElementById('desk-roster-count').textContent"
                               ".replace(/\\D/g, '')) >= window.__expected", polling=100)
        figures["first_sync_seconds"] = time.perf_counter() - started

        # Offline decisions with the CPU throttled 4x.
        context.set_offline(True)
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        timings = []
        for i, token in enumerate(tokens[:300]):
            page.locator("#code").fill(token)
            page.locator("#code").press("Enter")
            page.wait_for_function(f"() => Number(document.getElementById('desk-result').dataset.count) === {i + 1}")
            timings.append(float(page.locator("#desk-result").get_attribute("data-ms")))
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        timings.sort()
        figures["decision_p50_ms"] = timings[len(timings) // 2]
        figures["decision_p95_ms"] = timings[int(len(timings) * 0.95) - 1]

        # 10,000 queued scans, written straight to the desk's queue, then the network comes back.
        page.evaluate("""async ([slug, tokens, at]) => {
            const db = await new Promise((ok, ko) => { const r = indexedDB.open("kurultai-desk-" + slug);
                                                       r.onsuccess = () => ok(r.result); r.onerror = ko; });
            await new Promise((ok, ko) => {
                const tx = db.transaction("queue", "readwrite");
                tokens.forEach((token, i) => tx.objectStore("queue").put({
                    nonce: "bench-" + i + "-" + crypto.randomUUID(), token, status: "admitted", scanned_at: at }));
                tx.oncomplete = ok; tx.onerror = ko;
            });
        }""", [SLUG, tokens[300:300 + queued], day1.isoformat()])
        posts = []
        page.on("request", lambda r: posts.append(time.perf_counter()) if "/checkin-sync/scans" in r.url else None)
        context.set_offline(False)
        page.wait_for_function("() => document.getElementById('desk-queue').textContent === '0'", polling=100)
        # From the first upload request (the desk notices the network within its 5 s sync interval).
        figures["upload_seconds"] = time.perf_counter() - posts[0]
        figures["upload_requests"] = len(posts)
        figures["queued"] = queued
        browser.close()
    return figures


EXPECTED = {}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--delegates", type=int, default=85_000)
    parser.add_argument("--queued", type=int, default=10_000)
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="kurultai-desk-bench-"))
    database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{instance / 'bench.db'}"
    app = make_app(database_url, instance)
    started = time.perf_counter()
    tokens = seed(app, args.delegates)
    print(f"seeded {args.delegates} delegates in {time.perf_counter() - started:.0f} s", flush=True)
    server, url = serve(app)
    try:
        roster = roster_figures(app, url)
        EXPECTED["rows"] = roster["rows"]
        print(f"roster: {roster['rows']} badges, {roster['bytes'] / 1e6:.1f} MB JSON, "
              f"{roster['gzip_bytes'] / 1e6:.1f} MB gzipped, built and sent in {roster['server_seconds']:.2f} s",
              flush=True)
        figures = browser_figures(url, tokens, args.queued)
        print(f"first full sync in the browser: {figures['first_sync_seconds']:.1f} s")
        print(f"offline decision, CPU throttled 4x: p50 {figures['decision_p50_ms']:.1f} ms, "
              f"p95 {figures['decision_p95_ms']:.1f} ms")
        print(f"upload of {figures['queued']} queued scans: {figures['upload_seconds']:.1f} s "
              f"in {figures['upload_requests']} requests")
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
