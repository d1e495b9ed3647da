"""Links that leave the site (emails, PDFs, QR codes)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request


def external_url(endpoint: str, **values) -> str:
    """An absolute URL built from the configured SERVER_NAME and scheme.

    Never from the request's Host header: a forged Host must not be able to
    point a password-reset link at someone else's server.
    """
    config = current_app.config
    adapter = current_app.url_map.bind(
        config["SERVER_NAME"],
        url_scheme=config["PREFERRED_URL_SCHEME"],
        script_name=config.get("APPLICATION_ROOT") or "/",
    )
    return adapter.build(endpoint, values, force_external=True)


def is_safe_next(target: str | None) -> bool:
    """Only same-site relative paths may be redirected to after login."""
    if not target:
        return False
    target = target.strip()
    if target.startswith(("//", "\\", "/\\")) or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/")


def safe_next(default: str) -> str:
    target = request.values.get("next")
    # The same trimmed value that was checked is the one used.
    return target.strip() if is_safe_next(target) else default
