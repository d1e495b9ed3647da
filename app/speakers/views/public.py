"""What others see of speakers: the public directory and profiles, photos, and
slide downloads."""
from __future__ import annotations

from flask import abort, g, render_template, send_file
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import User
from app.agenda import services as agenda
from app.agenda.cache import public_state
from app.extensions import db
from app.policy import authenticated, can, ensure, has_any_role, public
from app.speakers import bp, uploads
from app.speakers import services as svc
from app.speakers.models import SlideFile
from app.speakers.views.common import public_event
from app.utils.db import get_in_event_or_404
from app.utils.downloads import content_disposition


# --- Files --------------------------------------------------------------------------

@bp.route("/e/<slug>/slides/<int:slide_id>")
@authenticated
def slides_download(slug, slide_id):
    """Always a download (attachment, nosniff, sandboxed), never shown inline."""
    event = public_event(slug)
    slide = get_in_event_or_404(SlideFile, slide_id, event)
    ensure("speaker.download_slides", slide)
    path = uploads.slides_path(slide.stored_name)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=uploads.MIMETYPES.get(slide.kind, "application/octet-stream"),
                         max_age=0)
    response.headers["Content-Disposition"] = content_disposition(slide.original_name, attachment=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _listed(event, user_id: int):
    """The directory entry of a confirmed speaker the viewer may see, or None."""
    state = public_state(event.slug)
    if state is None or state.publication_id is None:
        return None
    publication = db.session.get(agenda.Publication, state.publication_id)
    public = agenda.public_agenda(publication, categories=agenda.viewer_categories(current_user, event))
    if not any(p.id == user_id for s in public.sessions for p in s.speakers):
        return None
    return next((e for e in svc.directory(event, public) if e.user.id == user_id), None)


@bp.route("/e/<slug>/speakers/<int:user_id>/photo")
@public
def photo(slug, user_id):
    """A speaker's photo: public once they are a confirmed speaker, else for them and the organisers."""
    event = public_event(slug)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    profile = svc.profile_for(event, user)
    if profile is None or not profile.photo_filename:
        abort(404)
    allowed = (current_user.is_authenticated and (current_user.id == user.id
                                                  or can(current_user, "speaker.manage", event)))
    if not allowed and _listed(event, user.id) is None:
        abort(404)
    path = uploads.photo_path(profile.photo_filename)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "public, max-age=300" if not allowed else "private, no-store"
    return response


# --- The public directory -------------------------------------------------------------

@bp.route("/e/<slug>/speakers")
@public
def directory(slug):
    """Confirmed speakers of the published agenda, by family name: a fixed number of queries."""
    state = public_state(slug)
    # policy: event.view
    if state is None or not (state.event.published or has_any_role(current_user, state.event)):
        abort(404)
    event = g.event = state.event
    entries = []
    if state.publication_id is not None:
        publication = db.session.get(agenda.Publication, state.publication_id)
        public = agenda.public_agenda(publication, categories=agenda.viewer_categories(current_user, event))
        entries = svc.directory(event, public)
    return render_template("speakers/public/directory.html", event=event, entries=entries,
                           published=state.publication_id is not None, title=_("Speakers"))


@bp.route("/e/<slug>/speakers/<int:user_id>")
@public
def profile(slug, user_id):
    event = public_event(slug)
    entry = _listed(event, user_id)
    if entry is None:
        abort(404)
    return render_template("speakers/public/profile.html", event=event, entry=entry,
                           bio=svc.bio_html(entry.profile), title=entry.user.formal_name)
