"""A small HTTP cache in front of Flask for the published agenda and the other shared public
pages (a session, the speakers directory, a speaker: `app.agenda.pages`).

The public agenda page and its feeds are read thousands of times between two
publications, mostly by visitors without a session (browsers, calendar apps,
conference apps, video pipelines). For those requests the answer depends only
on the path, the language chosen from Accept-Language (or, when none of ours is
asked for, the event's) and the publication, so
each worker keeps the finished responses in memory and answers them without
running Flask at all.

A response enters the cache only when the Flask view marks it with the
`X-Public-Cache` header ("<publication token> <locale>"), which the view does
only for visitors without a session and without a query string. Before serving
a stored response, the worker checks that the event's publication token has
not changed; it reads the token from the database at most once every
`PUBLIC_CACHE_TTL` seconds per event (0 checks on every request), so a new
publication reaches every worker on every machine within that time.

Readers with a session (logged in, or holding only a CSRF token) get the same stored
page from here when the view marked it as the same for every audience (no session of
the publication is restricted to some registration categories: `pages.serve`, which
knows it once a reader with a session has asked for the page: `mark_shared`), their
session cookie is validly signed, holds no message waiting to be shown, names their
language (the login writes it) and has not run out its idle or absolute time: the
page holds nothing personal, so their login need not be read from the database for it.
Their own parts come from the overlay (`main.overlay`), which runs Flask in full (the
login checked against the database, the session kept alive). A reader whose session
fails any of those tests is answered by Flask, as before.

Each stored page is also kept gzip-compressed, made once per stored page and given to
every visitor whose browser accepts gzip (all of them do): the agenda of a summit is a
few hundred KB of HTML and about a tenth of that compressed, which matters on a phone on
the venue's network, and the load balancer in front then passes it on as it is instead of
compressing it again for every request. The copy is made once the first reader has been
sent the page (when the server closes the response), so the reader who waited for the
page to be rendered does not wait for it to be compressed too; a reader arriving before
then gets it compressed at once.
"""
from __future__ import annotations

import gzip
import math
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from flask import current_app
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE
from itsdangerous import BadSignature
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, parse_cookie, parse_date, quote_etag, unquote_etag
from werkzeug.wsgi import ClosingIterator

from app.agenda.cache import public_state
from app.extensions import db

MARK_HEADER = "X-Public-Cache"
# Set on a logged-in reader's page that is every audience's (`mark_shared`): read by the
# cache for readers with a session, never a reason to store a response.
SHARED_HEADER = "X-Public-Cache-Shared"
_OWN_HEADERS = (MARK_HEADER, SHARED_HEADER)
_PATHS = re.compile(r"^/e/(?P<slug>[A-Za-z0-9-]{1,64})/(?:agenda|schedule\.json|schedule\.xml|agenda\.ics"
                    r"|sessions/\d{1,10}|speakers|speakers/\d{1,10})$")
# The per-user overlay of the shared pages (app.main.overlay): a visitor without a
# session has nothing personal to lay over them, so the answer is always this one.
_OVERLAY = re.compile(r"^/e/[A-Za-z0-9-]{1,64}/overlay\.json$")
VISITOR_OVERLAY = b'{"authenticated":false}'
# Stored responses are bounded by their total size as well as by their number: per worker,
# beside the rendered bodies (`cache`); the least recently asked for are dropped first.
_MAX_BYTES = 16 * 1024 * 1024
# The mark's third word when the page is the same for every audience, readers with a
# session included (`mark_public(..., everyone=True)`).
_EVERYONE = "everyone"
# Headers a 304 answer repeats (RFC 9110 section 15.4.5), plus our security headers.
_NOT_MODIFIED_DROP = {"content-type", "content-length", "content-disposition"}
# Worth compressing: text, of at least this size (a smaller body gains nothing).
_COMPRESSIBLE = re.compile(r"^(text/|application/(json|xml|xhtml\+xml|manifest\+json))")
_MIN_COMPRESS = 1024
_GZIP_LEVEL = 6
_GZIP_SUFFIX = "-gzip"


def accepts_gzip(header: str | None) -> bool:
    """Whether an Accept-Encoding header admits gzip (RFC 9110 12.5.3: "gzip;q=0" refuses it)."""
    if not header:
        return False
    for part in header.lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() in ("gzip", "x-gzip", "*"):
            q = params.strip()
            if q.startswith("q="):
                try:
                    return float(q[2:]) > 0
                except ValueError:
                    return False
            return True
    return False


