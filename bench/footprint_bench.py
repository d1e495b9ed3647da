"""Travel footprint benchmark: `make bench` (not part of the test suite).

Seeds a summit of 80,000 approved registrations (300 delegations from 60 countries,
a third with a declared journey, the rest estimated from their capital), computes
every trip once by the batched recomputation (timed), then renders the secretariat's
footprint report repeatedly through the application and checks that it stays under
500 ms at the 95th percentile: the report reads the running totals, not the trips.

    .venv/bin/python bench/footprint_bench.py [--registrations 80000] [--requests 30]
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench ...   (default: an SQLite file)
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SLUG = "footprint-bench"
LIMIT_MS = 500
COUNTRIES = ("PK", "KG", "UZ", "TJ", "TM", "AF", "IN", "CN", "RU", "TR", "IR", "AZ", "GE", "AM", "MN", "JP", "KR",
             "DE", "FR", "GB", "IT", "ES", "NL", "BE", "SE", "NO", "FI", "DK", "PL", "CZ", "AT", "CH", "US", "CA",
             "BR", "AR", "MX", "ZA", "EG", "NG", "KE", "SN", "MA", "SA", "AE", "QA", "ID", "MY", "TH", "VN", "PH",
             "AU", "NZ", "SG", "BD", "LK", "NP", "KZ", "UA", "BY")
JOURNEYS = (("ISB", [{"mode": "air", "cabin": "economy", "to": ""}]),
            ("Almaty", [{"mode": "rail", "cabin": "", "to": ""}]),
            ("LHR", [{"mode": "air", "cabin": "business", "to": "IST"}, {"mode": "air", "cabin": "economy", "to": ""}]),
            ("TAS", [{"mode": "air", "cabin": "economy", "to": "ALA"}, {"mode": "rail", "cabin": "", "to": ""}]))


def build(url: str):
    os.environ["DATABASE_URL"] = url
    from app import create_app
    from config import TestingConfig

    class BenchConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url
        SQLALCHEMY_ENGINE_OPTIONS: dict = {}
        INSTANCE_DIR = Path(tempfile.mkdtemp(prefix="kurultai-footprint-bench-"))
        UPLOAD_DIR = INSTANCE_DIR / "uploads"
        RATELIMIT_ENABLED = False

    return create_app(BenchConfig)


def seed(app, count: int):
    from app.accounts.models import User
    from app.events.models import Event, EventRole, EventRoleName
    from app.extensions import db
    from app.footprint import services as footprint
    from app.registration.models import Category, Delegation, Registration
    from app.utils.time import utcnow
    from tests.factories import password_hash

    with app.app_context():
        db.drop_all()
        db.create_all()
        footprint.install_bundled()
        event = Event(slug=SLUG, title="Footprint bench summit", city="Astana", country="KZ", timezone="Asia/Almaty",
                      start_date=date(2027, 4, 21), end_date=date(2027, 4, 23), published=True)
        db.session.add(event)
        db.session.flush()
        secretariat = User(email="secretariat@bench.example.org", password_hash=password_hash(), email_verified_at=utcnow(),
                           given_name="Bench", family_name="Secretariat")
        db.session.add(secretariat)
        db.session.flush()
        db.session.add(EventRole(event_id=event.id, user_id=secretariat.id, role=EventRoleName.secretariat))
        categories = [Category(event_id=event.id, name=f"Category {n}", capacity=None) for n in range(8)]
        db.session.add_all(categories)
        db.session.flush()
        delegations = [Delegation(event_id=event.id, name=f"Delegation {n}", country=COUNTRIES[n % len(COUNTRIES)],
                                  category_id=categories[n % 8].id) for n in range(300)]
        db.session.add_all(delegations)
        db.session.commit()
        table, users = Registration.__table__, User.__table__
        started = time.perf_counter()
        hashed, now = password_hash(), utcnow()
        user_ids: list[int] = []
        for first in range(0, count, 5000):
            rows = [{"email": f"delegate{n}@bench.example.org", "password_hash": hashed, "email_verified_at": now}
                    for n in range(first, min(count, first + 5000))]
            user_ids += db.session.execute(users.insert().returning(users.c.id, sort_by_parameter_order=True),
                                           rows).scalars().all()
        batch = []
        for n in range(count):
            delegation = delegations[n % len(delegations)]
            origin, legs = JOURNEYS[n % len(JOURNEYS)] if n % 3 == 0 else ("", [])
            batch.append({"event_id": event.id, "user_id": user_ids[n], "category_id": categories[n % 8].id,
                          "delegation_id": delegation.id,
                          "state": "approved", "holds_place": True, "given_name": f"Delegate {n}",
                          "family_name": "Bench", "country": delegation.country, "nationality": delegation.country,
                          "languages": [], "answers": {}, "travel_origin": origin, "travel_legs": legs,
                          "travel_return": True, "arrival_date": date(2027, 4, 20), "departure_date": date(2027, 4, 24)})
            if len(batch) == 5000:
                db.session.execute(table.insert(), batch)
                batch = []
        if batch:
            db.session.execute(table.insert(), batch)
        db.session.commit()
        print(f"seeded {count} registrations in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        counted = footprint.recompute_event(event)
        db.session.commit()
        print(f"computed {counted} trips and their totals in batches in {time.perf_counter() - started:.1f} s")
        return secretariat.email


def measure(app, email: str, requests: int) -> list[float]:
    from tests.factories import PASSWORD

    client = app.test_client()
    response = client.post("/account/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    url = f"/e/{SLUG}/manage/footprint"
    assert client.get(url).status_code == 200   # warm up
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and b"t CO" in response.data
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=80_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp(prefix='kt-bench-')}/bench.db"
    app = build(url)
    email = seed(app, args.registrations)
    timings = sorted(measure(app, email, args.requests))
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    print(f"footprint report at {args.registrations} registrations: median {statistics.median(timings):.1f} ms, "
          f"p95 {p95:.1f} ms (limit {LIMIT_MS} ms)")
    return 0 if p95 < LIMIT_MS else 1


if __name__ == "__main__":
    sys.exit(main())
