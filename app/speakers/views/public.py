"""What others see of speakers: the public directory and profiles, photos, and
slide downloads."""
from __future__ import annotations

from flask import abort, current_app, g, redirect, render_template
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import User
from app.agenda import services as agenda
from app.agenda import pages
from app.extensions import db
from app.policy import can, in_event, public, requires
from app.speakers import bp, uploads
from app.speakers import services as svc
from app.speakers.models import SlideFile
from app.utils import storage
from app.utils.downloads import content_disposition

LINK_SECONDS = 60


# --- Files --------------------------------------------------------------------------

@bp.route("/e/<slug>/slides/<int:slide_id>")
@requires("speaker.download_slides", load={"slide": in_event(SlideFile, "slide_id")}, on="slide")
def slides_download(event, slide):
    """Always a download (attachment, nosniff, sandboxed), never shown inline.

    Large files, where STORAGE_LINK_MIN_BYTES says so and the storage can, go by a link to
    the bucket valid for a minute, given only after the same permission check."""
    key = uploads.slides_key(slide.stored_name)
    mimetype = uploads.MIMETYPES.get(slide.kind, "application/octet-stream")
    disposition = content_disposition(slide.original_name, attachment=True)
    threshold = current_app.config.get("STORAGE_LINK_MIN_BYTES") or 0
    link = (storage.current().download_url(key, seconds=LINK_SECONDS, mimetype=mimetype, disposition=disposition)
            if key and 0 < threshold <= slide.size else None)
    if link:
        response = redirect(link, 303)
        response.headers["Cache-Control"] = "private, no-store"
        return response
    response = storage.send(key, mimetype=mimetype)
    if response is None:
        abort(404)
    response.headers["Content-Disposition"] = disposition
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def speaker_profile(event, values):
    """A loader for `requires`: the profile for `event` of the speaker `user_id` in the URL."""
    user_id = values.get("user_id")
    user = db.session.get(User, user_id) if event is not None and user_id is not None else None
    return svc.profile_for(event, user) if user is not None else None


speaker_profile.consumes = ("user_id",)


@bp.route("/e/<slug>/speakers/<int:user_id>/photo")
@requires("speaker.view_photo", load={"profile": speaker_profile}, on="profile")
def photo(event, profile):
    """A speaker's photo: public once they are a confirmed speaker, else for them and the organisers."""
    response = storage.send(uploads.photo_key(profile.photo_filename), mimetype="image/jpeg")
    if response is None:
        abort(404)
    personal = can(current_user, "speaker.own_profile", profile) or can(current_user, "speaker.manage", event)
    response.headers["Cache-Control"] = "private, no-store" if personal else "public, max-age=300"
    return response


# --- The public directory -------------------------------------------------------------

@bp.route("/e/<slug>/speakers")
@public
def directory(slug):
    """Confirmed speakers of the published agenda, by family name: stored per publication,
    language and audience like the agenda; rendered with a fixed number of queries."""
    state = pages.visible_state(slug)
    categories, variant = pages.audience(state)

    def render() -> str:
        event = g.event = state.event
        entries = []
        if state.publication_id is not None:
            publication = db.session.get(agenda.Publication, state.publication_id)
            entries = svc.directory_entries(event, publication, categories)
        return render_template("speakers/public/directory.html", event=event, entries=entries,
                               published=state.publication_id is not None, title=_("Speakers"))

    if state.publication_id is not None and pages.shareable():
        return pages.serve(state, "speakers", render, variant=variant)
    return render()


@bp.route("/e/<slug>/speakers/<int:user_id>")
@public
def profile(slug, user_id):
    """A confirmed speaker's page, stored like the directory; only this speaker's sessions
    are read from the snapshot when it is rendered."""
    state = pages.visible_state(slug)
    if state.publication_id is None:
        abort(404)
    categories, variant = pages.audience(state)

    def render() -> str:
        event = g.event = state.event
        entry = svc.listed_entry(event, user_id, current_user, categories=categories,
                                 publication_id=state.publication_id)
        if entry is None:
            abort(404)
        return render_template("speakers/public/profile.html", event=event, entry=entry,
                               bio=svc.bio_html(entry.profile), title=entry.user.formal_name)

    if pages.shareable():
        return pages.serve(state, f"speaker-{user_id}", render, variant=variant)
    return render()
