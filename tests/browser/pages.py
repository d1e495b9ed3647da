"""Every page the browser sweep checks (axe-core accessibility rules and no
sideways scrolling on a 360 px phone), each in English and in Russian.

To add a page, add one line to PAGES:

    Page("programme", "/e/astana-2027/manage/agenda"),

The account is a demo account's name before "@example.org" (all have the
password "summit-demo"), or None for a visitor who is not logged in. A path may
use the placeholders of `live_server.values` ({reset_token}, {user_id},
{message_id}); `submit` names a button to press first, to check the page with
the form's validation errors (the test expects at least one field marked
aria-invalid); `status` is the HTTP status the page answers with.
"""
from __future__ import annotations

from typing import NamedTuple

DEMO_SLUG = "astana-2027"
EVENT = f"/e/{DEMO_SLUG}"
MANAGE = f"{EVENT}/manage"


class Page(NamedTuple):
    account: str | None
    path: str
    submit: str | None = None
    status: int = 200

    @property
    def id(self) -> str:
        who = self.account or "visitor"
        return f"{who}:{self.path}" + (":submitted" if self.submit else "")


SUBMIT = "main form[method=post] [type=submit]"

PAGES: list[Page] = [
    # Public pages and accounts
    Page(None, "/"),
    Page(None, f"{EVENT}/"),
    Page(None, "/account/login"),
    Page(None, "/account/signup"),
    Page(None, "/account/signup", submit=SUBMIT),
    Page(None, "/account/forgot"),
    Page(None, "/account/reset/{reset_token}"),
    Page(None, "/no-such-page", status=404),
    Page("viewer", "/account/profile"),
    Page("viewer", "/account/password"),
    Page("viewer", "/account/email"),
    Page("viewer", f"{EVENT}/"),
    # Organiser area
    Page("checkin", f"{MANAGE}/"),
    Page("secretariat", f"{MANAGE}/"),
    Page("secretariat", f"{MANAGE}/settings"),
    Page("secretariat", f"{MANAGE}/team"),
    Page("secretariat", f"{MANAGE}/audit"),
    # Platform administration
    Page("admin", "/admin/"),
    Page("admin", "/admin/users/{user_id}"),
    Page("admin", "/admin/events"),
    Page("admin", "/admin/outbox"),
    Page("admin", "/admin/outbox/{message_id}"),
    Page("admin", "/admin/audit"),
]

LANGUAGES = ("en", "ru")
