"""What the benchmarks seed alike: an empty database, a published summit with its
secretariat lead and registration categories, and settings for a process that
measures the application in production mode. Each benchmark adds its own people."""
from __future__ import annotations

import os
import secrets
from datetime import UTC, date, datetime
from pathlib import Path

COUNTRIES = ["KZ", "UZ", "KG", "TJ", "TM", "MN", "PK", "IN", "CN", "RU", "TR", "AZ", "GE", "AM", "IR", "AF", "DE", "FR",
             "NO", "SE", "US", "CA", "BR", "SN", "KE", "ZA", "EG", "JP", "KR", "ID"]
LEAD = "secretariat@bench.example"


def postgres_database(script: str, why: str = "") -> str | None:
    """BENCH_DATABASE_URL when it names a PostgreSQL database; else None, after saying that
    `script` is skipped (and `why`)."""
    database = os.environ.get("BENCH_DATABASE_URL", "")
    if database.startswith("postgresql"):
        return database
    print(f"{script}: BENCH_DATABASE_URL is not a PostgreSQL database: skipped{f' ({why})' if why else ''}.")
    return None


def production_env(database: str, workdir: Path, **extra: str) -> dict:
    """Environment variables for the app in production mode on `database`, in this process
    (`os.environ` is updated) and for servers it starts; returns the variables set."""
    settings = dict(KURULTAI_ENV="production", SECRET_KEY=secrets.token_hex(32), DATABASE_URL=database,
                    KURULTAI_INSTANCE_DIR=str(workdir / "instance"), SERVER_NAME="127.0.0.1",
                    PREFERRED_URL_SCHEME="http", RATELIMIT_ALLOW_MEMORY="1", SESSION_COOKIE_SECURE="0", **extra)
    os.environ.update(settings)
    return settings


def seed_event(slug: str, *, categories: int = 8, capacity: int | None = 20000, start: date = date(2027, 4, 21),
               end: date = date(2027, 4, 23), closes: datetime = datetime(2027, 4, 10, 13, tzinfo=UTC),
               fresh: bool = True, **category_fields):
    """In an app context: (when `fresh`) empty the database, then a published event in
    Astana, its secretariat lead (`LEAD`) and `categories` categories (`capacity` places
    each, `category_fields` for the rest), committed. Returns (event, lead, category ids)."""
    from sqlalchemy import select

    from app.accounts.models import User
    from app.events.models import Event, EventRole, EventRoleName
    from app.extensions import db
    from app.registration.models import Category

    if fresh:
        db.drop_all()
        db.create_all()
    event = Event(slug=slug, title="Benchmark Summit", timezone="Asia/Almaty", start_date=start, end_date=end,
                  published=True, city="Astana", country="KZ", registration_closes_at=closes)
    lead = User(email=LEAD, password_hash="x", given_name="Lead", family_name="Bench")
    db.session.add_all([event, lead])
    db.session.flush()
    db.session.add(EventRole(event_id=event.id, user_id=lead.id, role=EventRoleName.secretariat))
    db.session.add_all([Category(event_id=event.id, name=f"Category {n}", position=n, protocol_rank=10 * n,
                                 capacity=capacity, **category_fields) for n in range(categories)])
    db.session.commit()
    ids = list(db.session.scalars(select(Category.id).where(Category.event_id == event.id).order_by(Category.id)))
    return event, lead, ids


def staff_cookie(app, user) -> str:
    """The Cookie header of `user`'s browser: the session the login view would write."""
    from app.accounts.sessions import open_session
    from app.extensions import db
    from app.utils.time import utcnow

    sid = open_session(user)
    db.session.commit()
    now = int(utcnow().timestamp())
    value = app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": user.get_id(), "sid": sid, "_fresh": True, "auth_at": now, "seen_at": now,
         "lang": user.locale or "en"})
    return f"{app.config['SESSION_COOKIE_NAME']}={value}"


def processor_seconds(pid: int) -> float:
    """User and system time of a process and all its descendants still running."""
    total, ticks = 0.0, os.sysconf("SC_CLK_TCK")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return total
    return total + sum(processor_seconds(int(child)) for child in children)


def database_seconds(database: str) -> dict[int, float]:
    """User and system time so far of each PostgreSQL server process connected to `database`
    (a SQLAlchemy URL) on this machine, by process id."""
    import psycopg

    ticks = os.sysconf("SC_CLK_TCK")
    with psycopg.connect(database.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as connection:
        pids = [row[0] for row in connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")]
    spent = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        spent[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return spent


def database_spent(database: str, before: dict[int, float]) -> float:
    """Seconds the database's server processes spent since `before` (database_seconds)."""
    return sum(now - before.get(pid, 0.0) for pid, now in database_seconds(database).items())
