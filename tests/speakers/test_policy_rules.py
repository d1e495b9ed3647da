"""The speaker rules of app/policy/rules.py."""
from __future__ import annotations

from app.events.models import EventRole
from app.extensions import db
from app.policy import can
from app.speakers import services as svc
from app.speakers.models import AssignmentState as S
from tests.factories import grant, make_event, make_user
from tests.speakers.conftest import assign, make_speaker


# --- policy ---------------------------------------------------------------------------

def test_speaker_portal_rule_needs_an_assignment_in_that_event(summit):
    event, (water, *_rest) = summit
    speaker, delegate = make_speaker(), make_user()
    assign(water, speaker, state=S.declined)

    assert (can(speaker, "speaker.portal", event), can(delegate, "speaker.portal", event),
            can(speaker, "speaker.portal", make_event("other"))) == (True, False, False)


def test_speaker_manage_session_respects_track_scope(summit):
    event, (water, finance, workshop) = summit
    limited = make_user()
    db.session.add(EventRole(user=limited, event=event, role="programme", track_ids=[water.track_id]))
    secretariat = make_user()
    grant(secretariat, event, "secretariat")
    protocol = make_user()
    grant(protocol, event, "protocol")
    db.session.flush()

    assert [can(limited, "speaker.manage_session", s) for s in (water, finance, workshop)] == [True, False, False]
    assert [can(secretariat, "speaker.manage_session", s) for s in (water, finance, workshop)] == [True] * 3
    assert can(protocol, "speaker.manage_session", water) is False


def test_own_rules_refuse_other_speakers(summit):
    event, (water, *_rest) = summit
    mine = assign(water, make_speaker())
    other = assign(water, make_speaker())

    assert (can(mine.user, "speaker.own_assignment", mine), can(mine.user, "speaker.own_assignment", other),
            can(mine.user, "speaker.own_profile", svc.profile_for(event, other.user))) == (True, False, False)


def test_a_speaker_photo_before_publication_is_for_the_speaker_and_the_organisers_only(summit):
    event, (water, *_rest) = summit
    assignment = assign(water, make_speaker())
    profile = svc.ensure_profile(event, assignment.user)
    organiser, stranger = make_user(), make_user()
    grant(organiser, event, "programme")
    db.session.flush()

    assert [can(user, "speaker.view_photo", profile) for user in (assignment.user, organiser, stranger, None)] == [
        True, True, False, False]
