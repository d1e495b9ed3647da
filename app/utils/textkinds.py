"""What a package says about its multilingual texts, for the translation pages.

Each package holding organiser-written texts lists them as `TextKind`s in its
``texts.py`` (``KINDS``); the organiser area reads every package's kinds to show
what is missing or stale per language and to exchange texts with translators.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TextKind:
    """One kind of thing with texts, e.g. sessions with a title and an abstract.

    `load(event)` returns the event's things of this kind in one query (in the order
    the organiser sees them); `describe(obj)` names one of them for a list (a text, or a multilingual one);
    `edit_url(event, obj)` is where its texts are edited.
    """

    key: str
    label: Any
    fields: tuple[str, ...]
    load: Callable[[Any], Sequence[Any]]
    describe: Callable[[Any], Any]
    edit_url: Callable[[Any, Any], str]
