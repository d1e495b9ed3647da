"""The 17 UN Sustainable Development Goals, by number, with their official short names
(in Russian and Kazakh as the UN publishes them)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

SDG_NAMES = {
    1: _l("No poverty"),
    2: _l("Zero hunger"),
    3: _l("Good health and well-being"),
    4: _l("Quality education"),
    5: _l("Gender equality"),
    6: _l("Clean water and sanitation"),
    7: _l("Affordable and clean energy"),
    8: _l("Decent work and economic growth"),
    9: _l("Industry, innovation and infrastructure"),
    10: _l("Reduced inequalities"),
    11: _l("Sustainable cities and communities"),
    12: _l("Responsible consumption and production"),
    13: _l("Climate action"),
    14: _l("Life below water"),
    15: _l("Life on land"),
    16: _l("Peace, justice and strong institutions"),
    17: _l("Partnerships for the goals"),
}


def sdg_label(number: int):
    """The goal where the reader knows it is an SDG (a checkbox under "Sustainable Development
    Goals", an option of the SDG filter): "6 — Clean water and sanitation". Lazy: it follows
    the language of the page it is shown on."""
    return _l("%(number)d — %(name)s", number=number, name=SDG_NAMES[number])


def sdg_badge(number: int):
    """The goal on its own (a badge next to a session or track): "SDG 6 — Clean water and sanitation"."""
    return _l("SDG %(number)d — %(name)s", number=number, name=SDG_NAMES[number])
