"""What a package says about its multilingual texts, for the translation pages.

Each package holding organiser-written texts lists them as `TextKind`s in its
``texts.py`` (``KINDS``); the organiser area reads every package's kinds to show
what is missing or stale per language and to exchange texts with translators.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

# What each text is called on the translation pages and in the files sent to translators.
FIELD_LABELS = {
    "title": _l("Title"), "short_title": _l("Short title"), "description": _l("Description"), "venue": _l("Venue"),
    "city": _l("City"), "practical_info": _l("Practical information"), "privacy_notice": _l("Privacy notice"),
    "name": _l("Name"), "label": _l("Question"), "help": _l("Help text"), "location": _l("Location"),
    "abstract": _l("Abstract"), "bio": _l("Biography"),
}


@dataclass(frozen=True)
class TextKind:
    """One kind of thing with texts, e.g. sessions with a title and an abstract.

    `load(event)` returns the event's things of this kind in one query (in the order
    the organiser sees them); `describe(obj)` names one of them for a list (a text, or a multilingual one);
    `edit_url(event, obj)` is where its texts are edited.

    Most texts are columns named in `fields`. A thing whose texts are held otherwise
    (a question's choices, in one list) gives `texts(obj)`, its (name, multilingual
    text) pairs, and `store(obj, {name: text})`, the column values that keep changed
    texts. `check(name, text)` may refuse a translation (a reason, or None for fine),
    e.g. a letter's wording with a placeholder the letter does not know. `labels`
    names texts that FIELD_LABELS does not.
    """

    key: str
    label: Any
    fields: tuple[str, ...]
    load: Callable[[Any], Sequence[Any]]
    describe: Callable[[Any], Any]
    edit_url: Callable[[Any, Any], str]
    texts: Callable[[Any], Iterable[tuple[str, Any]]] | None = None
    store: Callable[[Any, dict], dict] | None = None
    check: Callable[[str, str], Any] | None = None
    # Names for this kind's texts where FIELD_LABELS has none ("*": for every text).
    labels: dict[str, Any] | None = None

    def field_label(self, name: str) -> Any:
        """What the text `name` of this kind is called ("Title", "Letter text")."""
        labels = self.labels or {}
        return labels.get(name) or labels.get("*") or FIELD_LABELS.get(name) or name

    def values(self, obj) -> list[tuple[str, Any]]:
        """The (name, text) pairs of one thing."""
        if self.texts is not None:
            return list(self.texts(obj))
        return [(name, getattr(obj, name)) for name in self.fields]

    def columns(self, obj, changed: dict) -> dict:
        """The column values that keep `changed` ({name: text}) on `obj`."""
        return self.store(obj, changed) if self.store is not None else dict(changed)
