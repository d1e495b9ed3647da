"""The event stylesheet picks a readable text colour for the event's colours."""
from __future__ import annotations

import re

import pytest

from tests.factories import make_event


def _variables(client, event) -> dict[str, str]:
    response = client.get(f"/e/{event.slug}/theme.css")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    return dict(re.findall(r"(--kt-[a-z-]+): (#[0-9a-fA-F]{6});", response.get_data(as_text=True)))


@pytest.mark.parametrize("primary,accent,on_primary,on_accent", [
    ("#0b5d3b", "#1f6fb2", "#ffffff", "#ffffff"),  # the defaults: dark, white text
    ("#f5e663", "#9fd3ff", "#111111", "#111111"),  # light colours: dark text
    ("#767676", "#777777", "#ffffff", "#111111"),  # either side of 4.5:1 against white
])
def test_theme_text_colour_readable_on_event_colours(client, db, primary, accent, on_primary, on_accent):
    event = make_event(primary_colour=primary, accent_colour=accent)
    db.session.commit()
    variables = _variables(client, event)
    assert variables["--kt-primary"] == primary
    assert variables["--kt-on-primary"] == on_primary
    assert variables["--kt-accent"] == accent
    assert variables["--kt-on-accent"] == on_accent
    assert ("--kt-link" in variables) == (on_accent == "#ffffff")


def test_theme_light_header_gets_a_dark_menu_icon(client, db):
    event = make_event(primary_colour="#f5e663")
    db.session.commit()
    css = client.get(f"/e/{event.slug}/theme.css").get_data(as_text=True)
    assert ".navbar-toggler-icon { background-image: var(--kt-toggler-dark); }" in css
