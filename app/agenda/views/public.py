"""The public agenda: its page by day, session pages, and the feeds (JSON, XML, iCalendar, PDF)
that calendars and conference apps read, with ETags and a cache of rendered bodies."""
from __future__ import annotations

import re

from flask import Response, abort, current_app, g, render_template, request
from flask_babel import force_locale, get_locale, gettext as _
from flask_login import current_user
from markupsafe import Markup

from app.agenda import bp, cache, exports, pages, providers
from app.agenda.listing import session_items
from app.agenda import services as svc
from app.agenda.httpcache import mark_public
from app.agenda.models import SESSION_TYPE_LABELS, SessionType
from app.agenda.sdgs import SDG_NAMES, sdg_badge, sdg_label
from app.agenda.timetable import grid_css as _grid_css
from app.extensions import db
from app.i18n import content_language
from app.policy import get_event_or_404, public
from app.utils.downloads import content_disposition
from app.utils.translated import current_language, shown_markup

FEED_TYPES = {
    "pdf": "application/pdf",
    "json": "application/json",
    "xml": "application/xml",
    "ics": "text/calendar; charset=utf-8",
}


def _type_choices() -> list[tuple[str, str]]:
    return [(t.value, str(SESSION_TYPE_LABELS[t])) for t in SessionType]


@bp.context_processor
def _sdg_names():
    """SDG badges name the goal: sdg_badge(6) is "SDG 6 — Clean water and sanitation"."""
    return {"sdg_badge": sdg_badge}


def _sdg_choices() -> dict[int, str]:
    """{n: "n — name of the goal"} for the 17 goals, translated."""
    return {n: str(sdg_label(n)) for n in SDG_NAMES}


def _public_state_or_404(slug: str) -> cache.PublicState:
    """The event, if the visitor may see it (`event.view`), and its current publication, in one query."""
    return pages.visible_state(slug)


def _locale() -> str:
    return str(get_locale() or "en")


_variant = pages.variant_of


def _agenda_for(state: cache.PublicState, categories=frozenset()):
    return svc.public_agenda(pages.published(state.publication_id), categories=categories)


def _not_modified(state: cache.PublicState, etag: str) -> bool:
    if request.if_none_match:
        return request.if_none_match.contains(etag)
    since = request.if_modified_since
    return bool(since and state.changed_at and state.changed_at.replace(microsecond=0) <= since)


OPEN_FEEDS = ("json", "xml", "ics")


def _feed(state: cache.PublicState, kind: str, build, filename: str) -> Response:
    """A cached feed body with ETag/Last-Modified, answering conditional requests with 304."""
    if state.publication_id is None:
        abort(404)
    locale = content_language(state.default_language)
    etag = state.etag(kind, locale)
    if _not_modified(state, etag):
        response = Response(status=304)
    else:
        def render() -> bytes:
            with force_locale(locale):
                return build(state.event, _agenda_for(state))

        body, wrote = cache.cached_body(state, state.key(kind, locale), render)
        if wrote:
            db.session.commit()
        response = Response(body, mimetype=None, content_type=FEED_TYPES[filename.rsplit(".", 1)[1]])
        response.headers["Content-Disposition"] = content_disposition(filename, attachment=kind == "pdf")
    response.set_etag(etag)
    response.last_modified = state.changed_at
    response.headers["Cache-Control"] = "public, no-cache"
    # The language comes from ?lang= (part of the address) or Accept-Language, never the session.
    response.headers["Vary"] = "Accept-Language"
    response.headers["Content-Language"] = locale
    if kind in OPEN_FEEDS:
        # Read-only and public: browser-based schedule apps may read them from any site.
        response.headers["Access-Control-Allow-Origin"] = "*"
    if _page_cacheable() and response.status_code == 200:
        mark_public(response, state.token, locale)
    return response


@bp.route("/e/<slug>/schedule.json")
@public
def schedule_json(slug):
    state = _public_state_or_404(slug)
    return _feed(state, "json", exports.schedule_json, "schedule.json")


@bp.route("/e/<slug>/schedule.xml")
@public
def schedule_xml(slug):
    state = _public_state_or_404(slug)
    return _feed(state, "xml", exports.schedule_xml, "schedule.xml")


@bp.route("/e/<slug>/agenda.ics")
@public
def agenda_ics(slug):
    state = _public_state_or_404(slug)
    return _feed(state, "ics", exports.calendar_ics, f"{slug}.ics")


@bp.route("/e/<slug>/agenda.pdf")
@public
def agenda_pdf(slug):
    state = _public_state_or_404(slug)
    try:
        exports._font_paths()
    except exports.FontMissing:
        current_app.logger.error("agenda PDF: no DejaVu font installed (apt-get install fonts-dejavu-core)")
        abort(503)
    return _feed(state, "pdf", exports.agenda_pdf, f"{slug}-agenda.pdf")


@bp.route("/e/<slug>/agenda")
@public
def public_agenda(slug):
    """The published agenda by day; filters work in the page (JS) and without JS (query string)."""
    state = _public_state_or_404(slug)
    if state.publication_id is None:
        g.event = state.event
        return render_template("agenda/public/not_published.html", event=state.event, title=_("Agenda"))
    if pages.shareable():
        # Every reader of one audience gets the same page, stored whole; a logged-in
        # reader's own menu and stars are laid over it in the browser.
        categories, variant = pages.audience(state)
        return pages.serve(state, "fullpage", lambda: _render_agenda_page(
            state, svc.AgendaFilters(), categories, _locale(), cache_body=False), variant=variant)
    filters = svc.AgendaFilters.from_args(request.args)
    categories = svc.viewer_categories(current_user, state.event)
    g.overlay = True  # the stars of a delegate
    page = _render_agenda_page(state, filters, categories, _locale())
    if db.session.new:
        db.session.commit()
    return page


