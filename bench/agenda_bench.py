"""Agenda load benchmark: `make bench` (not part of the test suite).

Seeds a summit of 300 sessions in 8 rooms over 3 days with 600 users (two confirmed
speakers per session, with biographies) and an approved delegate who starred a few
sessions, serves it with gunicorn (2 workers, 127.0.0.1), loads the agenda page and
the three feeds, a session's page, a speaker's page and the speakers directory as a
visitor, and the agenda page and its personal overlay as the logged-in delegate, with a
bounded tool (wrk, 8 connections; a bounded Python loader where wrk is missing), and
compares with a bare Flask app returning a 200 KB string under the same gunicorn
settings, in the same run. Then measures each page rendered afresh after a change.

    .venv/bin/python bench/agenda_bench.py [--duration 20] [--fresh 30]
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench ...   (default: an SQLite file)

Every request goes to 127.0.0.1 only, and every loop stops after a fixed time.
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, time as clock, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import seeding  # noqa: E402 (the signed session cookie)

SLUG = "bench-summit"
PATHS = {
    "agenda page": f"/e/{SLUG}/agenda",
    "schedule.json": f"/e/{SLUG}/schedule.json",
    "schedule.xml": f"/e/{SLUG}/schedule.xml",
    "agenda.ics": f"/e/{SLUG}/agenda.ics",
    # filled in by seed(): the first session and one of its speakers
    "session page": None,
    "speaker page": None,
    "speakers directory": f"/e/{SLUG}/speakers",
    "delegate: agenda page": f"/e/{SLUG}/agenda",
    "delegate: overlay.json": f"/e/{SLUG}/overlay.json?page=/e/{SLUG}/agenda",
}
# Requests made as the logged-in delegate (with their session cookie).
AS_DELEGATE = ("delegate: agenda page", "delegate: overlay.json")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the summit --------------------------------------------------------------------

def seed(env: dict) -> dict:
    """300 sessions, 8 rooms, 3 days, 600 users (two confirmed speakers per session), an
    approved delegate with five stars; published once. Returns the paths of one session
    and one speaker."""
    os.environ.update(env)
    from app import create_app
    from app.accounts.models import User
    from app.agenda.models import AgendaSession, Room, SessionType, Track, Visibility
    from app.agenda.services import publish_agenda
    from app.events.models import Event
    from app.extensions import db
    from app.personal.models import AgendaStar
    from app.registration.models import Category, Registration, RegistrationState
    from app.speakers.models import AssignmentRole, AssignmentState, SpeakerAssignment, SpeakerProfile
    from app.utils.time import local_to_utc, utcnow
    from config import config_from_env

    app = create_app(config_from_env())
    with app.app_context():
        db.drop_all()
        db.create_all()
        event = Event(slug=SLUG, title="Benchmark Summit", timezone="Asia/Almaty", start_date=date(2027, 4, 21),
                      end_date=date(2027, 4, 23), published=True, city="Astana", country="KZ")
        db.session.add(event)
        rooms = [Room(event=event, name=f"Room {n + 1}", capacity=100 + 20 * n, position=n, opens_at=clock(8),
                      closes_at=clock(21)) for n in range(8)]
        tracks = [Track(event=event, name=name, colour=colour, position=n) for n, (name, colour) in enumerate([
            ("Water security", "#1565c0"), ("Climate adaptation", "#2e7d32"), ("AI for climate monitoring", "#6a1b9a"),
            ("Green finance", "#ef6c00"), ("E-governance", "#00838f")])]
        db.session.add_all(rooms + tracks)
        # Speakers may be plain users until the speakers domain exists.
        users = [User(email=f"speaker{n}@bench.example", password_hash="x", given_name=f"Speaker{n}",
                      family_name="Bench", organisation="Ministry of Ecology", position="Adviser")
                 for n in range(600)]
        db.session.add_all(users)
        kinds = list(SessionType)
        sessions = []
        for n in range(300):
            day = date(2027, 4, 21) + timedelta(days=n % 3)
            slot, room = divmod(n // 3, 8)
            start = local_to_utc(day, clock(8), "Asia/Almaty") + timedelta(minutes=55 * slot)
            sessions.append(AgendaSession(
                event=event, room=rooms[room], track=tracks[n % 5], title=f"Session {n + 1}: cooperation on "
                f"{['glaciers', 'rivers', 'finance', 'cities', 'data'][n % 5]} in Central Asia",
                type=kinds[n % len(kinds)], starts_at=start, ends_at=start + timedelta(minutes=45),
                abstract="A discussion with **ministers**, experts and [partners](https://example.org).\n\n" * 3,
                sdgs=[6, 13][: 1 + n % 2], languages=["en", "ru"], visibility=Visibility.published,
                category_ids=[]))
        db.session.add_all(sessions)
        db.session.flush()
        for n, session in enumerate(sessions):
            for k, user in enumerate((users[(2 * n) % 600], users[(2 * n + 1) % 600])):
                db.session.add(SpeakerAssignment(event_id=event.id, session_id=session.id, user_id=user.id,
                                                 role=AssignmentRole.panelist, position=k,
                                                 state=AssignmentState.accepted))
        db.session.add_all([SpeakerProfile(event_id=event.id, user_id=user.id, links=[],
                                           bio=f"{user.given_name} advises on **water** and climate." * 4)
                            for user in users])
        category = Category(event_id=event.id, name="Climate expert")
        delegate = User(email="delegate@bench.example", password_hash="x", given_name="Aliya",
                        family_name="Serikova", email_verified_at=utcnow())
        db.session.add_all([category, delegate])
        db.session.flush()
        db.session.add(Registration(event=event, user=delegate, category=category, state=RegistrationState.approved,
                                    holds_place=True, given_name="Aliya", family_name="Serikova", honorific="Dr",
                                    organisation="Nazarbayev University", position="Professor", country="KZ",
                                    nationality="KZ", email=delegate.email, photo_filename="",
                                    submitted_at=utcnow(), decided_at=utcnow()))
        db.session.add_all([AgendaStar(event_id=event.id, user_id=delegate.id, session_id=s.id)
                            for s in sessions[:5]])
        db.session.flush()
        publish_agenda(event, actor=None)
        db.session.commit()
        return {"session page": f"/e/{SLUG}/sessions/{sessions[0].id}",
                "speaker page": f"/e/{SLUG}/speakers/{users[0].id}"}


def delegate_cookie(app) -> str:
    """The Cookie header of the delegate's browser: the session the login view would write."""
    from sqlalchemy import select

    from app.accounts.models import User
    from app.extensions import db

    user = db.session.scalar(select(User).where(User.email == "delegate@bench.example"))
    return seeding.staff_cookie(app, user)


