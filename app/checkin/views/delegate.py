"""The delegate's own downloads (badge, visa-support letter) and the public letter
verification."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.checkin import bp, services
from app.checkin.services import letters
from app.checkin.views.common import badge_filename, pdf
from app.extensions import db
from app.personal.services import delegate_registration
from app.policy import public, requires


def own_registration(event, values):
    """A loader for `requires`: the current user's live registration for `event`."""
    return delegate_registration(event, current_user) if event is not None else None


def own_letter(event, values):
    """A loader for `requires`: the visa-support letter of the current user's registration."""
    registration = own_registration(event, values)
    return letters.current_letter(registration) if registration is not None else None


@bp.route("/e/<slug>/my-badge.pdf")
@requires("badge.own", load={"registration": own_registration}, on="registration")
def my_badge(event, registration):
    body = services.badge_pdf(registration)
    db.session.commit()
    return pdf(body, badge_filename(registration))


@bp.route("/e/<slug>/my-visa-letter.pdf")
@requires("visa_letter.own", load={"letter": own_letter}, on="letter")
def my_letter(event, letter):
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
