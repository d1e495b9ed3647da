"""Registration and the check-in desk under load: part of `make bench` (not of the test
suite). PostgreSQL only.

Seeds a summit that opens today (in its time zone) with 80,000 approved delegates, serves
it with gunicorn (2 workers, 127.0.0.1) in production mode and measures, with a bounded
Python loader (every request to 127.0.0.1, every loop stopped after a fixed count or time):

- registration submit by new visitors (the form with an account: a password hashed),
  8 at a time, each form fetched first so only the submissions are timed;
- registration submit by logged-in delegates into an automatically approved category of
  300 places, 8 at a time: the rate, and that no more than 300 hold a place;
- the check-in desk without JavaScript (a full page per scan, with the live counts),
  10 desks scanning signed badges at once.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python bench/live_bench.py

The database named is emptied first. Without a PostgreSQL BENCH_DATABASE_URL the script
says so and stops. Goals: 30 submissions/s, 0 overbooked, 150 scans/s.
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import agenda_bench  # noqa: E402 (its gunicorn helper)
import seeding  # noqa: E402

SLUG = "bench-live"
ROSTER = 80_000
CAPACITY = 300
GOALS = {"submit": 30.0, "scans": 150.0}


def seed(app, *, roster: int, badges: int, delegates: int) -> dict:
    """The summit, its roster, badge tokens to scan, a check-in officer and delegates with accounts."""
    from sqlalchemy import insert, select, update

    from app.accounts.models import User
    from app.checkin.models import Badge, new_public_id, new_short_code
    from app.checkin.services import signing_key, token_for
    from app.events.models import EventRole, EventRoleName
    from app.extensions import db
    from app.registration import keys
    from app.registration.models import ApprovalMode, Category, Registration, RegistrationState as S
    from app.utils.time import local_today

    today = local_today("Asia/Almaty")
    with app.app_context():
        event, _lead, categories = seeding.seed_event(
            SLUG, categories=4, capacity=None, start=today, end=today + timedelta(days=2),
            closes=datetime.now(UTC) + timedelta(days=30))
        db.session.execute(update(Category).where(Category.id == categories[0])
                           .values(capacity=CAPACITY, approval=ApprovalMode.auto))
        officer = User(email="checkin@bench.example", password_hash="x", given_name="Desk", family_name="Officer")
        db.session.add(officer)
        db.session.flush()
        db.session.add(EventRole(event_id=event.id, user_id=officer.id, role=EventRoleName.checkin))
        at = datetime.now(UTC) - timedelta(days=10)
        for chunk in range(0, roster, 10_000):
            rows = []
            for i in range(chunk, min(chunk + 10_000, roster)):
                given, family, email = f"Given{i}", f"Family{i}", f"roster{i}@bench.example"
                rows.append(dict(event_id=event.id, category_id=categories[1 + i % 3], state=S.approved,
                                 holds_place=True, given_name=given, family_name=family, email=email,
                                 organisation=f"Ministry {i % 500}", country=seeding.COUNTRIES[i % 30],
                                 nationality=seeding.COUNTRIES[i % 30], languages=["en"], answers={},
                                 created_at=at, submitted_at=at, decided_at=at,
                                 email_key=keys.email_key(email, S.approved),
                                 person_key=keys.person_key(given, family, None, S.approved),
                                 search_text=keys.SEARCH_SEPARATOR.join((f"{given} {family}", email)).lower()))
            db.session.execute(insert(Registration), rows)
        scanned = list(db.session.scalars(select(Registration.id).where(Registration.event_id == event.id)
                                          .order_by(Registration.id).limit(badges)))
        badge_rows = [dict(event_id=event.id, registration_id=rid, public_id=new_public_id(),
                           short_code=new_short_code(), version=1) for rid in scanned]
        db.session.execute(insert(Badge), badge_rows)
        key = signing_key(event)
        tokens = [token_for(SimpleNamespace(public_id=row["public_id"], version=1), event, key=key)
                  for row in badge_rows]
        db.session.execute(insert(User), [
            dict(email=f"delegate{i}@bench.example", password_hash="x", given_name=f"Member{i}",
                 family_name="Delegate", email_verified_at=at) for i in range(delegates)])
        db.session.commit()
        keys.refresh_event(db.session.connection(), event.id)
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE registrations, badges, users")
        members = list(db.session.scalars(select(User).where(User.email.like("delegate%@bench.example"))))
        return {"event_id": event.id, "categories": categories, "tokens": tokens,
                "officer": seeding.staff_cookie(app, db.session.get(User, officer.id)),
                "members": [seeding.staff_cookie(app, user) for user in members]}


def start_gunicorn(port: int, env: dict) -> subprocess.Popen:
    """The application under gunicorn (2 workers), as the agenda benchmark serves it."""
    return agenda_bench.start_gunicorn("wsgi:app", port, env, ROOT)


def request(port: int, method: str, path: str, *, cookie: str = "", form: dict | None = None):
    """(status, body, the session cookie the answer set, or the one sent)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    body = None
    if form is not None:
        body = urlencode(form, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    cookies = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or [] if c.startswith("kurultai_session=")]
    connection.close()
    return response.status, text, (cookies[-1] if cookies else cookie)


