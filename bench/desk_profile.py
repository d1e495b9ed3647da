"""What one scan at the check-in desk without JavaScript costs the application, measured in
this process (no server, no load generator): processor time and SQL statements per scan,
and on request where the time goes. PostgreSQL only; not part of the test suite.

Seeds (with `live_bench.seed`) a summit that opens today with `--roster` approved
delegates, badges for `--scans` of them, a check-in officer and, unless `--no-agenda`, a
published agenda with a few sessions whose doors the desk checks. Then, with the Flask
test client in production mode, the officer opens the desk once and posts `--scans`
signed badge tokens to `/e/<slug>/manage/checkin` as the page without JavaScript does
(`code` + `csrf_token`), each expected to answer 200 with "Checked in.".

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_desk \\
        .venv/bin/python bench/desk_profile.py [--scans 400] [--roster 5000] [--profile 25] [--statements]

The database named is emptied first. Reports CPU ms per scan (`time.process_time`, this
process only: PostgreSQL's own time is not in it), SQL statements per scan (every
statement the engine sends, SAVEPOINTs included, counted by an event listener), with
`--statements` the statements of one scan, and with `--profile N` cProfile's top N
functions by cumulative time over all the scans.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import sys
import tempfile
import time
from collections import Counter
from datetime import time as clock, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import live_bench  # noqa: E402 (its seeding)
import seeding  # noqa: E402

DESK = f"/e/{live_bench.SLUG}/manage/checkin"


def publish_doors(app, event_id: int, sessions: int) -> None:
    """A published agenda today: `sessions` sessions, every other one restricted to a
    category or with sign-up, so the desk's door list is not empty."""
    from sqlalchemy import select

    from app.agenda.models import AgendaSession, Room, SessionType, Visibility
    from app.agenda.services import publish_agenda
    from app.events.models import Event
    from app.extensions import db
    from app.registration.models import Category
    from app.utils.time import local_to_utc

    with app.app_context():
        event = db.session.get(Event, event_id)
        category = db.session.scalar(select(Category.id).where(Category.event_id == event_id).order_by(Category.id))
        rooms = [Room(event=event, name=f"Room {n + 1}", capacity=200, position=n) for n in range(4)]
        db.session.add_all(rooms)
        db.session.flush()
        for n in range(sessions):
            start = local_to_utc(event.start_date + timedelta(days=n % 3), clock(9 + n // 12), event.timezone) \
                + timedelta(minutes=5 * (n % 12))
            db.session.add(AgendaSession(
                event=event, room=rooms[n % 4], title=f"Session {n + 1}: water and climate", type=SessionType.panel,
                starts_at=start, ends_at=start + timedelta(minutes=4), sdgs=[], languages=["en"],
                visibility=Visibility.restricted if n % 4 == 0 else Visibility.published,
                category_ids=[category] if n % 4 == 0 else [], signup_required=n % 4 == 2,
                capacity=50 if n % 4 == 2 else None))
        db.session.flush()
        publish_agenda(event, actor=None, accept_conflicts=None)
        db.session.commit()


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if match is None:
        raise SystemExit("the desk page has no CSRF token")
    return match.group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=400)
    parser.add_argument("--roster", type=int, default=5000, help="approved delegates (default 5000)")
    parser.add_argument("--sessions", type=int, default=24, help="published sessions (default 24)")
    parser.add_argument("--no-agenda", action="store_true", help="no published agenda (as live_bench)")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print cProfile's top N functions")
    parser.add_argument("--statements", action="store_true", help="print the statements of one scan")
    args = parser.parse_args()
    database = seeding.postgres_database("desk_profile")
    if database is None:
        return
    workdir = Path(tempfile.mkdtemp(prefix="kurultai-desk-"))
    seeding.production_env(database, workdir, RATELIMIT_ENABLED="0", RATELIMIT_SENSITIVE="100000 per minute")
    from sqlalchemy import event as sa_event

    from app import create_app
    from app.extensions import db
    from config import config_from_env

    app = create_app(config_from_env())
    data = live_bench.seed(app, roster=args.roster, badges=args.scans + 1, delegates=1)
    if not args.no_agenda:
        publish_doors(app, data["event_id"], args.sessions)
    name, value = data["officer"].split("=", 1)
    client = app.test_client()
    client.set_cookie(name, value, domain="127.0.0.1")
    page = client.get(DESK)
    if page.status_code != 200:
        raise SystemExit(f"the desk answered {page.status_code}")
    token = csrf_of(page.get_data(as_text=True))
    # One scan first: what is built once per worker (templates, caches) is not counted.
    tokens = data["tokens"]
    client.post(DESK, data={"csrf_token": token, "code": tokens[-1]})

    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa_event.listen(engine, "before_cursor_execute", count)
    profiler = cProfile.Profile() if args.profile else None
    failed, per_scan = 0, []
    began_cpu, began_wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for code in tokens[:args.scans]:
        before = len(statements)
        answer = client.post(DESK, data={"csrf_token": token, "code": code})
        per_scan.append(statements[before:])
        if answer.status_code != 200 or "Checked in." not in answer.get_data(as_text=True):
            failed += 1
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - began_cpu, time.perf_counter() - began_wall
    sa_event.remove(engine, "before_cursor_execute", count)
    scans = len(per_scan)
    print(f"{scans} scans ({failed} not 'Checked in.'), roster {args.roster}, "
          f"{'no agenda' if args.no_agenda else f'{args.sessions} sessions published'}; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"CPU per scan: {1000 * cpu / scans:.2f} ms (wall {1000 * wall / scans:.2f} ms)")
    print(f"SQL statements per scan: {len(statements) / scans:.2f} "
          f"(without SAVEPOINT/RELEASE: {sum(1 for s in statements if not re.match(r'(SAVEPOINT|RELEASE)', s)) / scans:.2f})")
    if args.statements:
        print("\nThe statements of the last scan:")
        for statement in per_scan[-1]:
            print("  " + re.sub(r"\s+", " ", statement)[:200])
        kinds = Counter(re.sub(r"\s+", " ", s)[:60] for s in statements)
        print("\nMost frequent over all scans:")
        for text, n in kinds.most_common(12):
            print(f"  {n / scans:5.2f}  {text}")
    if profiler:
        out = io.StringIO()
        if os.environ.get("PROFILE_DUMP"):
            profiler.dump_stats(os.environ["PROFILE_DUMP"])
        pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(args.profile)
        print(out.getvalue())


if __name__ == "__main__":
    main()
