"""What the bilaterals views share: PDF answers and the values of slots in forms."""
from __future__ import annotations

from datetime import datetime

from flask import Response

from app.utils.downloads import content_disposition
from app.utils.time import as_utc

MANAGE = "/e/<slug>/manage/bilaterals"


def pdf(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(filename, attachment=False)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def slot_value(moment: datetime) -> str:
    """A slot's start as a form value (UTC, to the minute)."""
    return as_utc(moment).strftime("%Y-%m-%dT%H:%MZ")


def window_values(windows) -> list[tuple[datetime, datetime]]:
    return [(as_utc(a), as_utc(b)) for a, b in windows]
