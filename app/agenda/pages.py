"""Public pages that are the same for every visitor, served from the published snapshot.

The agenda, a session's page, the speakers directory and a speaker's page are
rendered once per publication, language and audience (the registration categories
whose restricted sessions the reader may see: "pub" for visitors) and stored like
the agenda's bodies (`app.agenda.cache`). A logged-in reader gets the same stored
page: it is always rendered as for a visitor without a session, so it holds
nothing personal (no name, no CSRF token, no message). The personal parts (the
menu of a logged-in user, the stars of a delegate) are laid over it in the browser
from a small per-user request (`main.overlay`, `app/static/js/overlay.js`).
"""
from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

from flask import Response, abort, current_app, g, request, session as cookie_session
from flask.globals import request_ctx
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy.orm import defer

from app.agenda import cache
from app.agenda.httpcache import mark_public, mark_shared
from app.agenda.models import Publication, Visibility
from app.agenda.services import has_restricted, viewer_categories
from app.extensions import db
from app.policy import can


def visible_state(slug: str) -> cache.PublicState:
    """The event with its current publication, if the reader may see it (`event.view`); else 404.

    A published event is open to everyone, so the Event itself is loaded only for an
    unpublished one (its team may look): one query for every public page.
    """
    state = cache.public_state(slug)
    if state is None or (not state.published and not can(current_user, "event.view", state.event)):
        abort(404)
    return state


def shareable() -> bool:
    """Whether this request may get the stored page: no query string (language, filters)
    and no message waiting to be shown (then the page is rendered for this reader)."""
    return not request.args and not cookie_session.get("_flashes")


def variant_of(categories) -> str:
    """The name of an audience: "all" (organisers), "pub" (visitors, readers without an
    approved registration) or "c<ids>" (the categories whose restricted sessions show)."""
    if categories is None:
        return "all"
    return "c" + "-".join(str(c) for c in sorted(categories)) if categories else "pub"


# Publication token -> whether that publication has restricted sessions (a publication's
# snapshot never changes; a new token names a new one). Bounded by clearing.
_RESTRICTED: dict[str, bool] = {}
_RESTRICTED_MAX = 512


def _has_restricted(state: cache.PublicState) -> bool:
    """Whether the current publication has sessions for some categories only: read once per
    publication and process."""
    if state.publication_id is None or state.token is None:
        return False
    known = _RESTRICTED.get(state.token)
    if known is None:
        known = has_restricted(published(state.publication_id))
        if len(_RESTRICTED) >= _RESTRICTED_MAX:
            _RESTRICTED.clear()
        _RESTRICTED[state.token] = known
    return known


def published(publication_id: int) -> Publication:
    """The publication, its snapshot left in the database until something reads it out (see
    `app.agenda.services.public`: read out once per process)."""
    return db.session.get(Publication, publication_id, options=[defer(Publication.snapshot)])


def audience(state: cache.PublicState) -> tuple[frozenset[int] | None, str]:
    """The reader's registration categories (see `viewer_categories`) and the name of that
    audience. Visitors need no query to know it, and nor does anyone while the agenda has
    no restricted session (then every reader sees the same)."""
    if not current_user.is_authenticated or not _has_restricted(state):
        return frozenset(), "pub"
    categories = viewer_categories(current_user, state.event)
    return categories, variant_of(categories)


@contextmanager
def as_visitor():
    """Render as a visitor without a session: templates see an anonymous user and no
    waiting messages (those stay in the session for the next page)."""
    had_user = "_login_user" in g
    saved_user = g.get("_login_user")
    saved_flashes = request_ctx.flashes
    saved_overlay = g.get("overlay", False)
    g._login_user = current_app.login_manager.anonymous_user()
    g.overlay = True
    request_ctx.flashes = []
    try:
        yield
    finally:
        if had_user:
            g._login_user = saved_user
        else:
            g.pop("_login_user", None)
        g.overlay = saved_overlay
        request_ctx.flashes = saved_flashes


def serve(state: cache.PublicState, kind: str, render: Callable[[], str | bytes], *, variant: str = "pub") -> Response:
    """The stored page `kind` of this publication for the reader's language and `variant`,
    rendered (as for a visitor) by `render` when it is not stored yet; with an ETag, and
    answered with 304 when the reader already has it. `render` may abort (404): nothing is
    stored then."""
    locale = str(get_locale() or "en")
    etag = state.etag(kind, locale, variant)
    visitor = not current_user.is_authenticated
    if request.if_none_match and request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        def rendered() -> bytes:
            with as_visitor():
                out = render()
            return out.encode() if isinstance(out, str) else out

        body, wrote = cache.cached_body(state, state.key(kind, locale, variant), rendered)
        if wrote:
            db.session.commit()
        response = Response(body, mimetype="text/html")
    response.set_etag(etag)
    # A logged-in reader's audience may include restricted sessions: no shared cache keeps it.
    response.headers["Cache-Control"] = "public, no-cache" if visitor else "private, no-cache"
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.headers["Content-Language"] = locale
    # While no session is restricted, this is every reader's page, logged in or not (known
    # here without a query once a logged-in reader's audience has been read: `audience`).
    everyone = variant == "pub" and _RESTRICTED.get(state.token) is False
    if visitor and response.status_code == 200:
        mark_public(response, state.token, locale, everyone=everyone)
    elif everyone and response.status_code == 200:
        mark_shared(response, state.token, locale)
    return response
