"""What the on-site views share: PDF answers and the
registration a desk or list button names by its pick token."""
from __future__ import annotations

from flask import Response, abort

from app.checkin import bp, services
from app.checkin.forms import PickForm
from app.registration.labels import SHORT_LABELS, STATE_BADGES
from app.registration.models import Registration
from app.utils.downloads import content_disposition, filename_part

MANAGE = "/e/<slug>/manage"


@bp.context_processor
def _labels():
    return {"short_labels": SHORT_LABELS, "state_badges": STATE_BADGES}


def pdf(body: bytes, filename: str, *, download: bool = False) -> Response:
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(filename, attachment=download)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def badge_filename(registration: Registration) -> str:
    return f"badge-{filename_part(registration.family_name, 'badge')}.pdf"


def picked(event, values) -> Registration | None:
    """A loader for `requires`: the registration the URL's pick token names, if it is of `event`."""
    pick = values.get("pick")
    return services.registration_from_pick(event, pick) if event is not None and pick else None


picked.consumes = ("pick",)


def registration_from_pick(event, pick: str) -> Registration:
    """The registration a pick token of `event` names; 404 for a forged pick or one of another event."""
    registration = services.registration_from_pick(event, pick)
    if registration is None:
        abort(404)
    return registration


def registration_from_posted_pick(event) -> Registration:
    """The registration picked in the posted PickForm: 400 without a valid form, else as `registration_from_pick`."""
    form = PickForm()
    if not form.validate_on_submit():
        abort(400)
    return registration_from_pick(event, form.pick.data)
