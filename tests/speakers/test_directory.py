"""What the public and the organisers' export read of speakers
(app/speakers/services/directory.py and the agenda's public hook)."""
from __future__ import annotations

from datetime import datetime

from app.agenda import services as agenda
from app.speakers import services as svc
from app.speakers.models import AssignmentRole as R, AssignmentState as S
from app.utils.tabular import neutralise
from tests.speakers.conftest import assign, make_speaker


# --- public hooks -------------------------------------------------------------------

def test_public_speakers_lists_accepted_only_in_order_with_role(summit):
    _event, (water, *_rest) = summit
    assign(water, make_speaker(given_name="Second", family_name="Speaker"), state=S.accepted, position=2,
           role=R.panelist)
    assign(water, make_speaker(given_name="First", family_name="Chair"), state=S.accepted, position=0,
           role=R.chair)
    assign(water, make_speaker(given_name="Not", family_name="Yet"), state=S.invited, position=1)
    assign(water, make_speaker(given_name="Said", family_name="No"), state=S.declined, position=1)
    assign(water, make_speaker(given_name="Stepped", family_name="Back"), state=S.withdrawn, position=1)

    speakers = agenda.public_speakers([water])[water.id]

    assert [(p.name, p.role, p.role_label) for p in speakers] == [
        ("First Chair", "chair", "Chair / moderator"), ("Second Speaker", "panelist", "Panelist")]


# --- export ---------------------------------------------------------------------------

def test_export_neutralises_formula_cells(summit):
    event, (water, *_rest) = summit
    speaker = make_speaker(given_name="=HYPERLINK(\"http://x\")", organisation="+Org", family_name="-Name")
    assignment = assign(water, speaker, state=S.accepted)
    assignment.av_needs = "@SUM(A1)"

    table = svc.export_table(event)

    row = dict(zip(table.keys, (neutralise(v) for v in table.rows[0])))
    assert (row["speaker"], row["organisation"], row["av_needs"], row["state"], row["role"]) == (
        "'=HYPERLINK(\"http://x\") -Name", "'+Org", "'@SUM(A1)", "Accepted", "Panelist")


def test_export_gives_times_in_the_event_zone_and_yes_no(summit):
    event, (water, *_rest) = summit
    speaker = make_speaker()
    assign(water, speaker, state=S.accepted)
    svc.profile_for(event, speaker).visa_letter_requested = True

    table = svc.export_table(event)

    row = dict(zip(table.keys, table.rows[0]))
    assert (row["starts"], row["ends"], row["visa_letter_requested"], row["visa_data_from_registration"]) == (
        datetime(2027, 4, 21, 10, 0), datetime(2027, 4, 21, 11, 30), "Yes", "No")
