"""Session abstracts in Markdown: what is refused, and the safe HTML they become."""
from __future__ import annotations

import html
import re

import nh3
from flask_babel import gettext as _
from markdown_it import MarkdownIt
from markupsafe import Markup

from app.utils.translated import Translated

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre", "h3", "h4", "h5",
                 "h6", "hr"}
_DANGEROUS = re.compile(r"<\s*/?\s*(script|iframe|object|embed|style)\b|(java|vb)script\s*:|data\s*:\s*text/html",
                        re.I)
_INVISIBLE = re.compile(r"[\s\x00-\x1f\u200b-\u200d\ufeff]+")


def markdown_problem(text: str) -> str | None:
    """Why a Markdown abstract is refused, or None: scripts and script links never pass.

    The text is unescaped and stripped of invisible characters first, so
    `java&#115;cript:` or `java\\tscript:` are caught as well.
    """
    if isinstance(text, Translated):
        return next((problem for version in text.texts.values() if (problem := markdown_problem(version))), None)
    if not text:
        return None
    unescaped = html.unescape(text)
    squeezed = _INVISIBLE.sub("", unescaped)
    if _DANGEROUS.search(unescaped) or _DANGEROUS.search(squeezed):
        return _("Scripts and script links are not allowed in the abstract.")
    return None


def render_markdown(text: str) -> Markup:
    """Markdown to safe HTML: raw HTML is escaped, links limited to http(s) and mailto.
    A multilingual text is rendered in the reader's language."""
    if not text:
        return Markup("")
    rendered = _md.render(str(text))
    cleaned = nh3.clean(rendered, tags=_ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                        url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")
    return Markup(cleaned)
