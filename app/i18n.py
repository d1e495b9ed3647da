"""Choosing the language of a request."""
from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_login import current_user


def select_locale() -> str:
    """An explicit ?lang=, then the choice remembered in the session, then the
    user's profile, then the browser's Accept-Language. Outside a request (command
    line, mail worker) the default language."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked in languages:
        return asked
    remembered = session.get("lang")
    if remembered in languages:
        return remembered
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(list(languages)) or current_app.config["BABEL_DEFAULT_LOCALE"]


# The CLDR data that writes dates and times for each interface language. The English
# of the interface is British (organiser, programme), and the summit keeps Astana's
# 24-hour clock: American data would write "11/29/26, 7:20 AM", read in most of the
# region as the 11th of a 29th month.
FORMATTING_LOCALES = {"en": "en_GB"}


def formatting_locale(language: str) -> str:
    """The Babel locale that formats dates and times for an interface `language`."""
    return FORMATTING_LOCALES.get(language, language)


def content_language(default: str) -> str:
    """The language a feed or file is written in for this request: an explicit ?lang=,
    else the best of the browser's or app's Accept-Language, else `default` (the
    event's own language, or the reader's). Neither the session nor the profile
    counts: the same address and headers always give the same body, so it can be
    cached and shared."""
    languages = list(current_app.config["LANGUAGES"])
    if has_request_context():
        asked = request.args.get("lang")
        if asked in languages:
            return asked
        accepted = request.accept_languages.best_match(languages)
        if accepted:
            return accepted
    return default if default in languages else current_app.config["BABEL_DEFAULT_LOCALE"]
