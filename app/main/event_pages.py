"""The public pages of an event (its home, privacy notice and colours), on the
`events` blueprint. They sit here, above the domains, because they ask the policy
who may see the event and the agenda to render the notice."""
from __future__ import annotations

from flask import Response, render_template
from flask_babel import gettext as _

from app.agenda.services import render_markdown
from app.events import bp
from app.policy import requires
from app.privacy import services as privacy_services
from app.registration import services as registration


@bp.route("/e/<slug>/")
@requires("event.view", load={})
def home(event):
    return render_template("events/home.html", event=event, title=event.title)


@bp.route("/e/<slug>/privacy")
@requires("event.view", load={})
def privacy(event):
    """The event's privacy notice, as its organisers wrote it (Markdown, made safe),
    then what Kurultai keeps and for how long, from the event's settings."""
    return render_template("events/privacy.html", event=event, notice=render_markdown(event.privacy_notice),
                           passport_days=registration.settings_for(event).passport_retention_days,
                           data_days=privacy_services.retention_days(event), grace_days=privacy_services.grace_days(),
                           title=_("Privacy notice"))


@bp.route("/e/<slug>/theme.css")
@requires("event.view", load={})
def theme(event):
    """The event's colours as a stylesheet, so pages need no inline styles (strict CSP)."""
    css = render_template("events/theme.css", event=event)
    response = Response(css, mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
