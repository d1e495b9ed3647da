"""The personal layer of the shared public pages (`app.agenda.pages`).

Those pages are stored once for every reader and so show the visitor's menu and no
stars; `overlay.js` asks this address for the reader's own parts (their menu, the
notice of an unconfirmed address, a CSRF token for the star forms and which
sessions are starred) and lays them over the page. Visitors without a session are
answered by the HTTP cache in front of Flask (`app.agenda.httpcache`).
"""
from __future__ import annotations

from flask import current_app, g, jsonify, render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.exceptions import HTTPException

from app.main import bp
from app.main.nav import registration_read
from app.personal import services as personal
from app.policy import can, get_event_or_404, public
from app.registration.services import live_registration
from app.utils.urls import is_safe_next


def _page_endpoint(path: str) -> str | None:
    """The endpoint of the page the overlay is for (which menu entry is the current one)."""
    try:
        endpoint, _values = current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return None
    return endpoint


@bp.route("/e/<slug>/overlay.json")
@public
def overlay(slug):
    """The reader's own parts of a shared public page, as JSON (never stored by anyone)."""
    if not current_user.is_authenticated:
        body = {"authenticated": False}
    else:
        event = g.event = get_event_or_404(slug, user=current_user)  # the menu needs the event itself
        page = request.args.get("page", "")
        if not is_safe_next(page) or not page.startswith("/e/"):
            page = f"/e/{event.slug}/agenda"
        context = {"current_event": event, "request_path": page, "nav_endpoint": _page_endpoint(page.split("?")[0])}
        # One read of the reader's registration serves the stars and the menu.
        registration = live_registration(event, current_user)
        registration_read(event, current_user, registration)
        delegate = registration is not None and can(current_user, "agenda.personal", registration)
        starred, signed_up = personal.marks_of(event, current_user) if delegate else (set(), set())
        body = {
            "authenticated": True,
            "csrf": generate_csrf(),
            "delegate": delegate,
            "starred": sorted(starred),
            "signed_up": sorted(signed_up),
            "nav_main": render_template("_nav_main.html", **context),
            "nav_user": render_template("_nav_user.html", **context),
            "notices": render_template("_notices.html", **context),
        }
    response = jsonify(body)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Vary"] = "Cookie"
    return response