def _with_vary(headers: list[tuple[str, str]], value: str) -> list[tuple[str, str]]:
    """headers with `value` added to Vary (once)."""
    out, done = [], False
    for name, current in headers:
        if name.lower() == "vary":
            parts = [p.strip() for p in current.split(",") if p.strip()]
            if value.lower() not in (p.lower() for p in parts):
                parts.append(value)
            out.append((name, ", ".join(parts)))
            done = True
        else:
            out.append((name, current))
    if not done:
        out.append(("Vary", value))
    return out


@dataclass
class _Entry:
    token: str
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str | None
    last_modified: str | None
    gzip_headers: list[tuple[str, str]] | None = None
    gzip_body: bytes | None = None
    compress_tried: bool = False  # whether a gzip copy was made, or found not worth making
    key: tuple[str, str] = ("", "")
    locale: str = ""  # the language the page is in (the key's may be "": none asked for)
    everyone: bool = False  # may be given to readers with a session too

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzip_body or b"")


class PublicPageCache:
    """WSGI middleware serving stored public agenda responses to visitors without a session."""

    def __init__(self, wsgi_app, flask_app, *, max_entries: int = 4096, max_bytes: int = _MAX_BYTES):
        self.wsgi_app = wsgi_app
        self.flask_app = flask_app
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._bytes = 0
        self._entries: OrderedDict[tuple[str, str], _Entry] = OrderedDict()
        self._tokens: dict[str, tuple[str | None, float]] = {}
        self._lock = threading.Lock()
        self._serializer = None

    # -- what may be answered from here ---------------------------------------------

    def _cookie_name(self) -> str:
        return self.flask_app.config["SESSION_COOKIE_NAME"]

    def _eligible(self, environ) -> re.Match | None:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or environ.get("QUERY_STRING"):
            return None
        return _PATHS.match(environ.get("PATH_INFO", ""))

    def _has_session(self, environ) -> bool:
        return f"{self._cookie_name()}=" in environ.get("HTTP_COOKIE", "")

    def _session(self, environ) -> dict | None:
        """The browser's Flask session when its signature and age check out, else None
        (read the way Flask reads it: `SecureCookieSessionInterface`)."""
        app = self.flask_app
        if self._serializer is None:
            self._serializer = app.session_interface.get_signing_serializer(app)
        value = parse_cookie(environ).get(self._cookie_name())
        if not value or self._serializer is None:
            return None
        try:
            data = self._serializer.loads(value, max_age=int(app.permanent_session_lifetime.total_seconds()))
        except BadSignature:
            return None
        return data if isinstance(data, dict) else None

    def _session_locale(self, environ) -> str | None:
        """For a request with a session cookie: the language of the stored page it may be
        given here, or None when Flask must answer it (a message to show, a language only
        the user's profile knows, a session past its time, or a cookie Flask would refuse)."""
        config = self.flask_app.config
        if f"{config.get('REMEMBER_COOKIE_NAME', REMEMBER_COOKIE)}=" in environ.get("HTTP_COOKIE", ""):
            return None
        session = self._session(environ)
        if session is None or session.get("_flashes"):
            return None
        if session.get("_user_id"):
            # The same limits as `security.enforce_session_lifetime`, which logs out then.
            now = time.time()
            try:
                seen_at, auth_at = float(session.get("seen_at", 0)), float(session.get("auth_at", 0))
            except (TypeError, ValueError):
                return None
            if (now - seen_at > config["SESSION_IDLE_MINUTES"] * 60
                    or now - auth_at > config["SESSION_ABSOLUTE_HOURS"] * 3600):
                return None
        lang = session.get("lang")
        if isinstance(lang, str) and lang in config["LANGUAGES"]:
            return lang  # what `i18n.select_locale` chooses before the profile and the browser
        if session.get("_user_id"):
            return None  # the profile's language: Flask reads it
        return self._locale(environ)

    def _locale(self, environ) -> str:
        """The language asked for by a visitor without a session, or "" when none of
        ours is: then the view chooses (the feeds take the event's own language), the
        same for every such visitor of that address."""
        config = self.flask_app.config
        accept = parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept)
        return accept.best_match(list(config["LANGUAGES"])) or ""

    def current_token(self, slug: str) -> str | None:
        """The publication token of the event, read at most once per TTL."""
        ttl = float(self.flask_app.config.get("PUBLIC_CACHE_TTL", 1.0))
        now = time.monotonic()
        with self._lock:
            known = self._tokens.get(slug)
        if known is not None and now - known[1] < ttl:
            return known[0]
        with self.flask_app.app_context():
            try:
                state = public_state(slug)
            finally:
                db.session.remove()
        token = state.token if state is not None and state.published else None
        with self._lock:
            self._tokens[slug] = (token, now)
        return token

    def forget(self) -> None:
        """Drop every stored response and token (tests start from an empty database)."""
        with self._lock:
            self._entries.clear()
            self._tokens.clear()
            self._bytes = 0

    # -- WSGI ---------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        if (environ.get("REQUEST_METHOD") == "GET" and _OVERLAY.match(environ.get("PATH_INFO", ""))
                and f"{self._cookie_name()}=" not in environ.get("HTTP_COOKIE", "")):
            start_response("200 OK", [("Content-Type", "application/json"),
                                      ("Content-Length", str(len(VISITOR_OVERLAY))),
                                      ("Cache-Control", "private, no-cache"), ("Vary", "Cookie")])
            return [VISITOR_OVERLAY]
        match = self._eligible(environ)
        if match is None:
            return self._strip_mark(environ, start_response)
        if self._has_session(environ):
            return self._serve_with_session(match, environ, start_response)
        key = (environ["PATH_INFO"], self._locale(environ))
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None:
            if entry.token == self.current_token(match["slug"]):
                return self._serve(entry, environ, start_response)
            with self._lock:
                self._drop(key)
        return self._fill(key, environ, start_response)

    def _serve_with_session(self, match: re.Match, environ, start_response):
        """A stored page marked as the same for everyone, to a reader with a valid session
        (see the module's docstring); otherwise Flask answers, and nothing is stored."""
        locale = self._session_locale(environ)
        entry = None
        if locale is not None:
            path = environ["PATH_INFO"]
            with self._lock:
                entry = self._entries.get((path, locale))
                if entry is None and locale:  # stored for visitors who asked for none of ours
                    entry = self._entries.get((path, ""))
            if entry is not None and (not entry.everyone or (locale and entry.locale != locale)):
                entry = None
        if entry is None or entry.token != self.current_token(match["slug"]):
            return self._pass_with_session(environ, start_response)
        return self._serve(entry, environ, start_response, private=True)

    def _pass_with_session(self, environ, start_response):
        """Flask answers a reader with a session (nothing is stored). When the view says its
        page is every audience's, the copy stored for visitors is given to such readers from
        then on: the view knows it once it has read the reader's audience, which it does not
        read for visitors."""
        path = environ["PATH_INFO"]

        def strip(status, headers, exc_info=None):
            mark = next((v for k, v in headers if k == SHARED_HEADER), None)
            if mark is not None and status.startswith("200"):
                self._share(path, mark)
            return start_response(status, [h for h in headers if h[0] not in _OWN_HEADERS], exc_info)

        return self.wsgi_app(environ, strip)

    def _share(self, path: str, mark: str) -> None:
        token, locale, *rest = mark.split(" ")
        if _EVERYONE not in rest:
            return
        with self._lock:
            for key in ((path, locale), (path, "")):
                entry = self._entries.get(key)
                if entry is not None and entry.token == token and entry.locale == locale:
                    entry.everyone = True

    def _drop(self, key) -> None:
        """Forget one stored response (the caller holds the lock)."""
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= entry.size

    def _serve(self, entry: _Entry, environ, start_response, *, private: bool = False):
        wants_gzip = accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING"))
        if wants_gzip and not entry.compress_tried:
            self._compress(entry)
        compressed = entry.gzip_body is not None and wants_gzip
        headers, body = (entry.gzip_headers, entry.gzip_body) if compressed else (entry.headers, entry.body)
        if private:
            # As Flask answers a reader with a session: for their browser only.
            headers = [("Cache-Control", "private, no-cache") if k.lower() == "cache-control" else (k, v)
                       for k, v in headers if k.lower() != "x-accel-expires"]
        if self._not_modified(entry, environ):
            start_response("304 NOT MODIFIED", [(k, v) for k, v in headers if k.lower() not in _NOT_MODIFIED_DROP])
            return [b""]
        start_response(entry.status, list(headers))
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def _compress(self, entry: _Entry) -> None:
        """Keep a gzip copy of a text body, with its own ETag (another representation).
        Made outside the lock; two threads making it at once keep one."""
        if entry.compress_tried:
            return
        lookup = {k.lower(): v for k, v in entry.headers}
        made = None
        if (len(entry.body) >= _MIN_COMPRESS and "content-encoding" not in lookup
                and _COMPRESSIBLE.match(lookup.get("content-type", ""))):
            body = gzip.compress(entry.body, compresslevel=_GZIP_LEVEL, mtime=0)
            plain = entry.headers
            headers = []
            for name, value in plain:
                if name.lower() == "content-length":
                    value = str(len(body))
                elif name.lower() == "etag" and entry.etag:
                    value = quote_etag(entry.etag + _GZIP_SUFFIX)
                headers.append((name, value))
            headers.append(("Content-Encoding", "gzip"))
            made = (plain, headers, body)
        with self._lock:
            if entry.compress_tried:
                return
            entry.compress_tried = True
            if made is None:
                return
            entry.headers, entry.gzip_headers, entry.gzip_body = made
            if self._entries.get(entry.key) is entry:
                self._bytes += len(entry.gzip_body)

    @staticmethod
    def _not_modified(entry: _Entry, environ) -> bool:
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None:
            if not entry.etag:
                return False
            tags = {unquote_etag(t.strip())[0] for t in if_none_match.split(",")}
            return "*" in tags or entry.etag in tags or entry.etag + _GZIP_SUFFIX in tags
        since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
        modified = parse_date(entry.last_modified)
        return bool(since and modified and modified <= since)

    def _fill(self, key, environ, start_response):
        """Run Flask; keep its answer if the view marked it as the same for every visitor."""
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            sent = [h for h in headers if h[0] not in _OWN_HEADERS]
            if any(h[0] == MARK_HEADER for h in headers):  # a stored page: later answers vary by Accept-Encoding
                sent = _with_vary(sent, "Accept-Encoding")
            return start_response(status, sent, exc_info)

        result = self.wsgi_app(environ, capture)
        headers = captured.get("headers", [])
        mark = next((v for k, v in headers if k == MARK_HEADER), None)
        cacheable = (mark is not None and captured.get("status", "").startswith("200")
                     and environ["REQUEST_METHOD"] == "GET"
                     and not any(k.lower() == "set-cookie" for k, _ in headers))
        if not cacheable:
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        token, locale, *rest = mark.split(" ")
        if locale == key[1] or not key[1]:
            # As the first reader was sent it: later answers vary by Accept-Encoding.
            kept = _with_vary([(k, v) for k, v in headers if k not in _OWN_HEADERS], "Accept-Encoding")
            lookup = {k.lower(): v for k, v in kept}
            etag = lookup.get("etag")
            entry = _Entry(token=token, status=captured["status"], headers=kept, body=body,
                           etag=unquote_etag(etag)[0] if etag else None, last_modified=lookup.get("last-modified"),
                           locale=locale, everyone=_EVERYONE in rest, key=key)
            with self._lock:
                self._drop(key)
                self._entries[key] = entry
                self._bytes += entry.size
                while len(self._entries) > self.max_entries or (self._bytes > self.max_bytes
                                                                and len(self._entries) > 1):
                    self._bytes -= self._entries.popitem(last=False)[1].size
            # The gzip copy is made once this reader has been sent the page.
            return ClosingIterator([body], lambda: self._compress(entry))
        return [body]

    def _strip_mark(self, environ, start_response):
        def strip(status, headers, exc_info=None):
            return start_response(status, [h for h in headers if h[0] not in _OWN_HEADERS], exc_info)

        return self.wsgi_app(environ, strip)


