"""Titles (honorifics) as stored and as shown in the reader's language."""
from flask_babel import lazy_gettext as _l

HONORIFICS = ["", "Mr", "Ms", "Mrs", "Dr", "Prof.", "H.E.", "Hon.", "Sir", "Dame"]
# How each title is shown; the stored value stays the English abbreviation.
HONORIFIC_LABELS = {
    "Mr": _l("Mr"), "Ms": _l("Ms"), "Mrs": _l("Mrs"), "Dr": _l("Dr"), "Prof.": _l("Prof."),
    "H.E.": _l("H.E."), "Hon.": _l("Hon."), "Sir": _l("Sir"), "Dame": _l("Dame"),
}


def honorific_label(code: str) -> str:
    """The title in the current language ("Dr" -> "д-р"), or the stored text if unknown."""
    label = HONORIFIC_LABELS.get(code)
    return str(label) if label is not None else code


def formal_name(honorific: str, given: str, family: str) -> str:
    return " ".join(p for p in (honorific_label(honorific) if honorific else "", given, family) if p)