def refresh(env: dict) -> None:
    """A change to the public agenda: every cached body must render again."""
    from app.agenda.cache import invalidate_public_cache
    from app.events.models import Event
    from app.extensions import db
    from sqlalchemy import select

    event = db.session.scalar(select(Event).where(Event.slug == SLUG))
    invalidate_public_cache(event)
    db.session.commit()


# --- servers -----------------------------------------------------------------------

def start_gunicorn(target: str, port: int, env: dict, cwd: Path) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen([gunicorn, "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
                                target], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                time.sleep(1.0)  # let both workers boot
                return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode()[-2000:])
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def worker_rss_mb(master: subprocess.Popen) -> float:
    """Mean resident memory of the master's worker processes, in MB."""
    try:
        children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    except OSError:
        return float("nan")
    sizes = []
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        if match:
            sizes.append(int(match.group(1)) / 1024)
    return statistics.mean(sizes) if sizes else float("nan")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


# --- load --------------------------------------------------------------------------

def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def load_wrk(port: int, path: str, duration: int, headers: dict | None = None) -> dict:
    extra = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    out = subprocess.run(["wrk", "-t2", "-c8", f"-d{duration}s", "--timeout", "5s", "--latency", *extra,
                          f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                         timeout=duration + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "errors": int(errors.group(1)) if errors else 0}


def load_python(port: int, path: str, duration: int, headers: dict | None = None) -> dict:
    """Eight keep-alive connections in threads for `duration` seconds (wrk's stand-in)."""
    stop_at = time.monotonic() + duration
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def run():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        mine = []
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers or {})
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    errors[0] += 1
            except (OSError, http.client.HTTPException):
                errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return {"rps": len(latencies) / duration, "p50": latencies[len(latencies) // 2],
            "p99": latencies[int(len(latencies) * 0.99)], "errors": errors[0]}


def get_once(port: int, path: str, headers: dict | None = None) -> tuple[float, int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    conn.close()
    return elapsed, response.status, len(body)


def http_body(port: int, path: str, headers: dict) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers=headers)
    body = conn.getresponse().read()
    conn.close()
    return body


# --- main --------------------------------------------------------------------------

BARE_APP = '''
from flask import Flask
app = Flask(__name__)
BODY = "x" * (200 * 1024)

@app.get("/")
def index():
    return BODY
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds of load per URL (default 20)")
    parser.add_argument("--fresh", type=int, default=30, help="requests rendered afresh per URL (default 30)")
    args = parser.parse_args()
    loader = load_wrk if shutil.which("wrk") else load_python
    workdir = Path(tempfile.mkdtemp(prefix="kurultai-bench-"))
    database = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}"
    env = dict(os.environ, KURULTAI_ENV="production", SECRET_KEY=secrets.token_hex(32), DATABASE_URL=database,
               KURULTAI_INSTANCE_DIR=str(workdir / "instance"), SERVER_NAME="127.0.0.1",
               PREFERRED_URL_SCHEME="http", PYTHONPATH=str(ROOT),
               # Anonymous agenda reads have no rate limits to share between the workers.
               RATELIMIT_ALLOW_MEMORY="1")
    print(f"Seeding 300 sessions, 8 rooms, 3 days, 600 users on {database.split('://')[0]} ...", flush=True)
    PATHS.update(seed(env))
    (workdir / "bare_app.py").write_text(BARE_APP)
    from app import create_app
    from config import config_from_env

    os.environ.update(env)
    app = create_app(config_from_env())
    with app.app_context():
        cookie = {"Cookie": delegate_cookie(app)}

    def headers_for(name: str) -> dict:
        return cookie if name in AS_DELEGATE else {}

    results = []
    port = free_port()
    bare = start_gunicorn("bare_app:app", port, env, workdir)
    try:
        r = loader(port, "/", args.duration)
        r["rss"] = worker_rss_mb(bare)
        results.append(("bare Flask, 200 KB", r))
    finally:
        stop(bare)

    port = free_port()
    server = start_gunicorn("wsgi:app", port, env, ROOT)
    fresh = []
    try:
        for name, path in PATHS.items():
            _elapsed, status, size = get_once(port, path, headers_for(name))  # first rendering after start
            if status != 200:
                raise SystemExit(f"{path} answered {status}")
            if name == "delegate: overlay.json":
                body = http_body(port, path, headers_for(name))
                if b'"delegate":true' not in body.replace(b" ", b""):
                    raise SystemExit("the delegate's session was not accepted")
            r = loader(port, path, args.duration, headers_for(name))
            r["rss"] = worker_rss_mb(server)
            r["size"] = size
            results.append((name, r))
        with app.app_context():
            for name, path in PATHS.items():
                times = []
                for _ in range(args.fresh):
                    refresh(env)
                    # Workers re-read the publication token at most once per PUBLIC_CACHE_TTL:
                    # wait that long so this request really renders the page again.
                    time.sleep(float(env.get("PUBLIC_CACHE_TTL", "1")) + 0.05)
                    elapsed, status, _size = get_once(port, path, headers_for(name))
                    times.append(elapsed)
                times.sort()
                fresh.append((name, times[len(times) // 2], times[int(len(times) * 0.99)]))
    finally:
        stop(server)

    bare_rps = results[0][1]["rps"]
    tool = "wrk -t2 -c8" if loader is load_wrk else "Python loader, 8 connections"
    print(f"\nUnchanged since publication ({tool}, {args.duration} s each, gunicorn 2 workers, "
          f"{database.split('://')[0]}):\n")
    print("| URL | body | req/s | vs bare | p50 ms | p99 ms | worker RSS MB | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, r in results:
        size = f"{r.get('size', 200 * 1024) / 1024:.0f} KB"
        print(f"| {name} | {size} | {r['rps']:.0f} | {100 * r['rps'] / bare_rps:.0f}% | {r['p50']:.1f} | "
              f"{r['p99']:.1f} | {r['rss']:.0f} | {r['errors']} |")
    print(f"\nRendered afresh after a change ({args.fresh} requests each):\n")
    print("| URL | p50 ms | p99 ms |")
    print("| --- | ---: | ---: |")
    for name, p50, p99 in fresh:
        print(f"| {name} | {p50:.1f} | {p99:.1f} |")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
