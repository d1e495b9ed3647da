"""Request-level security: proxies, session lifetime, response headers."""
from __future__ import annotations

from flask import Flask, current_app, flash, request, session
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.middleware.proxy_fix import ProxyFix

from app.utils.time import utcnow

CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
       "font-src 'self'; connect-src 'self'; media-src 'self' blob:; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")


def init_app(app: Flask) -> None:
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        # Only the last `proxies` hops of X-Forwarded-For are believed; anything a
        # client puts further left is ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0, x_port=0)

    app.before_request(enforce_session_lifetime)
    app.after_request(set_security_headers)


def enforce_session_lifetime():
    """End sessions that sat idle too long or have lived past the absolute limit."""
    if request.endpoint in (None, "static", "bootstrap.static", "main.healthz", "main.readyz"):
        return
    if not current_user.is_authenticated:
        return
    now = int(utcnow().timestamp())
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    absolute = current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    auth_at = session.get("auth_at", 0)
    seen_at = session.get("seen_at", 0)
    if now - seen_at > idle or now - auth_at > absolute:
        logout_user()
        session.clear()
        flash(_("Your session has ended. Please log in again."), "info")
        return
    if now - seen_at >= 30:  # avoid rewriting the cookie on every request
        session["seen_at"] = now


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config.get("HSTS"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if (response.mimetype == "text/html" and "Cache-Control" not in headers
            and getattr(current_user, "is_authenticated", False)):
        headers["Cache-Control"] = "private, no-store"
    return response
