"""The page number of a paginated list, read from the query string."""
from __future__ import annotations

from flask import request

# Far beyond any real list, and small enough for every database's OFFSET.
MAX_PAGE = 100_000


def page_number(name: str = "page") -> int:
    """`?page=` as a number from 1 to MAX_PAGE; anything else (missing, text, 0, negative,
    thirty digits) gives the nearest page that exists in that range."""
    value = request.args.get(name, 1, type=int)
    if value is None:
        return 1
    return min(max(value, 1), MAX_PAGE)
