"""Lists at scale: part of `make bench` (not of the test suite). PostgreSQL only.

Seeds one summit with 80,000 registrations (each with an account; 2% of them likely
duplicates, 8,000 approved delegates waiting for a visa-support letter) with bulk
inserts, then times in the application itself (Flask's test client: the server's own
time) the accreditation list (plain, duplicates, a name search, a country filter),
the database's part of a login (the account looked up by its address), the visa-letter
page, and "issue every letter" for the 8,000 waiting, printing p50/p95 and the SQL
statements of each.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python bench/scale_bench.py

The database named is emptied first. Without a PostgreSQL BENCH_DATABASE_URL the
script says so and stops.
"""
from __future__ import annotations

import argparse
import gc
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

SLUG = "bench-scale"
COUNTRIES = seeding.COUNTRIES
VISA = 8000


def build(app, total: int) -> None:
    from sqlalchemy import insert

    from app.accounts.models import User
    from app.extensions import db
    from app.registration import keys
    from app.registration.models import Registration, RegistrationState as S

    with app.app_context():
        event, _lead, categories = seeding.seed_event(SLUG)
        states = [S.approved] * 6 + [S.submitted] * 2 + [S.waitlisted, S.cancelled]
        first_day = datetime(2027, 2, 1, 6, tzinfo=UTC)
        for chunk in range(0, total, 10_000):
            users = [dict(email=f"delegate{i}@bench.example", password_hash="x", given_name=f"Given{i}",
                          family_name=f"Family{i}", locale=("en", "ru", "kk")[i % 3])
                     for i in range(chunk, min(chunk + 10_000, total))]
            ids = list(db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), users))
            rows = []
            for n, i in enumerate(range(chunk, min(chunk + 10_000, total))):
                visa = i < VISA
                state = S.approved if visa else states[i % 10]
                # Every 50th shares the address of the one before: 2% likely duplicates.
                email = f"delegate{i - 1 if i % 50 == 0 and i else i}@bench.example"
                given, family, organisation = f"Given{i}", f"Family{i}", f"Ministry of Ecology {i % 500}"
                born = date(1960 + i % 40, 1 + i % 12, 1 + i % 28)
                at = first_day + timedelta(days=i % 60, minutes=i % 600)
                rows.append(dict(
                    event_id=event.id, user_id=ids[n], category_id=categories[i % 8], state=state,
                    given_name=given, family_name=family, email=email, organisation=organisation,
                    country=COUNTRIES[i % len(COUNTRIES)], nationality=COUNTRIES[i % len(COUNTRIES)],
                    languages=["en"], answers={}, created_at=at, submitted_at=at,
                    visa_letter_needed=visa, passport_number=f"P{i:08d}" if visa else "",
                    passport_expiry=date(2031, 1, 1) if visa else None, date_of_birth=born if visa else None,
                    email_key=keys.email_key(email, state),
                    person_key=keys.person_key(given, family, born if visa else None, state),
                    search_text=keys.SEARCH_SEPARATOR.join((f"{given} {family}", email, organisation)).lower()))
            db.session.execute(insert(Registration), rows)
            db.session.commit()
            print(f"  {min(chunk + 10_000, total):,} written", flush=True)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE registrations, users")
        keys.refresh_event(db.session.connection(), event.id)
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE registrations")


def forget_letters(app) -> None:
    from sqlalchemy import delete

    from app.audit.models import AuditEntry
    from app.checkin.models import VisaLetter
    from app.extensions import db
    from app.mail.models import OutboxMessage

    with app.app_context():
        for model in (VisaLetter, OutboxMessage, AuditEntry):
            db.session.execute(delete(model))
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE visa_letters, registrations")


def _client(app):
    from sqlalchemy import select

    from app.accounts.models import User
    from app.accounts.sessions import open_session
    from app.extensions import db
    from app.utils.time import utcnow

    with app.app_context():
        lead = db.session.scalar(select(User).where(User.email == "secretariat@bench.example"))
        user_id, sid = lead.get_id(), open_session(lead)
        db.session.commit()
    client = app.test_client()
    now = int(utcnow().timestamp())
    with client.session_transaction() as session:
        session.update({"_user_id": user_id, "sid": sid, "_fresh": True, "auth_at": now, "seen_at": now})
    return client


