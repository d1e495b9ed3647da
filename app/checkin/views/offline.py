"""The offline desk: its service worker and web manifest (at the desk's address), making
this device a desk, and the supervisor's page of desks, queues and conflicts."""
from __future__ import annotations

from flask import Response, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user

from app.checkin import bp, services
from app.checkin.forms import DeskForm, RevokeDeskForm
from app.checkin.models import Desk
from app.checkin.views.common import MANAGE
from app.extensions import db
from app.policy import in_event, requires
from app.utils.formatting import date_range
from app.utils.refusals import Refusal
from app.utils.views import run_service

# Files the worker keeps besides the pages it has seen (the desk lists its own styles
# and scripts to the worker when it starts, so a new file needs no change here).
WORKER_STATIC = ("js/desk/main.js", "js/desk/decide.js", "js/desk/store.js", "js/desk/sync.js", "js/checkin.js",
                 "css/checkin.css", "css/app.css", "vendor/idb/index.js", "vendor/zxing/index.min.js",
                 "js/logout-wipe.js", "img/favicon.svg")


def desk_scope(event) -> str:
    return url_for("checkin.desk", slug=event.slug)


@bp.route(MANAGE + "/checkin/sw.js")
@requires("checkin.operate", load={})
def desk_worker(event):
    """The desk's service worker: keeps the desk page and its files for offline use."""
    body = render_template("checkin/sw.js", event=event, scope=desk_scope(event),
                           files=[url_for("static", filename=f) for f in WORKER_STATIC])
    response = Response(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = desk_scope(event)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route(MANAGE + "/checkin/manifest.webmanifest")
@requires("checkin.operate", load={})
def desk_manifest(event):
    """The web manifest that makes the desk installable."""
    response = jsonify({
        "name": f"{_('Check-in')} · {event.title}", "short_name": _("Check-in"),
        "start_url": desk_scope(event), "scope": desk_scope(event), "display": "standalone",
        "background_color": "#ffffff", "theme_color": event.primary_colour or "#0d6efd",
        "icons": [{"src": url_for("static", filename="img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    })
    response.mimetype = "application/manifest+json"
    return response


@bp.route(MANAGE + "/checkin/desks/new", methods=["POST"])
@requires("checkin.operate", load={})
def desk_new(event):
    """Make this device a desk of the event: JSON with the desk's token (shown once)."""
    form = DeskForm()
    if not form.validate_on_submit():
        return jsonify(errors={name: [str(e) for e in errors] for name, errors in form.errors.items()}), 400
    try:
        desk, token = services.issue_desk(event, form.name.data, actor=current_user)
    except Refusal as error:
        db.session.rollback()
        return jsonify(errors={"name": [str(error.message)]}), 400
    db.session.commit()
    return jsonify(desk=desk.id, name=desk.name, token=token,
                   roster_url=url_for("checkin.sync_roster", slug=event.slug),
                   scans_url=url_for("checkin.sync_scans", slug=event.slug)), 201


@bp.route(MANAGE + "/checkin/desks")
@requires("checkin.supervise", load={})
def desks(event):
    """Every desk with whether it is in contact, its last contact, its queue and its
    conflicts; revoke a lost one. The page's script refreshes it while it is open."""
    rows = services.desk_overview(event)
    return render_template("checkin/desks.html", event=event, rows=rows, summary=services.desk_summary(rows),
                           conflicts=services.conflicts(event), form=RevokeDeskForm(), title=_("Check-in desks"))


@bp.route(MANAGE + "/checkin/desks/<int:desk_id>/revoke", methods=["POST"])
@requires("checkin.supervise", load={"desk": in_event(Desk, "desk_id")})
def desk_revoke(event, desk):
    form = RevokeDeskForm()
    if form.validate_on_submit():
        run_service(lambda: services.revoke_desk(desk, actor=current_user),
                    done=_("Desk “%(name)s” revoked: its token no longer works.", name=desk.name))
    return redirect(url_for("checkin.desks", slug=event.slug))


# (everything `_offline_config` reads) -> what it made: the desk page without JavaScript
# draws it at every scan, and it changes only with the event's address, dates or zone.
_OFFLINE: dict[tuple, dict] = {}
_OFFLINE_MAX = 256


def offline_config(event) -> dict:
    """What the desk's scripts need to work offline: addresses, and every message they
    show, translated here (the scripts carry no text of their own). Kept by each worker
    under what it is made of, so a changed event makes a new one (do not change it)."""
    key = (event.id, event.slug, event.timezone, event.start_date, event.end_date, str(get_locale()),
           request.script_root)
    config = _OFFLINE.get(key)
    if config is None:
        config = _offline_config(event)
        if len(_OFFLINE) >= _OFFLINE_MAX:
            _OFFLINE.clear()
        _OFFLINE[key] = config
    return config


def _offline_config(event) -> dict:
    first, last = services.desk_days(event)
    return {
        "slug": event.slug, "scope": desk_scope(event), "worker": url_for("checkin.desk_worker", slug=event.slug),
        "deskNew": url_for("checkin.desk_new", slug=event.slug),
        "roster": url_for("checkin.sync_roster", slug=event.slug),
        "scans": url_for("checkin.sync_scans", slug=event.slug),
        "photos": url_for("checkin.sync_photos", slug=event.slug),
        "timezone": event.timezone, "days": [first.isoformat(), last.isoformat()],
        "messages": {
            "admitted": _("Checked in."),
            "already": _("Already checked in today at %(time)s.", time="%(time)s"),
            "forged": _("This is not a genuine badge of this event: the code is forged or damaged."),
            "expired": _("This badge has expired."),
            "replaced": _("This badge was replaced by a newer one: it is no longer valid."),
            "cancelled": _("Registration cancelled."),
            "notApproved": _("Registration not approved."),
            "wrongDay": _("Today, %(today)s, is not a day of the event (%(dates)s). Check in anyway?",
                          today="%(today)s", dates=date_range(event.start_date, event.end_date)),
            "anyway": _("Check in anyway"),
            "unknown": _("This badge is not in the desk's list yet: check it again when the network is back."),
            "oldBadge": _("This badge was printed before badges could be checked offline: check it again when the "
                          "network is back."),
            "needsNetwork": _("Typed codes and names need the network: scan the badge, or try again when the network "
                              "is back."),
            "online": _("Online"), "offline": _("Offline"), "never": _("never"),
            "minutes": _("%(num)s min", num="%(num)s"),
            "rosterCount": _("%(num)s badges", num="%(num)s"),
            "badgeReissued": _("Badge re-issued"),
            "photoOf": _("Photo of %(name)s", name="%(name)s"),
            "revoked": _("This desk was revoked by the supervisor: its list was wiped from this device."),
            "tokenLost": _("This device is no longer a desk: set it up again."),
            "setupFailed": _("The desk could not be set up: check the network and try again."),
            "noCrypto": _("This browser cannot check badge signatures: use a current Chrome, Edge, Firefox or Safari."),
        },
    }