def form_token(port: int, path: str, cookie: str = "") -> tuple[str, str]:
    """The CSRF token of the form at `path` and the session cookie that goes with it."""
    status, body, cookie = request(port, "GET", path, cookie=cookie)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', body)
    if status != 200 or match is None:
        raise SystemExit(f"{path} answered {status} without a form")
    return match.group(1), cookie


SPENT: dict[str, dict[str, float]] = {}


def hammer(jobs: list, threads: int, seconds: float | None = None, *, server: subprocess.Popen | None = None,
           name: str = "") -> tuple[float, list]:
    """Run the jobs (callables) on `threads` threads; (wall time, their results). With a
    server, the processor time it, PostgreSQL and this loader spent goes into SPENT[name]."""
    database = os.environ.get("BENCH_DATABASE_URL", "")
    before = (seeding.processor_seconds(server.pid), seeding.database_seconds(database), time.process_time()) \
        if server else None
    results, lock, pending = [], threading.Lock(), list(reversed(jobs))
    deadline = time.monotonic() + seconds if seconds else None

    def run():
        while True:
            with lock:
                if not pending or (deadline and time.monotonic() > deadline):
                    return
                job = pending.pop()
            outcome = job()
            with lock:
                results.append(outcome)

    began = time.perf_counter()
    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - began
    if server:
        count = max(len(results), 1)
        SPENT[name] = {"app": 1000 * (seeding.processor_seconds(server.pid) - before[0]) / count,
                       "database": 1000 * seeding.database_spent(database, before[1]) / count,
                       "loader": 1000 * (time.process_time() - before[2]) / count}
    return wall, results


def succeeded(answers: list, status: int, text: str = "") -> int:
    """How many answers had `status` (and `text`); the first other one is shown."""
    good = [a for a in answers if a[0] == status and text in a[1]]
    other = next((a for a in answers if a not in good), None)
    if other is not None:
        problems = re.findall(r'class="invalid-feedback[^"]*"[^>]*>([^<]+)<', other[1])
        body = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", other[1]))
        print(f"  e.g. {other[0]}: {problems or body[:300]}", flush=True)
    return len(good)