class Statements:
    """Counts the statements run inside it and the time the database took (from sending
    each to its answer)."""

    def __init__(self, engine):
        self.engine, self.count, self.seconds, self._began = engine, 0, 0.0, 0.0

    def __enter__(self):
        from sqlalchemy import event as sa_event
        sa_event.listen(self.engine, "before_cursor_execute", self._before)
        sa_event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *_exc):
        from sqlalchemy import event as sa_event
        sa_event.remove(self.engine, "before_cursor_execute", self._before)
        sa_event.remove(self.engine, "after_cursor_execute", self._after)

    def _before(self, *_args):
        self.count += 1
        self._began = time.perf_counter()

    def _after(self, *_args):
        self.seconds += time.perf_counter() - self._began


def time_page(app, client, url: str, requests: int) -> tuple[list[float], int, int]:
    from app.extensions import db

    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    with app.app_context():
        engine = db.engine
    with Statements(engine) as statements:
        client.get(url)
    times, database = [], []
    for _ in range(requests):
        with Statements(engine) as one:
            began = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - began) * 1000)
        database.append(one.seconds * 1000)
    return times, statements.count, statistics.median(database)


def time_login_lookup(app, total: int, requests: int) -> list[float]:
    from app.accounts.models import User
    from app.extensions import db

    times = []
    with app.app_context():
        for n in range(requests):
            email = f"Delegate{(n * 7919) % total}@bench.example"
            began = time.perf_counter()
            user = User.by_email(email)
            times.append((time.perf_counter() - began) * 1000)
            assert user is not None
            db.session.rollback()
    return times


def time_issue_all(app) -> tuple[float, int, int, float]:
    from sqlalchemy import select

    from app.accounts.models import User
    from app.checkin.services import letters
    from app.events.models import Event
    from app.extensions import db

    with app.test_request_context(), app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == SLUG))
        lead = db.session.scalar(select(User).where(User.email == "secretariat@bench.example"))
        with Statements(db.engine) as statements:
            began = time.perf_counter()
            issued = letters.issue_waiting(event, actor=lead)
            db.session.commit()
            took = time.perf_counter() - began
    return took, statements.count, len(issued), statements.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=80_000)
    parser.add_argument("--requests", type=int, default=30, help="requests timed per page (default 30)")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the summit an earlier run seeded (its letters and emails taken back first)")
    args = parser.parse_args()
    database = seeding.postgres_database("scale_bench", "it measures PostgreSQL's indexes and plans")
    if database is None:
        return
    workdir = Path(tempfile.mkdtemp(prefix="kurultai-bench-"))
    seeding.production_env(database, workdir)
    from app import create_app
    from config import config_from_env

    app = create_app(config_from_env())
    print(f"Load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (a busy machine is slower).")
    began = time.perf_counter()
    if args.reuse:
        forget_letters(app)
    else:
        build(app, args.size)
        print(f"{args.size:,} registrations and accounts seeded in {time.perf_counter() - began:.0f} s", flush=True)
    client = _client(app)
    # What seeding left in this process is frozen, as a web worker freezes what its start
    # made (wsgi.py): otherwise the collector's full passes walk it during the timings.
    gc.collect()
    gc.freeze()
    base = f"/e/{SLUG}/manage"
    print(f"{'what':<34} {'p50 ms':>8} {'p95 ms':>8} {'statements':>11} {'DB p50 ms':>10}")

    def line(name, times, statements="", database=None):
        times = sorted(times)
        p95 = times[int(0.95 * (len(times) - 1))]
        db_ms = f"{database:.1f}" if database is not None else ""
        print(f"{name:<34} {statistics.median(times):>8.1f} {p95:>8.1f} {statements!s:>11} {db_ms:>10}",
              flush=True)

    for name, url in (("registrations list", f"{base}/registrations"),
                      ("  page 100", f"{base}/registrations?page=100"),
                      ("  likely duplicates", f"{base}/registrations?duplicates=1"),
                      ("  name search (\"family4242\")", f"{base}/registrations?q=family4242"),
                      ("  country filter (PK)", f"{base}/registrations?country=PK")):
        line(name, *time_page(app, client, url, args.requests))
    login = time_login_lookup(app, args.size, args.requests * 10)
    line("login: account by address", login, 1, statistics.median(login))
    line(f"visa letters page ({VISA:,} waiting)", *time_page(app, client, f"{base}/visa-letters", args.requests))
    took, statements, issued, database = time_issue_all(app)
    print(f"{'issue every letter':<34} {took * 1000:>8.0f} {'(once)':>8} {statements:>11} {database * 1000:>10.0f}"
          f"   {issued:,} letters and emails, one transaction", flush=True)
    line(f"visa letters page ({VISA:,} letters)", *time_page(app, client, f"{base}/visa-letters", args.requests))


if __name__ == "__main__":
    main()
