"""The offline desk's browser libraries are served from app/static/vendor/ (production
installs from requirements.txt alone and never runs Node): each copy must be the
version package.json pins, with its licence next to it, and the service worker must
load Workbox from this server, not from its CDN."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "app" / "static" / "vendor"
LIBRARIES = {"workbox": "workbox-sw", "idb": "idb", "zxing": "@zxing/library"}


@pytest.mark.parametrize("folder,package", sorted(LIBRARIES.items()))
def test_vendored_copy_is_the_pinned_version_with_its_licence(folder, package):
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"][package]
    copied = json.loads((VENDOR / folder / "package.json").read_text())
    assert (copied["name"], copied["version"]) == (package, pinned)
    assert (VENDOR / folder / "LICENSE").stat().st_size > 500


def test_every_workbox_part_is_the_same_pinned_version():
    pins = json.loads((ROOT / "package.json").read_text())["dependencies"]
    for part in ("core", "routing", "strategies"):
        copied = json.loads((VENDOR / "workbox" / f"workbox-{part}.package.json").read_text())
        assert (copied["name"], copied["version"]) == (f"workbox-{part}", pins[f"workbox-{part}"])
        assert (VENDOR / "workbox" / f"workbox-{part}.prod.js").stat().st_size > 1000


def test_the_desk_worker_loads_workbox_from_this_server(app, client, summit, staff):
    from tests.factories import login

    login(client, staff["checkin"])
    worker = client.get("/e/astana/manage/checkin/sw.js")
    body = worker.get_data(as_text=True)
    assert worker.status_code == 200 and worker.headers["Service-Worker-Allowed"] == "/e/astana/manage/checkin"
    assert 'importScripts("/static/vendor/workbox/workbox-sw.js")' in body
    assert 'modulePathPrefix: "/static/vendor/workbox/"' in body
    manifest = client.get("/e/astana/manage/checkin/manifest.webmanifest").get_json()
    assert manifest["start_url"] == manifest["scope"] == "/e/astana/manage/checkin"