def mark_public(response, token: str, locale: str, *, everyone: bool = False):
    """Let the HTTP cache keep `response` for every visitor without a session, and a
    caching proxy in front (nginx: `X-Accel-Expires`, which it keeps to itself) for
    PUBLIC_CACHE_TTL seconds, the time a new publication may take to reach every worker
    anyway; browsers still revalidate every time (`no-cache` with the ETag).

    `everyone`: the page in `locale` is the one every reader gets, logged in or not
    (it holds nothing personal and no audience sees other sessions), so the HTTP cache
    may give it to readers with a session too."""
    response.headers[MARK_HEADER] = f"{token} {locale}" + (f" {_EVERYONE}" if everyone else "")
    ttl = current_app.config.get("PUBLIC_CACHE_TTL", 0)
    if ttl and ttl > 0:
        response.headers["X-Accel-Expires"] = str(max(1, math.ceil(ttl)))
    return response


def mark_shared(response, token: str, locale: str):
    """Tell the HTTP cache that `response`, given to a reader with a session, is the page in
    `locale` that every reader gets: it may give them the copy stored for visitors (the mark
    is taken off before the response leaves)."""
    response.headers[SHARED_HEADER] = f"{token} {locale} {_EVERYONE}"
    return response


__all__ = ["PublicPageCache", "mark_public", "mark_shared", "MARK_HEADER", "SHARED_HEADER", "quote_etag"]
