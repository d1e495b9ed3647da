"""Text that organisers write once per language of the event.

An event names its languages (``Event.languages``, the first being its default).
Every text a delegate, speaker or the public reads (an event's name, a category,
a question, a room, a session's title and abstract, a biography, the wording of
emails, badges and letters) is a ``Translated`` value: one version per language,
the language it was first written in (its *source*), and, for each translation,
a fingerprint of the source text it was made from. When the source text changes,
the translations made from the old one are *stale* until someone looks at them
again.

Reading follows the reader: ``str(value)`` is the version in the current Babel
locale, else the source version, else any version, so a template, an email
rendered under ``force_locale`` or a feed asked for ``?lang=kk`` needs nothing
more. ``value.pick(lang)`` also says which language was shown, so a page can set
``lang`` on text that is not in the page's language (the ``tr`` template filter).

Storage: one text column holding JSON, e.g.
``{"en": "Water security", "ru": "Водная безопасность", "@": "en", "@from": {"ru": "1f2e3d4c"}}``.
One column per text rather than rows in a translation table: a page reads the
texts with the rows it already loads (no join, no extra query, nothing to keep in
step), the JSON is written with its letters as they are (not \\u escapes), so a
plain ``LIKE`` search matches a word in any language, on SQLite and PostgreSQL
alike. What that costs (no per-language index, no per-language constraint) does
not matter at a summit's size: a few hundred sessions, a few dozen categories.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from flask import current_app, has_app_context
from flask_babel import get_locale
from markupsafe import Markup, escape
from sqlalchemy import Text, event
from sqlalchemy.orm import Mapper
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeDecorator

SOURCE_KEY = "@"
ORIGINS_KEY = "@from"
FALLBACK_LANGUAGE = "en"


def fingerprint(text: str) -> str:
    """A short fingerprint of a source text: a translation made from it records it."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:12]


def _default_language() -> str:
    if has_app_context():
        return current_app.config.get("BABEL_DEFAULT_LOCALE", FALLBACK_LANGUAGE)
    return FALLBACK_LANGUAGE


def current_language() -> str:
    """The language pages and emails are being written in right now."""
    if has_app_context():
        locale = get_locale()
        if locale is not None:
            return locale.language
    return _default_language()


class Shown(NamedTuple):
    """The text chosen for a reader and the language it is written in."""

    text: str
    lang: str