def _render_agenda_page(state, filters, categories, locale, cache_body: bool = True, **context):
    """The agenda page; its body is cached per publication, language and audience unless filtered."""
    event = state.event
    g.event = event

    def render_body(agenda=None, shown=None) -> bytes:
        agenda = agenda or _agenda_for(state, categories)
        page_lang = current_language()
        return render_template("agenda/public/_agenda_body.html", event=event, agenda=agenda, filters=filters,
                               shown=shown if shown is not None else agenda.sessions,
                               type_choices=_type_choices, sdg_choices=_sdg_choices, page_lang=page_lang,
                               session_items=session_items, items_key=_items_key(agenda.publication),
                               **_shared_labels(agenda, page_lang)).encode()

    if filters.active:
        agenda = _agenda_for(state, categories)
        body = render_body(agenda, filters.apply(agenda.sessions))
    elif not cache_body:  # the whole page is being cached instead
        body = render_body()
    else:
        body, _wrote = cache.cached_body(state, state.key("page", locale, _variant(categories)), render_body)
    return render_template("agenda/public/agenda.html", event=event, body=Markup(body.decode()),
                           announced=providers.announced_meetings(event), title=_("Agenda"), **context)


def _items_key(publication) -> tuple:
    """Names the publication whose session items may be reused (see `listing.session_items`):
    its id, and when it was published (ids of a restored or emptied database come again)."""
    return ("agenda", publication.id, publication.published_at)


def _shared_labels(agenda, page_lang: str) -> dict:
    """What hundreds of sessions repeat, resolved once per rendering: the names of rooms and
    tracks in the page's language (with the lang of another language's version) and the SDG
    badges. Picking a text's language asks Babel for the locale each time, which over every
    session of a summit cost more than the rest of the page."""
    return {
        "room_names": {r["id"]: shown_markup(r["name"], page_lang) for r in agenda.rooms},
        "track_names": {t["id"]: shown_markup(t["name"], page_lang) for t in agenda.tracks},
        "sdg_badges": {n: str(sdg_badge(n)) for n in SDG_NAMES},
    }


def _page_cacheable() -> bool:
    """A feed may be kept by the HTTP cache for every visitor: no login, nothing personal."""
    return not current_user.is_authenticated and pages.shareable()


@bp.route("/e/<slug>/sessions/<int:session_id>")
@public
def public_session(slug, session_id):
    """One session's page, stored per publication, language and audience; only this session
    (and its speakers) is read from the snapshot when it is rendered."""
    state = _public_state_or_404(slug)
    if state.publication_id is None:
        abort(404)
    categories, variant = pages.audience(state)

    def render() -> str:
        event = g.event = state.event
        found = svc.public_sessions(pages.published(state.publication_id), [session_id], categories=categories)
        if not found:
            abort(404)
        return render_template("agenda/public/session.html", event=event, s=found[0], title=found[0].title)

    if pages.shareable():
        return pages.serve(state, f"session-{session_id}", render, variant=variant)
    g.overlay = True  # the star of a delegate
    return render()


@bp.route("/e/<slug>/sessions/<int:session_id>.ics")
@public
def session_ics(slug, session_id):
    """One session as a calendar file, for whoever may see its page (the same rule)."""
    state = _public_state_or_404(slug)
    if state.publication_id is None:
        abort(404)
    agenda = svc.public_agenda(pages.published(state.publication_id),
                               categories=svc.viewer_categories(current_user, state.event),
                               with_speakers=False)
    session = agenda.session(session_id)
    if session is None:
        abort(404)
    session.speakers = svc.public_speakers([session]).get(session.id, [])
    locale = content_language(state.default_language)
    with force_locale(locale):
        body = exports.calendar_ics(state.event, agenda, [session])
    response = Response(body, content_type=FEED_TYPES["ics"])
    response.headers["Content-Disposition"] = content_disposition(f"session-{session.id}.ics")
    response.set_etag(f"{state.etag('ics', locale)}-{session.id}-{session.sequence}")
    response.last_modified = state.changed_at
    response.headers["Vary"] = "Accept-Language, Cookie"  # who may see a restricted session: the login
    response.headers["Content-Language"] = locale
    # A restricted session is for some people only: no shared cache may keep it.
    response.headers["Cache-Control"] = "private, no-cache" if session.restricted else "public, no-cache"
    return response.make_conditional(request)


@bp.route("/agenda/grid.css")
@public
def grid_css():
    response = Response(_grid_css(), mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/e/<slug>/agenda/tracks.css")
@public
def tracks_css(slug):
    """Track colours as classes, so pages need no style attributes (strict CSP)."""
    event = get_event_or_404(slug, user=current_user)
    colours = [(t.id, t.colour if re.fullmatch(r"#[0-9a-fA-F]{6}", t.colour or "") else "#6c757d")
               for t in svc.tracks_of(event)]
    css = render_template("agenda/tracks.css", colours=colours)
    response = Response(css, mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
