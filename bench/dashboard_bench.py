"""Secretariat dashboard benchmark: part of `make bench` (not of the test suite).

Builds a summit with 10,000 and then 80,000 registrations (8 categories, 200
delegations with heads and quotas, 150 countries, 60 days of registrations, travel
details, check-ins on the event days, invitations and queued email), then asks for
the secretariat's dashboard again and again in the application itself (Flask's test
client: the server's own time, without a network in between) and prints the median,
p95 and p99 time of one dashboard and its number of SQL statements. The goal: p99
under 300 ms on PostgreSQL, the same statements at both sizes.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python bench/dashboard_bench.py
    .venv/bin/python bench/dashboard_bench.py --sizes 10000 80000 --requests 100

Without BENCH_DATABASE_URL an SQLite file is used (and said so: the goal is set for
PostgreSQL). The database named is emptied first.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import seeding  # noqa: E402

SLUG = "bench-dashboard"
GOAL_MS = 300
COUNTRIES = seeding.COUNTRIES * 5


def build(app, total: int, start: int) -> None:
    """Add registrations `start`..`total` (and, the first time, the event and its setting)."""
    from sqlalchemy import insert, select

    from app.accounts.models import User
    from app.checkin.models import CheckIn
    from app.events.models import Event
    from app.extensions import db
    from app.mail.models import OutboxMessage
    from app.registration.models import Category, Delegation, Invitation, Registration, RegistrationState as S

    with app.app_context():
        if start == 0:
            event, _lead, _categories = seeding.seed_event(SLUG)
            heads = [User(email=f"head{n}@bench.example", password_hash="x", given_name=f"Head{n}", family_name="Bench")
                     for n in range(200)]
            db.session.add_all(heads)
            db.session.flush()
            db.session.execute(insert(Delegation), [
                dict(event_id=event.id, name=f"Delegation {n}", country=COUNTRIES[n % len(COUNTRIES)],
                     head_user_id=heads[n].id, quota=40, protocol_rank=n) for n in range(200)])
            first_category = db.session.scalar(select(Category.id).where(Category.event_id == event.id).limit(1))
            db.session.execute(insert(Invitation), [
                dict(event_id=event.id, email=f"invited{n}@bench.example", category_id=first_category,
                     token_hash=f"{n:064d}", expires_at=datetime(2027, 4, 1, tzinfo=UTC),
                     created_at=datetime(2027, 1, 1, tzinfo=UTC),
                     opened_at=datetime(2027, 1, 2, tzinfo=UTC) if n % 2 else None) for n in range(2000)])
            db.session.execute(insert(OutboxMessage), [
                dict(to_address=f"person{n}@bench.example", subject="Hello", body_text="Hello", event_id=event.id,
                     message_id=f"<bench-{n}@kurultai>") for n in range(2000)])
            db.session.commit()
        event = db.session.scalar(select(Event).where(Event.slug == SLUG))
        categories = list(db.session.scalars(select(Category.id).where(Category.event_id == event.id)))
        delegations = list(db.session.scalars(select(Delegation.id).where(Delegation.event_id == event.id)))
        states = [S.approved] * 6 + [S.submitted] * 2 + [S.waitlisted, S.cancelled]
        first_day = datetime(2027, 2, 1, 6, tzinfo=UTC)
        for chunk in range(start, total, 5000):
            rows = []
            for i in range(chunk, min(chunk + 5000, total)):
                at = first_day + timedelta(days=i % 60, minutes=i % 600)
                rows.append(dict(
                    event_id=event.id, category_id=categories[i % 8], state=states[i % 10],
                    delegation_id=delegations[i % 200] if i % 4 == 0 else None,
                    given_name=f"Given{i}", family_name=f"Family{i}", email=f"delegate{i}@bench.example",
                    country=COUNTRIES[i % len(COUNTRIES)], languages=["en"], answers={}, created_at=at,
                    submitted_at=at, arrival_at=datetime(2027, 4, 19 + i % 3, 6 + i % 12, tzinfo=UTC)
                    if i % 3 else None, hotel="Hotel" if i % 5 else ""))
            db.session.execute(insert(Registration), rows)
            db.session.commit()
        approved = list(db.session.scalars(select(Registration.id).where(
            Registration.event_id == event.id, Registration.state == S.approved, Registration.id > start)))
        for chunk in range(0, len(approved), 5000):
            db.session.execute(insert(CheckIn), [
                dict(event_id=event.id, registration_id=rid, scope="venue", day=date(2027, 4, 21 + n % 3),
                     checked_in_at=datetime(2027, 4, 21 + n % 3, 3 + n % 8, n % 60, tzinfo=UTC))
                for n, rid in enumerate(approved[chunk:chunk + 5000], start=chunk)])
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does soon after a bulk load: statistics and the visibility
            # map that lets counts read the index alone.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE registrations, checkins, delegations")


def measure(app, requests: int) -> tuple[list[float], int]:
    """Times (ms) of `requests` dashboards after one warm-up, and the statements of one."""
    from sqlalchemy import event as sa_event, select

    from app.accounts.models import User
    from app.extensions import db

    from app.accounts.sessions import open_session
    from app.utils.time import utcnow

    with app.app_context():
        lead = db.session.scalar(select(User).where(User.email == "secretariat@bench.example"))
        user_id, sid = lead.get_id(), open_session(lead)
        db.session.commit()
    client = app.test_client()
    now = int(utcnow().timestamp())
    with client.session_transaction() as session:
        session.update({"_user_id": user_id, "sid": sid, "_fresh": True, "auth_at": now, "seen_at": now})
    url = f"/e/{SLUG}/manage/"
    statements = []
    with app.app_context():
        engine = db.engine

    def count(*_args):
        statements.append(1)

    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    sa_event.listen(engine, "before_cursor_execute", count)
    client.get(url)
    sa_event.remove(engine, "before_cursor_execute", count)
    times = []
    for _ in range(requests):
        began = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - began) * 1000)
    return times, len(statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 80_000])
    parser.add_argument("--requests", type=int, default=100, help="dashboards timed per size (default 100)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kurultai-bench-"))
    database = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}"
    seeding.production_env(database, workdir)
    from app import create_app
    from config import config_from_env

    app = create_app(config_from_env())
    kind = database.split("://")[0]
    if not kind.startswith("postgresql"):
        print("BENCH_DATABASE_URL is not set: measuring on SQLite (the goal is set for PostgreSQL).")
    failed = False
    done = 0
    print(f"Load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (a busy machine is slower).")
    print(f"{'registrations':>14} {'median ms':>10} {'p95 ms':>8} {'p99 ms':>8} {'statements':>11}")
    for size in sorted(args.sizes):
        began = time.perf_counter()
        build(app, size, done)
        done = size
        built = time.perf_counter() - began
        times, statements = measure(app, args.requests)
        times.sort()
        p95, p99 = times[int(0.95 * (len(times) - 1))], times[int(0.99 * (len(times) - 1))]
        print(f"{size:>14,} {statistics.median(times):>10.1f} {p95:>8.1f} {p99:>8.1f} {statements:>11}"
              f"   (built in {built:.0f} s, {kind})", flush=True)
        failed = failed or (kind.startswith("postgresql") and p99 >= GOAL_MS)
    if failed:
        raise SystemExit(f"p99 is above {GOAL_MS} ms")


if __name__ == "__main__":
    main()
