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

Each stored page is also kept gzip-compressed, made once when it is stored, and given to
every visitor whose browser accepts gzip (all of them do): the agenda of a summit is a
few hundred KB of HTML and about a tenth of that compressed, which matters on a phone on
the venue's network, and the load balancer in front then passes it on as it is instead of
compressing it again for every request.
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
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, parse_date, quote_etag, unquote_etag

from app.agenda.cache import public_state
from app.extensions import db

MARK_HEADER = "X-Public-Cache"
_PATHS = re.compile(r"^/e/(?P<slug>[A-Za-z0-9-]{1,64})/(?:agenda|schedule\.json|schedule\.xml|agenda\.ics"
                    r"|sessions/\d{1,10}|speakers|speakers/\d{1,10})$")
# The per-user overlay of the shared pages (app.main.overlay): a visitor without a
# session has nothing personal to lay over them, so the answer is always this one.
_OVERLAY = re.compile(r"^/e/[A-Za-z0-9-]{1,64}/overlay\.json$")
VISITOR_OVERLAY = b'{"authenticated":false}'
# Stored responses are bounded by their total size as well as by their number: per worker,
# beside the rendered bodies (`cache`); the least recently asked for are dropped first.
_MAX_BYTES = 16 * 1024 * 1024
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

    # -- what may be answered from here ---------------------------------------------

    def _cookie_name(self) -> str:
        return self.flask_app.config["SESSION_COOKIE_NAME"]

    def _eligible(self, environ) -> re.Match | None:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or environ.get("QUERY_STRING"):
            return None
        if f"{self._cookie_name()}=" in environ.get("HTTP_COOKIE", ""):
            return None
        return _PATHS.match(environ.get("PATH_INFO", ""))

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
        key = (environ["PATH_INFO"], self._locale(environ))
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None:
            if entry.token == self.current_token(match["slug"]):
                return self._serve(entry, environ, start_response)
            with self._lock:
                self._drop(key)
        return self._fill(key, environ, start_response)

    def _drop(self, key) -> None:
        """Forget one stored response (the caller holds the lock)."""
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= entry.size

    def _serve(self, entry: _Entry, environ, start_response):
        compressed = entry.gzip_body is not None and accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING"))
        headers, body = (entry.gzip_headers, entry.gzip_body) if compressed else (entry.headers, entry.body)
        if self._not_modified(entry, environ):
            start_response("304 NOT MODIFIED", [(k, v) for k, v in headers if k.lower() not in _NOT_MODIFIED_DROP])
            return [b""]
        start_response(entry.status, list(headers))
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    @staticmethod
    def _compress(entry: _Entry) -> None:
        """Keep a gzip copy of a text body, with its own ETag (another representation)."""
        lookup = {k.lower(): v for k, v in entry.headers}
        if (len(entry.body) < _MIN_COMPRESS or "content-encoding" in lookup
                or not _COMPRESSIBLE.match(lookup.get("content-type", ""))):
            return
        body = gzip.compress(entry.body, compresslevel=_GZIP_LEVEL, mtime=0)
        entry.headers = _with_vary(entry.headers, "Accept-Encoding")
        headers = []
        for name, value in entry.headers:
            if name.lower() == "content-length":
                value = str(len(body))
            elif name.lower() == "etag" and entry.etag:
                value = quote_etag(entry.etag + _GZIP_SUFFIX)
            headers.append((name, value))
        headers.append(("Content-Encoding", "gzip"))
        entry.gzip_headers, entry.gzip_body = headers, body

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
            sent = [h for h in headers if h[0] != MARK_HEADER]
            if len(sent) < len(headers):  # a stored page: later answers vary by Accept-Encoding
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
        token, _, locale = mark.partition(" ")
        if locale == key[1] or not key[1]:
            kept = [(k, v) for k, v in headers if k != MARK_HEADER]
            lookup = {k.lower(): v for k, v in kept}
            etag = lookup.get("etag")
            entry = _Entry(token=token, status=captured["status"], headers=kept, body=body,
                           etag=unquote_etag(etag)[0] if etag else None, last_modified=lookup.get("last-modified"))
            self._compress(entry)
            with self._lock:
                self._drop(key)
                self._entries[key] = entry
                self._bytes += entry.size
                while len(self._entries) > self.max_entries or (self._bytes > self.max_bytes
                                                                and len(self._entries) > 1):
                    self._bytes -= self._entries.popitem(last=False)[1].size
        return [body]

    def _strip_mark(self, environ, start_response):
        def strip(status, headers, exc_info=None):
            return start_response(status, [h for h in headers if h[0] != MARK_HEADER], exc_info)

        return self.wsgi_app(environ, strip)


def mark_public(response, token: str, locale: str):
    """Let the HTTP cache keep `response` for every visitor without a session, and a
    caching proxy in front (nginx: `X-Accel-Expires`, which it keeps to itself) for
    PUBLIC_CACHE_TTL seconds, the time a new publication may take to reach every worker
    anyway; browsers still revalidate every time (`no-cache` with the ETag)."""
    response.headers[MARK_HEADER] = f"{token} {locale}"
    ttl = current_app.config.get("PUBLIC_CACHE_TTL", 0)
    if ttl and ttl > 0:
        response.headers["X-Accel-Expires"] = str(max(1, math.ceil(ttl)))
    return response


__all__ = ["PublicPageCache", "mark_public", "MARK_HEADER", "quote_etag"]
