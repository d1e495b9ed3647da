"""What the registration pages share: the event and the person's own registration,
the reader's language, and a photo kept while a form is corrected."""
from __future__ import annotations

from flask import current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user

from app.policy import get_event_or_404
from app.registration import bp, photos, services
from app.registration.labels import SHORT_LABELS, STATE_BADGES, STATE_LABELS
from app.registration.models import Registration
from app.utils.forms import select_choices

PER_PAGE = 50


@bp.context_processor
def _labels():
    return {"state_labels": STATE_LABELS, "short_labels": SHORT_LABELS, "state_badges": STATE_BADGES}


def current_locale() -> str:
    return str(get_locale() or "en")


def category_choices(categories):
    return select_choices((c.id, c.name) for c in categories)


def sensitive_limit():
    return current_app.config["RATELIMIT_SENSITIVE"]


def public_event(slug):
    event = get_event_or_404(slug, user=current_user)
    g.event = event
    return event


def own_registration(event, values: dict) -> Registration | None:
    """A loader for `requires`: the current user's live registration in the event, if any."""
    return services.live_registration(event, current_user) if event is not None else None


def kept_photo_key(event) -> str:
    return f"kept_photo_{event.id}"


def keep_photo_for_form(form, event) -> str | None:
    """The form goes back for corrections: a photo that passed its checks is kept (its
    name in this browser's signed session), so it need not be chosen again. Returns
    the name of the photo waiting, which the form sends back to claim it."""
    key = kept_photo_key(event)
    if form.photo_jpeg:
        session[key] = photos.keep_photo(form.photo_jpeg, session.get(key))
    name = session.get(key)
    return name if photos.has_kept_photo(name) else None


def drop_kept_photo(event) -> None:
    """A form opened afresh starts without a photo kept from an earlier, abandoned try."""
    photos.forget_kept_photo(session.pop(kept_photo_key(event), None))


def sent_photo(form, event) -> bytes | None:
    """The photo just sent or, if none was, the one kept from the try before,
    provided the form said so (it shows the kept photo and sends its name back)."""
    kept = session.get(kept_photo_key(event))
    claimed = kept if kept and request.form.get("kept_photo") == kept else None
    return form.photo_jpeg or photos.kept_photo(claimed)


def forget_sent_photo(event) -> None:
    """The registration is saved: the photo kept for this form is no longer needed."""
    photos.forget_kept_photo(session.pop(kept_photo_key(event), None))
