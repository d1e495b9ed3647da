"""A web worker starts without the heavy libraries only some requests need (PDFs, the
job queue, badge signatures and QR codes, spreadsheets, the geodesy behind travel
distances with its HTTP client) or that it never needs (the migrations, the package of
the API documentation's files): each would add megabytes to every worker."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("fpdf", "fontTools", "huey", "redis", "cryptography", "openpyxl", "pypdf", "alembic", "flask_migrate",
         "geopy", "requests", "segno", "swagger_ui")


def test_a_new_worker_has_not_loaded_the_heavy_libraries(tmp_path):
    script = ("import json, sys; from app import create_app; from config import config_from_env; "
              "create_app(config_from_env()); "
              f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    env = {"KURULTAI_ENV": "testing", "DATABASE_URL": f"sqlite:///{tmp_path / 'memory.db'}",
           "KURULTAI_INSTANCE_DIR": str(tmp_path / "instance"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