def registration_form(category: int, n: int, **extra) -> dict:
    return {"category": str(category), "honorific": "Dr", "given_name": f"Visitor{n}", "family_name": "Bench",
            "organisation": "Ministry of Ecology", "position": "Adviser", "country": "KZ", "nationality": "KZ",
            "phone": "+7 701 000 00 00",
            "languages": ["en"], "privacy_consent": "y", **extra}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=400, help="per kind of submission (default 400)")
    parser.add_argument("--desks", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=20, help="of scanning (default 20)")
    args = parser.parse_args()
    database = seeding.postgres_database("live_bench")
    if database is None:
        return
    workdir = Path(tempfile.mkdtemp(prefix="kurultai-bench-"))
    env = dict(os.environ, **seeding.production_env(database, workdir, RATELIMIT_SENSITIVE="100000 per minute",
                                                     RATELIMIT_LOGIN="100000 per minute"))
    from app import create_app
    from config import config_from_env

    app = create_app(config_from_env())
    began = time.perf_counter()
    data = seed(app, roster=ROSTER, badges=max(6000, int(args.seconds * 300)), delegates=args.submissions)
    print(f"Seeded {ROSTER:,} approved delegates in {time.perf_counter() - began:.0f} s", flush=True)
    port = seeding_port()
    server = start_gunicorn(port, env)
    figures = {}
    try:
        register = f"/e/{SLUG}/register"
        # New visitors: an account and a registration in one form.
        forms = [form_token(port, register) for _ in range(args.submissions)]
        jobs = [lambda n=n, t=t, c=c: request(port, "POST", register, cookie=c, form=registration_form(
            data["categories"][1], n, csrf_token=t, email=f"visitor{n}-{secrets.token_hex(3)}@bench.example",
            password=f"steppe wind {n} blows", confirm=f"steppe wind {n} blows"))
            for n, (t, c) in enumerate(forms)]
        load = os.getloadavg()[0]
        seconds, answers = hammer(jobs, 8, server=server, name="visitors")
        # A new account's registration waits for its address: the answer asks to check the email.
        figures["visitors"] = (len(answers) / seconds, succeeded(answers, 200, "Check your email"), len(answers),
                               load)
        # Logged-in delegates into 300 places approved at once.
        forms = [form_token(port, register, cookie) for cookie in data["members"]]
        jobs = [lambda n=n, t=t, c=c: request(port, "POST", register, cookie=c, form=registration_form(
            data["categories"][0], n, csrf_token=t)) for n, (t, c) in enumerate(forms)]
        load = os.getloadavg()[0]
        seconds, answers = hammer(jobs, 8, server=server, name="members")
        figures["members"] = (len(answers) / seconds, succeeded(answers, 302), len(answers), load)
        # The desk without JavaScript.
        desks = [form_token(port, f"/e/{SLUG}/manage/checkin", data["officer"]) for _ in range(args.desks)]
        jobs = [lambda n=n, token=token: request(port, "POST", f"/e/{SLUG}/manage/checkin",
                                                 cookie=desks[n % len(desks)][1],
                                                 form={"csrf_token": desks[n % len(desks)][0], "code": token})
                for n, token in enumerate(data["tokens"])]
        load = os.getloadavg()[0]
        seconds, answers = hammer(jobs, args.desks, args.seconds, server=server, name="desk")
        figures["desk"] = (len(answers) / seconds, succeeded(answers, 200, "Checked in."), len(answers), load)
    finally:
        server.terminate()
        server.wait(timeout=30)
    with app.app_context():
        from sqlalchemy import func, select

        from app.extensions import db
        from app.registration.models import Registration, RegistrationState as S
        held = db.session.scalar(select(func.count(Registration.id)).where(
            Registration.category_id == data["categories"][0], Registration.holds_place.is_(True)))
        approved = db.session.scalar(select(func.count(Registration.id)).where(
            Registration.category_id == data["categories"][0], Registration.state == S.approved))
    print(f"\ngunicorn 2 workers, PostgreSQL, {os.cpu_count()} CPUs; load average (1 min) at the start of each run\n")
    print("| what | rate | done | load average | goal |")
    print("| --- | ---: | ---: | ---: | --- |")
    rate, done, total, load = figures["visitors"]
    print(f"| registration submit, new visitors (account + registration), 8 at once | {rate:.1f}/s | "
          f"{done}/{total} | {load:.1f} | {GOALS['submit']:.0f}/s: {'met' if rate >= GOALS['submit'] else 'not met'} |")
    rate, done, total, load = figures["members"]
    print(f"| registration submit, logged-in delegates, {CAPACITY} places, 8 at once | {rate:.1f}/s | "
          f"{done}/{total} | {load:.1f} | {GOALS['submit']:.0f}/s: {'met' if rate >= GOALS['submit'] else 'not met'}; "
          f"{held} hold a place, {approved} approved, {max(0, held - CAPACITY)} overbooked |")
    rate, done, total, load = figures["desk"]
    print(f"| check-in desk without JavaScript, {args.desks} desks | {rate:.1f} scans/s | {done} admitted of "
          f"{total} | {load:.1f} | {GOALS['scans']:.0f}/s: {'met' if rate >= GOALS['scans'] else 'not met'} |")
    print("\nProcessor time per request (ms): the app's workers, PostgreSQL's processes, this loader\n")
    print("| what | app | PostgreSQL | loader |")
    print("| --- | ---: | ---: | ---: |")
    for name, spent in SPENT.items():
        print(f"| {name} | {spent['app']:.1f} | {spent['database']:.1f} | {spent['loader']:.1f} |")


def seeding_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    main()
