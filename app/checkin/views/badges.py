"""Badges in bulk: the print list with its filters, the PDF, re-issue, one badge."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.checkin import bp, services
from app.checkin.forms import PickForm
from app.checkin.models import Badge
from app.checkin.views.common import (MANAGE, badge_filename, pdf, picked,
                                      registration_from_posted_pick)
from app.extensions import db
from app.policy import requires
from app.registration.models import Category, Delegation
from app.utils.inputs import record_id
from app.utils.views import run_service


def _badge_filters(args=None) -> dict:
    args = request.args if args is None else args
    return {"category": args.get("category", type=record_id), "delegation": args.get("delegation", type=record_id),
            "country": (args.get("country") or "")[:2].upper(), "q": (args.get("q") or "")[:100]}


@bp.route(MANAGE + "/badges")
@requires("badge.print_bulk", load={})
def manage_badges(event):
    filters = _badge_filters()
    count = services.bulk_count(event, filters)
    shown = list(db.session.scalars(services.bulk_statement(event, filters).limit(50)))
    badge_rows = {b.registration_id: b for b in db.session.scalars(
        select(Badge).where(Badge.registration_id.in_([r.id for r in shown])))} if shown else {}
    categories = list(db.session.scalars(select(Category).where(Category.event_id == event.id)
                                         .order_by(Category.position, Category.id)))
    delegations = list(db.session.scalars(select(Delegation).where(Delegation.event_id == event.id)
                                          .order_by(Delegation.name)))
    return render_template("checkin/badges.html", event=event, filters=filters, count=count, shown=shown,
                           filter_args={k: v for k, v in filters.items() if v},
                           badge_rows=badge_rows, categories={c.id: c for c in categories},
                           delegations=delegations, pick=services.pick_token, pick_form=PickForm(),
                           in_background=count > current_app.config["BADGES_JOB_THRESHOLD"],
                           title=_("Badges"))


@bp.route(MANAGE + "/badges.pdf", methods=["GET", "POST"])
@requires("badge.print_bulk", load={})
def badges_pdf(event):
    """The badges the filters select, as one PDF; many of them are made by a background
    job, whose page follows its progress and offers the file when it is done. The print
    button posts (with its CSRF token): a job is started only by a POST, never by a GET a
    proxy or a browser may send again; a GET of a large selection leads to that button."""
    filters = _badge_filters(request.form if request.method == "POST" else None)
    count = services.bulk_count(event, filters)
    if count > current_app.config["BADGES_JOB_THRESHOLD"]:
        if request.method != "POST":
            flash(_("So many badges are prepared in the background: press the print button to start."), "info")
            return redirect(url_for("checkin.manage_badges", slug=event.slug,
                                    **{k: v for k, v in filters.items() if v}))
        job = services.start_bulk_badges(event, filters, actor=current_user, count=count, locale=str(get_locale()))
        db.session.commit()
        return redirect(url_for("organiser.job", slug=event.slug, job_id=job.id))
    body, count = services.bulk_badges_pdf(event, filters, actor=current_user)
    db.session.commit()
    return pdf(body, f"badges-{event.slug}-{count}.pdf", download=True)


@bp.route(MANAGE + "/badges/reissue", methods=["POST"])
@requires("badge.print_bulk", load={})
def badge_reissue(event):
    registration = registration_from_posted_pick(event)
    run_service(lambda: services.reissue_badge(registration, actor=current_user),
                done=lambda badge: _("New badge for %(name)s (code %(code)s): the old one no longer works.",
                                     name=registration.full_name, code=badge.display_code))
    return redirect(request.referrer if (request.referrer or "").startswith(request.host_url)
                    else url_for("checkin.manage_badges", slug=event.slug))


@bp.route(MANAGE + "/badges/<pick>.pdf")
@requires("badge.print_bulk", load={"registration": picked})
def badge_one(event, registration):
    try:
        body = services.badge_pdf(registration)
    except services.OnsiteError:
        abort(404)
    db.session.commit()
    return pdf(body, badge_filename(registration))
