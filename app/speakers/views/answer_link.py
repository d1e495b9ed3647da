"""The emailed link: a speaker answers an invitation without logging in."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.accounts.web import start_session
from app.extensions import db, limiter
from app.policy import public
from app.speakers import bp
from app.speakers import services as svc
from app.speakers.forms import RespondForm
from app.speakers.views.common import PORTAL, public_event


def _sensitive_limit():
    return current_app.config["RATELIMIT_SENSITIVE"]


@bp.route(PORTAL + "/answer/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_sensitive_limit, methods=["POST"])
def respond(slug, token):
    """The emailed link: accept or decline without logging in. An account created by
    the invitation chooses its password here, which also confirms the address."""
    event = public_event(slug)
    assignment = svc.assignment_from_token(event, token)
    if assignment is None:
        return render_template("speakers/portal/link_invalid.html", event=event, title=_("Invitation")), 404
    user = assignment.user
    new_account = svc.needs_password(user)
    form = RespondForm(needs_password=new_account, email=user.email, names=(user.given_name, user.family_name))
    if form.validate_on_submit() and (form.accept.data or form.decline.data):
        activated = svc.answer_by_link(assignment, accepted=bool(form.accept.data), password=form.password.data or "",
                                       reason=form.reason.data or "")
        db.session.commit()
        if activated:
            start_session(user)
            flash(_("Welcome! Your account is ready and your participation is confirmed."), "success")
            return redirect(url_for("speakers.edit_profile", slug=slug))
        return render_template("speakers/portal/answered.html", event=event, assignment=assignment,
                               title=_("Thank you"))
    co = svc.co_speakers([assignment.session_id]).get(assignment.session_id, [])
    return render_template("speakers/portal/respond.html", event=event, assignment=assignment, form=form,
                           new_account=new_account, co_speakers=[c for c in co if c.id != assignment.id],
                           title=_("Invitation to speak"))
