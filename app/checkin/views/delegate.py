"""The delegate's own downloads (badge, visa-support letter) and the public letter
verification."""
from __future__ import annotations

from flask import abort, g, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.checkin import bp, services
from app.checkin.services import letters
from app.checkin.views.common import badge_filename, locale, pdf
from app.policy import get_event_or_404
from app.extensions import db
from app.personal.services import delegate_registration
from app.policy import authenticated, ensure, public


def _own_registration_or_404(slug, action: str):
    """The current user's approved registration for the event, checked against the owner rule `action`."""
    event = get_event_or_404(slug, user=current_user)
    g.event = event
    registration = delegate_registration(event, current_user)
    if registration is None:
        abort(404)
    ensure(action, registration)
    return registration


@bp.route("/e/<slug>/my-badge.pdf")
@authenticated
def my_badge(slug):
    registration = _own_registration_or_404(slug, "badge.own")
    body = services.badge_pdf(registration, locale=locale())
    db.session.commit()
    return pdf(body, badge_filename(registration))


@bp.route("/e/<slug>/my-visa-letter.pdf")
@authenticated
def my_letter(slug):
    registration = _own_registration_or_404(slug, "agenda.personal")
    letter = letters.current_letter(registration)
    if letter is None:
        abort(404)
    ensure("visa_letter.own", letter)
    try:
        body = letters.letter_pdf(letter, request.args.get("lang", "en"))
    except services.OnsiteError:
        abort(404)
    return pdf(body, f"visa-letter-{letter.reference}.pdf")


@bp.route("/verify/<token>")
@public
def verify_letter(token):
    """Anyone holding a letter (a consulate) checks it: name, reference and validity only."""
    try:
        letter = letters.letter_from_token(token)
    except letters.LetterTokenError as exc:
        return render_template("checkin/verify.html", letter=None, status="invalid", message=str(exc.message),
                               title=_("Letter verification")), 404
    return render_template("checkin/verify.html", letter=letter, status=letters.letter_status(letter),
                           title=_("Letter verification"))
