"""Template globals and filters: permissions, navigation, dates in the event's zone."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, current_app, g, has_request_context, request
from flask_login import current_user

from app.accounts.labels import greeting
from app.audit.labels import action_choices, action_label
from app.main.nav import event_nav
from app.organiser.nav import nav_for
from app.policy import can
from app.utils.charts import cell_display
from app.utils.countries import country_name
# The formatting helpers, importable from here as before.
from app.utils.formatting import (STYLES, _locale, date_range, event_datetime, event_time,  # noqa: F401
                                  language_name, language_names, local_date, number, utc_iso)
from app.utils.time import utcnow
from app.utils.translated import lang_attribute, plain_text, shown_markup


def _path_without_lang() -> str:
    """This page's path and query, without ?lang= (it would outrank a language chosen later)."""
    if not has_request_context():  # mail rendered by a command or the worker
        return "/"
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return request.path + (f"?{urlencode(args)}" if args else "")


def _audit_value(value) -> str:
    """A value in the audit log's changes: a multilingual text as "en: …; ru: …"."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        return "; ".join(f"{lang}: {text}" for lang, text in value.items())
    return str(value)


def init_app(app: Flask) -> None:
    @app.context_processor
    def inject():
        event = g.get("event")
        # The user itself, not the proxy: a page asks `can` dozens of times, and each
        # attribute read through the proxy looks the user up again.
        user = current_user._get_current_object() if has_request_context() else current_user
        return {
            "can": lambda action, target=None: can(user, action, target),
            "current_event": event,
            "organiser_nav": (lambda ev: nav_for(user, ev)),
            "event_nav": (lambda ev: event_nav(user, ev)),
            "languages": current_app.config["LANGUAGES"],
            "current_locale": _locale(),
            "request_path": _path_without_lang(),
        }

    app.jinja_env.filters.update(
        event_datetime=event_datetime,
        event_time=event_time,
        local_date=local_date,
        language_name=language_name,
        utc_iso=utc_iso,
        country_name=lambda code: country_name(code, _locale()),
        language_names=language_names,
        action_label=action_label,
        # Organiser-written text in the page's language; another language's version
        # carries its lang attribute (tr: inline, langattr: on a block's own tag).
        tr=shown_markup,
        text=plain_text,
        audit_value=_audit_value,
        langattr=lang_attribute,
        number=number,
        chart_number=cell_display,
    )
    app.jinja_env.globals.update(
        action_choices=action_choices,
        date_range=date_range,
        greeting=lambda person: greeting(person.honorific, person.given_name, person.family_name),
        now_utc=utcnow,
    )
