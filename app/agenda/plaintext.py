"""Markdown abstracts as plain text, for formats that show text as written (iCalendar).

Formatting marks go; paragraphs stay apart, list items keep a bullet or their
number, and a link keeps its address after its words.
"""
from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def _inline(children) -> str:
    parts: list[str] = []
    links: list[str] = []
    for token in children or []:
        if token.type in ("text", "code_inline", "html_inline"):
            parts.append(token.content)
        elif token.type == "softbreak":
            parts.append("\n")
        elif token.type == "hardbreak":
            parts.append("\n")
        elif token.type == "image":
            parts.append(token.content or "")
        elif token.type == "link_open":
            links.append(str(token.attrs.get("href") or ""))
            parts.append("\0")  # where the link's words start
        elif token.type == "link_close" and links:
            href = links.pop()
            start = len(parts) - 1 - parts[::-1].index("\0")
            words = "".join(parts[start + 1:])
            parts[start:] = [words if not href or href in (words, f"mailto:{words}") else f"{words} ({href})"]
    return "".join(parts)


def markdown_to_text(text: str) -> str:
    """`text` (CommonMark) as plain text: blocks separated by a blank line, list items
    on their own lines ("- " or "1. "), link addresses kept in brackets."""
    if not text:
        return ""
    return _plain(str(text))  # a multilingual text: the reader's version


# Feeds write every confirmed speaker's biography and every session's abstract: parsing
# them again on each publication took most of the time of schedule.json. The answer
# depends on the text alone; bounded (a summit has a few thousand texts in all its languages).
@lru_cache(maxsize=4096)
def _plain(text: str) -> str:
    blocks: list[str] = []
    lists: list[list] = []   # [ordered, next number] per open list
    item_prefix = ""
    new_block = True
    for token in _md.parse(text):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            new_block = new_block or not lists
            ordered = token.type == "ordered_list_open"
            lists.append([ordered, int(token.attrs.get("start") or 1) if ordered else 0])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open" and lists:
            ordered, number = lists[-1]
            indent = "  " * (len(lists) - 1)
            item_prefix = f"{indent}{number}. " if ordered else f"{indent}- "
            if ordered:
                lists[-1][1] += 1
        elif token.type == "inline":
            line = _inline(token.children)
            if item_prefix:
                line, item_prefix = item_prefix + line, ""
                if not new_block:
                    blocks[-1] += "\n" + line   # items of one list sit on consecutive lines
                    continue
            blocks.append(line)
            new_block = not lists
        elif token.type in ("fence", "code_block"):
            blocks.append(token.content.rstrip("\n"))
            new_block = True
    return "\n\n".join(b for b in blocks if b.strip()).strip()
