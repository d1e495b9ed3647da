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

from app.agenda.pages import visible_state
from app.main import bp
from app.personal import services as personal
from app.policy import can, public
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
        state = visible_state(slug)
        event = g.event = state.event
        page = request.args.get("page", "")
        if not is_safe_next(page) or not page.startswith("/e/"):
            page = f"/e/{event.slug}/agenda"
        context = {"current_event": event, "request_path": page, "nav_endpoint": _page_endpoint(page.split("?")[0])}
        registration = personal.delegate_registration(event, current_user)
        delegate = registration is not None and can(current_user, "agenda.personal", registration)
        body = {
            "authenticated": True,
            "csrf": generate_csrf(),
            "delegate": delegate,
            "starred": sorted(personal.starred_ids(event, current_user)) if delegate else [],
            "signed_up": sorted(personal.signups_of(event, current_user)) if delegate else [],
            "nav_main": render_template("_nav_main.html", **context),
            "nav_user": render_template("_nav_user.html", **context),
            "notices": render_template("_notices.html", **context),
        }
    response = jsonify(body)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Vary"] = "Cookie"
    return response



