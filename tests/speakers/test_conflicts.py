"""Speaker conflicts the agenda shows (app/speakers/conflicts.py)."""
from __future__ import annotations

from datetime import date

from app.agenda import services as agenda
from app.speakers import services as svc
from app.speakers.models import AssignmentState as S
from tests.speakers.conftest import assign, make_speaker


def test_speakers_in_two_overlapping_sessions_are_a_conflict(summit):
    event, (water, finance, workshop) = summit
    speaker = make_speaker(given_name="Busy", family_name="Person")
    assign(water, speaker, state=S.accepted)
    assign(finance, speaker, state=S.invited)
    assign(workshop, speaker, state=S.accepted)

    kinds = [(c.kind, c.session_ids) for c in agenda.find_conflicts(event) if c.kind == "speaker"]
    named = [c.message for c in __import__("app.speakers.conflicts", fromlist=["x"]).speaker_conflicts(
        agenda.sessions_of(event), event)]

    assert kinds == [("speaker", (water.id, finance.id))]
    assert named == ["Busy Person is due in “Aral Sea basin cooperation” and “Green bonds” at the same time."]


def test_declined_speaker_is_no_conflict(summit):
    event, (water, finance, _w) = summit
    speaker = make_speaker()
    assign(water, speaker, state=S.accepted)
    assign(finance, speaker, state=S.declined)

    assert [c for c in agenda.find_conflicts(event) if c.kind in ("speaker", "availability")] == []


def test_speaker_outside_their_available_dates_is_a_conflict(summit):
    event, (water, _finance, workshop) = summit
    speaker = make_speaker(given_name="Late", family_name="Arrival")
    assign(water, speaker, state=S.accepted)
    assign(workshop, speaker, state=S.accepted)
    profile = svc.profile_for(event, speaker)
    svc.update_travel(profile, {"available_from": date(2027, 4, 22), "available_until": date(2027, 4, 23)},
                      actor=speaker)

    found = [(c.kind, c.session_ids, c.message) for c in agenda.find_conflicts(event) if c.kind == "availability"]

    assert found == [("availability", (water.id,),
                      "Late Arrival is available from 22 Apr 2027 to 23 Apr 2027, but “Aral Sea basin cooperation” "
                      "is on 21 Apr 2027.")]
