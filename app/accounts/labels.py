"""Forms of address (titles) as stored and as shown in the reader's language, and the
greeting of a letter or email built from them.

A person's form of address is one of FORMS_OF_ADDRESS, chosen from a list, never typed:
Russian and Kazakh greetings are built from it (the Russian adjective agrees with
«господин»/«госпожа»; Kazakh puts «мырза»/«ханым» after the given name and greets an
Excellency with «Аса құрметті»), which no free text could tell.
"""
from flask_babel import lazy_gettext as _l, lazy_pgettext

# "" is no title at all; "Mx" a title that says nothing of the person's sex.
FORMS_OF_ADDRESS = ["", "Mr", "Ms", "Mx", "Dr", "Prof.", "H.E.", "Hon."]
HONORIFICS = FORMS_OF_ADDRESS
# Values written before forms of address were a fixed list (older choices, CSV files,
# the API), each read as the form of address it stands for.
EARLIER_VALUES = {
    "mr": "Mr", "mr.": "Mr", "sir": "Mr", "ms": "Ms", "ms.": "Ms", "mrs": "Ms", "mrs.": "Ms", "miss": "Ms",
    "dame": "Ms", "mx": "Mx", "mx.": "Mx", "dr": "Dr", "dr.": "Dr", "prof": "Prof.", "prof.": "Prof.",
    "professor": "Prof.", "h.e.": "H.E.", "h.e": "H.E.", "he": "H.E.", "hon": "Hon.", "hon.": "Hon.",
}
# How each title is offered in the title field and named in a "Title" column: the
# translation may explain itself there ("Г-жа (Ms)"), since the reader is choosing or
# reading the title on its own. The stored value stays the English abbreviation.
HONORIFIC_LABELS = {
    "Mr": _l("Mr"), "Ms": _l("Ms"), "Mx": _l("Mx"), "Dr": _l("Dr"), "Prof.": _l("Prof."),
    "H.E.": _l("H.E."), "Hon.": _l("Hon."),
}
# How each title is printed in front of a name (agenda, lists, badges, letters): the
# short, formal form a protocol list would use ("Г-жа Amina Diallo").
PRINTED_HONORIFICS = {
    "Mr": lazy_pgettext("before a name", "Mr"), "Ms": lazy_pgettext("before a name", "Ms"),
    "Mx": lazy_pgettext("before a name", "Mx"), "Dr": lazy_pgettext("before a name", "Dr"),
    "Prof.": lazy_pgettext("before a name", "Prof."), "H.E.": lazy_pgettext("before a name", "H.E."),
    "Hon.": lazy_pgettext("before a name", "Hon."),
}


def form_of_address(value: str | None) -> str:
    """The form of address a stored or submitted title stands for ("Mrs" -> "Ms"); a value
    that names none is kept as it is (shown as typed, greeted without a title)."""
    value = (value or "").strip()
    if value in FORMS_OF_ADDRESS:
        return value
    return EARLIER_VALUES.get(value.lower(), value)


def honorific_label(code: str) -> str:
    """The title on its own in the current language ("Ms" -> "Г-жа (Ms)"), or the stored text if unknown."""
    label = HONORIFIC_LABELS.get(form_of_address(code))
    return str(label) if label is not None else code


def printed_honorific(code: str) -> str:
    """The title as printed before a name ("Ms" -> "Г-жа"), or the stored text if unknown."""
    label = PRINTED_HONORIFICS.get(form_of_address(code))
    return str(label) if label is not None else code


def formal_name(honorific: str, given: str, family: str, *, title: str | None = None) -> str:
    """Title, given and family name as printed ("Г-жа Amina Diallo"); the title comes first in every language.
    `title`: the title already printed in the current language (for many names at once)."""
    if title is None:
        title = printed_honorific(honorific) if honorific else ""
    return " ".join(p for p in (title, given, family) if p)


# The greeting for each form of address. The wording names {given} and {family} in braces,
# so each language takes the part of the name it needs: Russian the family name after
# «господин»/«госпожа», Kazakh the given name before «мырза»/«ханым».
GREETINGS = {
    "Mr": lazy_pgettext("greeting Mr", "Dear Mr {family},"),
    "Ms": lazy_pgettext("greeting Ms", "Dear Ms {family},"),
    "Mx": lazy_pgettext("greeting Mx", "Dear Mx {family},"),
    "Dr": lazy_pgettext("greeting Dr", "Dear Dr {family},"),
    "Prof.": lazy_pgettext("greeting Prof.", "Dear Professor {family},"),
    "H.E.": lazy_pgettext("greeting H.E.", "Your Excellency,"),
    "Hon.": lazy_pgettext("greeting Hon.", "Dear {given} {family},"),
    "": lazy_pgettext("greeting without a title", "Dear {given} {family},"),
}


def greeting(honorific: str, given: str, family: str) -> str:
    """The salutation of a letter or email in the current language, in the grammatical form
    the person's form of address asks for: "Dear Ms Diallo," / «Уважаемая госпожа Диалло!» /
    «Құрметті Амина ханым!»; «Ваше Превосходительство!» / «Аса құрметті Айдос Жақсылықов!».
    A title that names no form of address is greeted as no title."""
    given, family = (given or "").strip(), (family or "").strip()
    given, family = given or family, family or given
    wording = str(GREETINGS.get(form_of_address(honorific), GREETINGS[""]))
    # Plain replacement, not str.format: a name is never read as a format.
    return wording.replace("{given}", given).replace("{family}", family)
