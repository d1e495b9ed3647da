"""Bulk badge printing at summit scale: one PDF for 1,000 approved delegates, each
with their own photo (uploaded at full size, as delegates do), in a throw-away
SQLite database. Prints the seconds taken, the PDF's size and the peak memory
the print run added. Not part of the test suite.

    .venv/bin/python bench/badges_bench.py [--delegates 1000]
"""
from __future__ import annotations

import argparse
import io
import random
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402

from app import create_app  # noqa: E402
from config import TestingConfig  # noqa: E402


def _photo(seed: int) -> bytes:
    """A distinct 900 x 1200 JPEG per delegate, so no two photos are shared in the PDF."""
    rng = random.Random(seed)
    image = Image.new("RGB", (900, 1200), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    noise = Image.effect_noise((900, 1200), 40).convert("RGB")
    image = Image.blend(image, noise, 0.3)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--delegates", type=int, default=1000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="badges-bench-"))

    class BenchConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{workdir / 'bench.db'}"
        INSTANCE_DIR = workdir
        UPLOAD_DIR = workdir / "uploads"

    app = create_app(BenchConfig)
    with app.app_context():
        from app.accounts.models import User
        from app.checkin import services
        from app.events.models import Event
        from app.extensions import db
        from app.registration.models import Category, Registration, RegistrationState
        from app.registration.photos import save_photo

        db.create_all()
        event = Event(slug="bench", title="Regional Ecological Summit 2027", city="Astana", country="KZ",
                      timezone="Asia/Almaty", start_date=date(2027, 4, 21), end_date=date(2027, 4, 23),
                      published=True)
        db.session.add(event)
        categories = [Category(event=event, name=name, protocol_rank=rank) for name, rank in
                      (("Government delegation", 1), ("Climate expert", 50), ("Media", 90))]
        db.session.add_all(categories)
        db.session.flush()
        started = time.perf_counter()
        for n in range(args.delegates):
            user = User(email=f"d{n}@example.org", password_hash="x", given_name=f"Қайрат{n}",
                        family_name="Өмірзақұлы")
            db.session.add(user)
            db.session.add(Registration(event=event, user=user, category=categories[n % 3],
                                        state=RegistrationState.approved, holds_place=True, given_name=f"Қайрат{n}",
                                        family_name="Өмірзақұлы", organisation="Министрлік Ғылым және Әділет",
                                        country="KZ", photo_filename=save_photo(_photo(n))))
            if n % 200 == 199:
                db.session.flush()
        db.session.commit()
        print(f"set-up: {args.delegates} delegates with photos in {time.perf_counter() - started:.1f} s")
        event_id = event.id
        db.session.expunge_all()
        event = db.session.get(Event, event_id)

        baseline = _peak_mb()
        started = time.perf_counter()
        pdf, count = services.bulk_badges_pdf(event, {}, actor=None)
        db.session.commit()
        seconds = time.perf_counter() - started
        peak = _peak_mb()
        print(f"badges: {count}")
        print(f"seconds: {seconds:.1f} ({seconds / max(count, 1) * 1000:.1f} ms per badge)")
        print(f"pdf size: {len(pdf) / 1e6:.1f} MB")
        print(f"peak memory: {peak:.0f} MB resident ({peak - baseline:.0f} MB more than before printing)")


if __name__ == "__main__":
    main()
