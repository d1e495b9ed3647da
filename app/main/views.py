from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user

from app.events.services import events_for_team_member, published_events
from app.extensions import db, limiter
from app.main import bp
from app.main.readiness import readiness
from app.policy import public
from app.utils.urls import safe_next


@bp.route("/")
@public
def index():
    events = published_events()
    team_events = [e for e in events_for_team_member(current_user) if e not in events]
    return render_template("main/index.html", events=events, team_events=team_events)


@bp.route("/healthz")
@public
@limiter.exempt
def healthz():
    """The process answers: nothing else is asked (a restart would not mend a database)."""
    response = jsonify(status="ok")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/readyz")
@public
@limiter.exempt
def readyz():
    """Ready for requests: database, Redis (when configured), storage and migrations; 503 when one fails."""
    ready, checks = readiness()
    response = jsonify(status="ok" if ready else "error", checks=checks)
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/language/<code>")
@public
def choose_language(code):
    """A visitor's choice of display language, kept in the session only.

    A plain link (no form, no token) because it changes nothing stored: the
    profile language of a logged-in user changes through the form below.
    """
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_next(url_for("main.index")))


@bp.route("/language", methods=["POST"])
@public
def set_language():
    """Remember the chosen language in the session and, when logged in, in the profile."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated and current_user.locale != lang:
            current_user.locale = lang
            db.session.commit()
    return redirect(safe_next(url_for("main.index")))
