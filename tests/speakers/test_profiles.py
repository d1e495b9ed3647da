"""Profiles, availability and travel (app/speakers/services/profiles.py)."""
from __future__ import annotations

from datetime import date

import pytest

from app.speakers import services as svc
from tests.speakers.conftest import assign, make_speaker


def test_travel_with_dates_in_the_wrong_order_is_refused(summit):
    event, (water, *_rest) = summit
    speaker = make_speaker()
    assign(water, speaker)
    profile = svc.profile_for(event, speaker)

    with pytest.raises(svc.SpeakerError) as error:
        svc.update_travel(profile, {"arrival_date": date(2027, 4, 22), "departure_date": date(2027, 4, 20)},
                          actor=speaker)
    assert error.value.field == "departure_date"


# --- profiles -------------------------------------------------------------------------

def test_bio_longer_than_the_limit_is_refused(summit):
    event, (water, *_rest) = summit
    speaker = make_speaker()
    assign(water, speaker)

    with pytest.raises(svc.SpeakerError) as error:
        svc.update_profile(svc.profile_for(event, speaker), {}, {"bio": "x" * 100_000}, actor=speaker)
    assert error.value.field == "bio"


def test_bio_is_rendered_without_html(summit):
    event, (water, *_rest) = summit
    speaker = make_speaker()
    assign(water, speaker)
    profile = svc.profile_for(event, speaker)
    svc.update_profile(profile, {}, {"bio": "**Hydrologist** <img src=x onerror=alert(1)>"}, actor=speaker)

    assert str(svc.bio_html(profile)) == (
        "<p><strong>Hydrologist</strong> &lt;img src=x onerror=alert(1)&gt;</p>\n")
