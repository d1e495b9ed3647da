"""Titles (honorifics) as stored and as shown in the reader's language."""
from flask_babel import gettext, lazy_gettext as _l, lazy_pgettext, pgettext

HONORIFICS = ["", "Mr", "Ms", "Mrs", "Dr", "Prof.", "H.E.", "Hon.", "Sir", "Dame"]
# How each title is offered in the title field and named in a "Title" column: the
# translation may explain itself there ("Г-жа (Ms)"), since the reader is choosing or
# reading the title on its own. The stored value stays the English abbreviation.
HONORIFIC_LABELS = {
    "Mr": _l("Mr"), "Ms": _l("Ms"), "Mrs": _l("Mrs"), "Dr": _l("Dr"), "Prof.": _l("Prof."),
    "H.E.": _l("H.E."), "Hon.": _l("Hon."), "Sir": _l("Sir"), "Dame": _l("Dame"),
}
# How each title is printed in front of a name (agenda, lists, badges, letters): the
# short, formal form a protocol list would use ("Г-жа Amina Diallo").
PRINTED_HONORIFICS = {
    "Mr": lazy_pgettext("before a name", "Mr"), "Ms": lazy_pgettext("before a name", "Ms"),
    "Mrs": lazy_pgettext("before a name", "Mrs"), "Dr": lazy_pgettext("before a name", "Dr"),
    "Prof.": lazy_pgettext("before a name", "Prof."), "H.E.": lazy_pgettext("before a name", "H.E."),
    "Hon.": lazy_pgettext("before a name", "Hon."), "Sir": lazy_pgettext("before a name", "Sir"),
    "Dame": lazy_pgettext("before a name", "Dame"),
}


def honorific_label(code: str) -> str:
    """The title on its own in the current language ("Ms" -> "Г-жа (Ms)"), or the stored text if unknown."""
    label = HONORIFIC_LABELS.get(code)
    return str(label) if label is not None else code


def printed_honorific(code: str) -> str:
    """The title as printed before a name ("Ms" -> "Г-жа"), or the stored text if unknown."""
    label = PRINTED_HONORIFICS.get(code)
    return str(label) if label is not None else code


def formal_name(honorific: str, given: str, family: str) -> str:
    """Title, given and family name as printed ("Г-жа Amina Diallo"); the title comes first in every language."""
    return " ".join(p for p in (printed_honorific(honorific) if honorific else "", given, family) if p)


# Titles that say whether the person is a man or a woman: Russian greets them as
# «Уважаемый» or «Уважаемая»; other titles keep the form that fits both.
MEN = {"Mr", "Sir"}
WOMEN = {"Ms", "Mrs", "Dame"}


def greeting(honorific: str, name: str) -> str:
    """The salutation of a letter or email ("Dear Ms Amina Diallo," / «Уважаемая Г-жа Amina Diallo!»)."""
    if honorific in MEN:
        return pgettext("greeting a man", "Dear %(name)s,", name=name)
    if honorific in WOMEN:
        return pgettext("greeting a woman", "Dear %(name)s,", name=name)
    return gettext("Dear %(name)s,", name=name)
