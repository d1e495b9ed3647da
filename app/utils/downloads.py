"""Names of downloaded files (RFC 6266).

A file named after a person or an event keeps its letters, Cyrillic and Kazakh
included, in `filename*` (UTF-8, percent-encoded); `filename` carries an ASCII
spelling of the same name for the few clients that read only that.
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

# Russian and Kazakh letters in Latin, after the common passport spelling; any other
# letter loses its accents or becomes "_".
_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u",
     "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "iu", "ia", "a", "g", "q", "n", "o", "u", "u", "h",
     "i"]))


def _latin(char: str) -> str:
    lower = char.lower()
    if lower in _CYRILLIC:
        latin = _CYRILLIC[lower]
        return latin.capitalize() if char != lower else latin
    plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
    return plain or "_"


def ascii_filename(name: str) -> str:
    """`name` in printable ASCII without quotes or backslashes (the `filename` fallback)."""
    text = "".join(c if c.isascii() else _latin(c) for c in name)
    text = re.sub(r'[^\x20-\x7e]|["\\]', "_", text)
    return re.sub(r"_+", "_", text) or "download"


def filename_part(text: str, default: str) -> str:
    """A piece of a file name from a person's or event's name: letters (of any script),
    digits, _ and -, at most 60 characters; `default` when nothing is left."""
    return re.sub(r"[^\w-]+", "-", text or "").strip("-_")[:60] or default


def content_disposition(filename: str, *, attachment: bool = True) -> str:
    """A Content-Disposition value naming `filename`, with `filename*` when it is not ASCII."""
    kind = "attachment" if attachment else "inline"
    fallback = ascii_filename(filename)
    value = f'{kind}; filename="{fallback}"'
    if fallback != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value
