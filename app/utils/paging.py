"""The page number of a paginated list, read from the query string."""
from __future__ import annotations

from math import ceil

from flask import request
from sqlalchemy import func, literal_column, select

from app.extensions import db

# Far beyond any real list, and small enough for every database's OFFSET.
MAX_PAGE = 100_000


def page_number(name: str = "page") -> int:
    """`?page=` as a number from 1 to MAX_PAGE; anything else (missing, text, 0, negative,
    thirty digits) gives the nearest page that exists in that range."""
    value = request.args.get(name, 1, type=int)
    if value is None:
        return 1
    return min(max(value, 1), MAX_PAGE)


# How many pages past the current one a list counts: the total is exact below that.
LOOKAHEAD_PAGES = 10


class Page:
    """One page of a long list, read with LIMIT/OFFSET, whose total is counted only up
    to LOOKAHEAD_PAGES pages past the current one: the cost grows with the page asked
    for, never with the whole list. `exact` is False when more rows follow than were
    counted; `total` is then the number counted ("more than"), and the page links reach
    the last counted page, from which the next ones are offered in turn. Answers what
    the `pager` macro asks of Flask-SQLAlchemy's pagination."""

    def __init__(self, statement, *, page: int, per_page: int, count_column=None):
        self.page, self.per_page = page, per_page
        offset = (page - 1) * per_page
        self.items = list(db.session.scalars(statement.limit(per_page).offset(offset)).unique())
        if len(self.items) < per_page and (self.items or page == 1):
            # The list ends on this page: its length is known without counting.
            self.exact, self.total = True, offset + len(self.items)
            self.pages = max(1, ceil(self.total / per_page)) if self.total else 0
            return
        cap = offset + LOOKAHEAD_PAGES * per_page
        counted = (statement.order_by(None).with_only_columns(count_column if count_column is not None
                                                              else literal_column("1"), maintain_column_froms=True)
                   .limit(cap + 1).subquery())
        found = db.session.scalar(select(func.count()).select_from(counted)) or 0
        self.exact = found <= cap
        self.total = min(found, cap)
        self.pages = max(1, ceil(self.total / per_page)) if self.total else (page if self.items else 0)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages or not self.exact

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    def iter_pages(self, *, left_edge: int = 2, left_current: int = 2, right_current: int = 4,
                   right_edge: int = 2):
        """Page numbers to link, None where some are left out (as Flask-SQLAlchemy's)."""
        last = self.pages
        shown = [n for n in range(1, last + 1)
                 if n <= left_edge or self.page - left_current <= n <= self.page + right_current
                 or n > last - right_edge]
        previous = 0
        for number in shown:
            if number - previous > 1:
                yield None
            yield number
            previous = number