class Translated:
    """One text in several languages; immutable. Behaves as the text in the
    reader's language wherever a string is expected (``str``, formatting,
    comparison with a string, ``len``, ``lower()``...)."""

    __slots__ = ("_texts", "_source", "_origins")

    def __init__(self, texts: Mapping[str, str] | None = None, source: str | None = None,
                 origins: Mapping[str, str] | None = None):
        cleaned = {lang: str(text) for lang, text in (texts or {}).items()
                   if isinstance(lang, str) and not lang.startswith("@") and text is not None
                   and str(text).strip()}
        if source is None:
            source = next(iter(cleaned), _default_language())
        self._texts = cleaned
        self._source = source
        given = origins or {}
        translations = [lang for lang in cleaned if lang != source]
        # A translation whose origin is not known was made from today's source. Hashing it
        # only then matters: pages read hundreds of texts whose origins are all stored.
        base = (fingerprint(cleaned.get(source, "")) if any(lang not in given for lang in translations)
                else "")
        self._origins = {lang: given.get(lang, base) for lang in translations}

    # --- building -------------------------------------------------------------------

    @classmethod
    def coerce(cls, value: Any, source: str | None = None) -> "Translated":
        """A Translated from what code and forms hand over: another Translated, a
        {language: text} mapping, or a plain string (written in `source`, by default
        the application's default language)."""
        if isinstance(value, Translated):
            return value
        if value is None:
            return cls({}, source)
        if isinstance(value, Mapping):
            return cls.from_json(value, source)
        return cls({source or _default_language(): str(value)}, source)

    @classmethod
    def from_json(cls, data: Mapping[str, Any], source: str | None = None) -> "Translated":
        texts = {k: v for k, v in data.items() if isinstance(v, str) and not k.startswith("@") and v.strip()}
        source = data.get(SOURCE_KEY) or source
        origins = data.get(ORIGINS_KEY) or {}
        if source and all(lang in origins for lang in texts if lang != source):
            # As stored by `to_json` (a published agenda reads hundreds at a time): already
            # clean, every translation's origin known; what __init__ would make, made directly.
            made = object.__new__(cls)
            made._texts = texts
            made._source = source
            made._origins = {lang: origins[lang] for lang in texts if lang != source}
            return made
        return cls(texts, source, origins)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self._source in self._texts:
            data[self._source] = self._texts[self._source]
        data.update((lang, text) for lang, text in self._texts.items() if lang != self._source)
        data[SOURCE_KEY] = self._source
        if self._origins:
            data[ORIGINS_KEY] = dict(self._origins)
        return data

    def with_text(self, lang: str, text: str | None) -> "Translated":
        """A copy with `lang`'s version set (or removed when empty). Setting the source
        language's text leaves the translations as they were, now stale if it changed;
        setting another language records the source text it was made from."""
        texts = dict(self._texts)
        origins = dict(self._origins)
        text = (text or "").strip()
        if text:
            texts[lang] = text
        else:
            texts.pop(lang, None)
        if lang != self._source:
            if text:
                origins[lang] = fingerprint(self._texts.get(self._source, ""))
            else:
                origins.pop(lang, None)
        return Translated(texts, self._source, origins)

    def merged(self, texts: Mapping[str, str | None], languages: Iterable[str] | None = None) -> "Translated":
        """A copy with every version in `texts` set; a translation keeps its origin
        when its text did not change (so saving a form does not hide staleness)."""
        result = self
        source_text = texts.get(self._source)
        if source_text is not None:
            result = result.with_text(self._source, source_text)
        for lang, text in texts.items():
            if lang == self._source or (languages is not None and lang not in languages):
                continue
            if (text or "").strip() == self._texts.get(lang, ""):
                continue
            result = result.with_text(lang, text)
        return result

    # --- reading --------------------------------------------------------------------

    @property
    def source(self) -> str:
        return self._source

    @property
    def original(self) -> str:
        """The text as first written (in the source language)."""
        return self._texts.get(self._source, "")

    @property
    def texts(self) -> dict[str, str]:
        return dict(self._texts)

    def get(self, lang: str) -> str:
        """The version in `lang` exactly, or "" (no fallback)."""
        return self._texts.get(lang, "")

    def has(self, lang: str) -> bool:
        return lang in self._texts

    def pick(self, lang: str | None = None) -> Shown:
        """The version for a reader of `lang` (default: the current locale): theirs,
        else the source, else any."""
        lang = lang or current_language()
        if lang in self._texts:
            return Shown(self._texts[lang], lang)
        if self._source in self._texts:
            return Shown(self._texts[self._source], self._source)
        for other, text in self._texts.items():
            return Shown(text, other)
        return Shown("", lang)

    def in_(self, lang: str) -> str:
        """The text for a reader of `lang`, with the same fallbacks as `pick`."""
        return self.pick(lang).text

    def is_stale(self, lang: str) -> bool:
        """True when `lang`'s version was translated from a source text that has
        changed since."""
        if lang == self._source or lang not in self._texts:
            return False
        return self._origins.get(lang) != fingerprint(self._texts.get(self._source, ""))

    def clashes_with(self, other: Any) -> bool:
        """True when some language has the same text (ignoring case and spacing) in
        both: two rooms may not share a name in any language."""
        other = Translated.coerce(other)
        return any(text.strip().casefold() == other.get(lang).strip().casefold()
                   for lang, text in self._texts.items() if other.has(lang))

    def searchable(self) -> str:
        """Every version, for a search that matches any language."""
        return " ".join(self._texts.values())

    def missing(self, languages: Iterable[str]) -> list[str]:
        return [lang for lang in languages if lang not in self._texts]

    def stale(self, languages: Iterable[str]) -> list[str]:
        return [lang for lang in languages if self.is_stale(lang)]

    # --- behaving as the reader's string ---------------------------------------------

    def __str__(self) -> str:
        return self.pick().text

    def __html__(self) -> str:
        return str(escape(str(self)))

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return f"Translated({self.to_json()!r})"

    def __bool__(self) -> bool:
        return bool(self._texts)

    def __len__(self) -> int:
        return len(str(self))

    def __contains__(self, item: str) -> bool:
        return item in str(self)

    def __iter__(self):
        return iter(str(self))

    def __getitem__(self, index):
        return str(self)[index]

    def __add__(self, other):
        return str(self) + str(other)

    def __radd__(self, other):
        return str(other) + str(self)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Translated):
            return self._texts == other._texts and self._source == other._source
        if isinstance(other, str):
            return str(self) == other
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __lt__(self, other: object) -> bool:
        return str(self) < str(other)

    def __le__(self, other: object) -> bool:
        return str(self) <= str(other)

    def __gt__(self, other: object) -> bool:
        return str(self) > str(other)

    def __ge__(self, other: object) -> bool:
        return str(self) >= str(other)

    def __hash__(self) -> int:
        # Equal to its string, so it hashes as one (a dict keyed by titles finds "Plenary").
        return hash(str(self))

    def __getattr__(self, name: str):
        # lower(), strip(), splitlines()...: the reader's string answers.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(str(self), name)


