"""Registrations export benchmark: part of `make bench` (not of the test suite).

Seeds a summit of 80,000 registrations (bulk inserts: 8 categories, 200 delegations,
passport details for a third, travel details, answers to three custom questions),
then downloads the accreditation officer's export of all of them, as CSV and as
XLSX, each in a fresh process (Flask's test client: the server's own time, without a
network in between; the body is read as it comes and thrown away). For each it
prints the time (and the process's CPU time: on a busy machine the time is mostly
waiting), the growth of the process's peak resident memory during the download
(getrusage) and the size of the file. Goals: CSV under 10 s, XLSX under
30 s (gunicorn's timeout), memory growth under 50 MB for both.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python bench/export_bench.py
    .venv/bin/python bench/export_bench.py --size 20000 --tracemalloc

Measured on PostgreSQL only (the server-side cursor is what is measured): without
BENCH_DATABASE_URL it says so and stops. The database named is emptied first.
`--tracemalloc` also reports the peak of Python's own allocations (slower).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SLUG = "bench-export"
OFFICER = "accreditation@bench.example"
GOALS = {"csv": 10.0, "xlsx": 30.0}   # seconds
MEMORY_GOAL_MB = 50
COUNTRIES = ["KZ", "UZ", "KG", "TJ", "TM", "MN", "PK", "IN", "CN", "RU", "TR", "AZ", "GE", "AM", "IR", "AF", "DE", "FR",
             "NO", "SE", "US", "CA", "BR", "SN", "KE", "ZA", "EG", "JP", "KR", "ID"]


def make_app(workdir: Path):
    os.environ.update(KURULTAI_ENV="production", SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_hex(32),
                      DATABASE_URL=os.environ["BENCH_DATABASE_URL"],
                      KURULTAI_INSTANCE_DIR=str(workdir / "instance"), SERVER_NAME="127.0.0.1",
                      PREFERRED_URL_SCHEME="http", RATELIMIT_ALLOW_MEMORY="1", SESSION_COOKIE_SECURE="0")
    from app import create_app
    from config import config_from_env

    return create_app(config_from_env())


def build(app, total: int) -> None:
    """An emptied database with the summit, its officer and `total` registrations."""
    from sqlalchemy import insert, select

    from app.accounts.models import User
    from app.events.models import Event, EventRole, EventRoleName
    from app.extensions import db
    from app.registration.models import (Category, Delegation, Question, QuestionKind, Registration,
                                         RegistrationState as S)

    with app.app_context():
        db.drop_all()
        db.create_all()
        event = Event(slug=SLUG, title="Benchmark Summit", timezone="Asia/Almaty", start_date=date(2027, 4, 21),
                      end_date=date(2027, 4, 23), published=True, city="Astana", country="KZ")
        officer = User(email=OFFICER, password_hash="x", given_name="Officer", family_name="Bench")
        db.session.add_all([event, officer])
        db.session.flush()
        db.session.add(EventRole(event_id=event.id, user_id=officer.id, role=EventRoleName.accreditation))
        db.session.add_all([Category(event_id=event.id, name=f"Category {n}", position=n, capacity=20000)
                            for n in range(8)])
        db.session.execute(insert(Delegation), [dict(event_id=event.id, name=f"Delegation {n}",
                                                     country=COUNTRIES[n % len(COUNTRIES)]) for n in range(200)])
        questions = [Question(event_id=event.id, label="Dietary preference", kind=QuestionKind.text, position=0),
                     Question(event_id=event.id, label="Field trip", kind=QuestionKind.yesno, position=1),
                     Question(event_id=event.id, label="Workshops", kind=QuestionKind.multi, position=2,
                              choices=["Water", "Climate finance", "AI monitoring"])]
        db.session.add_all(questions)
        db.session.commit()
        categories = list(db.session.scalars(select(Category.id).where(Category.event_id == event.id)))
        delegations = list(db.session.scalars(select(Delegation.id).where(Delegation.event_id == event.id)))
        keys = [str(q.id) for q in questions]
        states = [S.approved] * 6 + [S.submitted] * 2 + [S.waitlisted, S.cancelled]
        first_day = datetime(2027, 2, 1, 6, tzinfo=UTC)
        for chunk in range(0, total, 5000):
            rows = []
            for i in range(chunk, min(chunk + 5000, total)):
                at = first_day + timedelta(days=i % 60, minutes=i % 600)
                passport = i % 3 == 0
                rows.append(dict(
                    event_id=event.id, category_id=categories[i % 8], state=states[i % 10],
                    delegation_id=delegations[i % 200] if i % 4 == 0 else None, honorific=["Dr", "Ms", "Mr", ""][i % 4],
                    given_name=f"Given{i}", family_name=f"Фамилия{i}", email=f"delegate{i}@bench.example",
                    organisation=f"Ministry of Ecology and Natural Resources {i % 500}", position="Senior adviser",
                    country=COUNTRIES[i % len(COUNTRIES)], nationality=COUNTRIES[(i + 1) % len(COUNTRIES)],
                    phone=f"+7 701 {i:07d}", languages=["en", "ru"] if i % 2 else ["kk"],
                    dietary="Vegetarian" if i % 7 == 0 else "", arrival_date=date(2027, 4, 20),
                    departure_date=date(2027, 4, 24), visa_letter_needed=passport,
                    passport_number=f"N{i:08d}" if passport else "",
                    passport_expiry=date(2031, 1, 1) if passport else None,
                    date_of_birth=date(1970 + i % 30, 1 + i % 12, 1 + i % 28) if passport else None,
                    place_of_birth="Almaty" if passport else "", public_listing=bool(i % 2),
                    answers={keys[0]: "Halal" if i % 5 == 0 else "", keys[1]: "yes" if i % 2 else "no",
                             keys[2]: ["Water", "AI monitoring"] if i % 3 else []},
                    arrival_flight="KC 922" if i % 3 else "", hotel="Rixos" if i % 5 else "",
                    arrival_at=datetime(2027, 4, 19 + i % 3, 6 + i % 12, tzinfo=UTC) if i % 3 else None,
                    created_at=at, submitted_at=at))
            db.session.execute(insert(Registration), rows)
            db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE registrations, delegations")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(fmt: str, workdir: Path, traced: bool) -> dict:
    """One download in this (fresh) process: its time, peak memory growth, size."""
    import tracemalloc

    app = make_app(workdir)  # first: the settings are read when the application is imported
    from sqlalchemy import select

    from app.accounts.models import User
    from app.accounts.sessions import open_session
    from app.extensions import db
    from app.utils.time import utcnow

    with app.app_context():
        officer = db.session.scalar(select(User).where(User.email == OFFICER))
        user_id, sid = officer.get_id(), open_session(officer)
        db.session.commit()
    client = app.test_client()
    now = int(utcnow().timestamp())
    with client.session_transaction() as session:
        session.update({"_user_id": user_id, "sid": sid, "_fresh": True, "auth_at": now, "seen_at": now})
    # A small download first, so that what every request loads (openpyxl, the
    # catalogues, the templates' code) is not counted as the export's memory.
    warm = client.get(f"/e/{SLUG}/manage/registrations/export.{fmt}?q=nobody-at-all")
    if warm.status_code != 200:
        raise SystemExit(f"export.{fmt} answered {warm.status_code}")
    warm.close()
    if traced:
        tracemalloc.start()
    before, cpu = peak_rss_mb(), cpu_seconds()
    began = time.perf_counter()
    response = client.get(f"/e/{SLUG}/manage/registrations/export.{fmt}", buffered=False)
    size = lines = 0
    for chunk in response.response:
        size += len(chunk)
        lines += chunk.count(b"\n") if fmt == "csv" else 0
    response.close()
    seconds = time.perf_counter() - began
    result = {"fmt": fmt, "seconds": seconds, "cpu": cpu_seconds() - cpu, "rss_mb": peak_rss_mb() - before,
              "size_mb": size / 1024 / 1024, "lines": lines}
    if traced:
        result["traced_mb"] = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=80_000, help="registrations (default 80,000)")
    parser.add_argument("--tracemalloc", action="store_true", help="also the peak of Python's allocations (slower)")
    parser.add_argument("--measure", choices=sorted(GOALS), help=argparse.SUPPRESS)  # the child process
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    database = os.environ.get("BENCH_DATABASE_URL", "")
    if not database.startswith("postgresql"):
        print("export_bench: BENCH_DATABASE_URL (PostgreSQL) is not set: skipped.")
        return
    if args.measure:
        print(json.dumps(measure(args.measure, Path(args.workdir), args.tracemalloc)))
        return
    workdir = Path(tempfile.mkdtemp(prefix="kurultai-bench-"))
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))  # the same key for the measuring processes
    print(f"Load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (a busy machine is slower).")
    began = time.perf_counter()
    build(make_app(workdir), args.size)
    print(f"Seeded {args.size:,} registrations in {time.perf_counter() - began:.0f} s (PostgreSQL).")
    print(f"{'format':>6} {'rows':>8} {'seconds':>8} {'CPU s':>6} {'goal s':>7} {'peak RSS +MB':>13} "
          f"{'traced MB':>10} {'file MB':>8}")
    failed = []
    for fmt in ("csv", "xlsx"):
        command = [sys.executable, __file__, "--measure", fmt, "--workdir", str(workdir)]
        if args.tracemalloc:
            command.append("--tracemalloc")
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        result = json.loads(output.strip().splitlines()[-1])
        traced = f"{result['traced_mb']:>10.1f}" if "traced_mb" in result else f"{'-':>10}"
        print(f"{fmt:>6} {args.size:>8,} {result['seconds']:>8.1f} {result['cpu']:>6.1f} {GOALS[fmt]:>7.0f} "
              f"{result['rss_mb']:>13.1f} {traced} {result['size_mb']:>8.1f}", flush=True)
        if fmt == "csv" and result["lines"] != args.size + 1:
            failed.append(f"CSV of {result['lines'] - 1} rows for {args.size}")
        if result["seconds"] >= GOALS[fmt]:
            failed.append(f"{fmt} took {result['seconds']:.1f} s (goal {GOALS[fmt]:.0f} s)")
        if result["rss_mb"] >= MEMORY_GOAL_MB:
            failed.append(f"{fmt} grew memory by {result['rss_mb']:.0f} MB (goal {MEMORY_GOAL_MB} MB)")
    if failed:
        raise SystemExit("; ".join(failed))


if __name__ == "__main__":
    main()
