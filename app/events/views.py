from __future__ import annotations

from flask import Response, g, render_template
from flask_login import current_user

from app.events import bp
from app.events.services import get_event_or_404
from app.policy import public


@bp.route("/e/<slug>/")
@public
def home(slug):
    event = get_event_or_404(slug, user=current_user)
    g.event = event  # the event's header, menu and colours
    return render_template("events/home.html", event=event, title=event.title)


@bp.route("/e/<slug>/theme.css")
@public
def theme(slug):
    """The event's colours as a stylesheet, so pages need no inline styles (strict CSP)."""
    event = get_event_or_404(slug, user=current_user)
    css = render_template("events/theme.css", event=event)
    response = Response(css, mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