def text_in(value: Any, lang: str) -> str:
    """`value` for a reader of `lang`: a Translated picks its version, anything else
    is taken as it is."""
    if isinstance(value, Translated):
        return value.in_(lang)
    return "" if value is None else str(value)


def as_text(value: Any) -> Any:
    """A stored {language: text} mapping (a snapshot, a changelog) as a Translated;
    anything else as it is."""
    if isinstance(value, Mapping) and not isinstance(value, Translated):
        return Translated.from_json(value)
    return value


def plain_text(value: Any) -> str:
    """The reader's version of a text, a stored mapping or a plain value (for mail and
    other plain-text output)."""
    value = as_text(value)
    return "" if value is None else str(value)


def shown_markup(value: Any, page_lang: str | None = None) -> Markup:
    """Escaped text for a page in `page_lang`; a version in another language is
    wrapped in a span carrying its `lang`, so screen readers switch voice."""
    value = as_text(value)
    if not isinstance(value, Translated):
        return Markup(escape("" if value is None else value))
    page_lang = page_lang or current_language()
    shown = value.pick(page_lang)
    if shown.lang == page_lang or not shown.text:
        return Markup(escape(shown.text))
    return Markup('<span lang="{}">{}</span>').format(shown.lang, shown.text)


def lang_attribute(value: Any, page_lang: str | None = None) -> Markup:
    """' lang="xx"' when `value` is shown in another language than the page, else ''
    (for a block element holding a longer text, such as an abstract)."""
    if not isinstance(value, Translated):
        return Markup("")
    page_lang = page_lang or current_language()
    shown = value.pick(page_lang)
    if shown.lang == page_lang or not shown.text:
        return Markup("")
    return Markup(' lang="{}"').format(shown.lang)


def empty_text() -> Translated:
    """A column default: no text in any language yet."""
    return Translated()


class TranslatedText(TypeDecorator):
    """A column holding a Translated value as JSON text (see the module's note).

    Assigning a plain string stores it as the default language's version; reading
    always gives a Translated (empty when the column is empty)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = Translated.coerce(value)
        return json.dumps(value.to_json(), ensure_ascii=False, separators=(",", ":"))

    def process_result_value(self, value, dialect):
        if value is None or value == "":
            return Translated()
        try:
            data = json.loads(value)
        except ValueError:
            return Translated.coerce(value)
        if isinstance(data, dict):
            return Translated.from_json(data)
        return Translated.coerce(str(data))

    def compare_values(self, x, y):
        # Two values are the same only when every version and every origin is: a
        # translation confirmed as still right changes nothing a reader sees, but
        # must be saved.
        if isinstance(x, Translated) and isinstance(y, Translated):
            return x.to_json() == y.to_json()
        return x == y

    def coerce_compared_value(self, op, value):
        # `column == "Hall C"` compares with that text stored as the default
        # language's only version; LIKE/ILIKE compare with the stored JSON as plain
        # text, so a search finds a word in any language.
        if op in (operators.eq, operators.ne, operators.in_op, operators.not_in_op):
            return self
        return Text()


@event.listens_for(Mapper, "mapper_configured")
def _coerce_on_assignment(mapper, class_) -> None:
    """Whatever code assigns to a multilingual column (a string, a {language: text}
    mapping) reads back at once as a Translated, before and after it is saved."""
    for prop in mapper.column_attrs:
        if any(isinstance(column.type, TranslatedText) for column in prop.columns):
            event.listen(getattr(class_, prop.key), "set", _coerce_value, retval=True)


def _coerce_value(target, value, oldvalue, initiator):
    return None if value is None else Translated.coerce(value)
