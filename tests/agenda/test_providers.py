from __future__ import annotations

import ast
from pathlib import Path

import pytest

import app.agenda as agenda_package
from app.agenda import providers
from app.agenda import services as svc
from app.speakers.services import agenda_answers
from app.speakers.conflicts import speaker_conflicts
from tests.agenda.conftest import add_session, at


def test_a_session_nobody_speaks_in_has_no_speakers(summit):
    event, rooms, _ = summit
    s = add_session(event, rooms[0], at(9), at(10))
    assert svc.public_speakers([s]) == {}
    assert svc.speakers_by_session([s.id]) == {}


@pytest.fixture
def registry():
    """The registered providers, put back after the test."""
    saved = dict(providers._providers)
    yield providers
    providers._providers.clear()
    providers._providers.update(saved)


def test_the_app_factory_registers_the_speakers_answers(app):
    from app.bilaterals.services import announced

    assert providers._providers == {
        "confirmed_speakers": agenda_answers.confirmed_speakers, "busy_speakers": agenda_answers.busy_speakers,
        "speaker_conflicts": speaker_conflicts, "speaker_profiles": agenda_answers.public_profiles,
        "announced_meetings": announced}


def test_speaker_conflicts_come_from_the_registered_provider(summit, registry):
    event, rooms, _ = summit
    s = add_session(event, rooms[0], at(9), at(10), title="Water")
    registry.register_speaker_conflicts(lambda sessions, event: [
        svc.Conflict("speaker", svc.WARNING, (sessions[0].id,), "Dr Qureshi is due twice.")])
    assert [(c.kind, c.session_ids, c.message) for c in svc.open_conflicts(event)] == [
        ("speaker", (s.id,), "Dr Qureshi is due twice.")]


def test_without_a_provider_there_are_no_speakers(summit, registry):
    event, rooms, _ = summit
    s = add_session(event, rooms[0], at(9), at(10))
    providers._providers.clear()
    assert (svc.public_speakers([s]), svc.speakers_by_session([s.id]), svc.find_conflicts(event)) == ({}, {}, [])


def test_the_agenda_imports_nothing_from_the_speakers_domain():
    """The speakers domain sits above the agenda: it answers through app.agenda.providers."""
    offenders = []
    for path in sorted(Path(agenda_package.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            offenders += [f"{path.name}: {n}" for n in names if n == "importlib" or n.startswith("app.speakers")]
    assert offenders == []


def test_a_whole_agenda_reads_its_speakers_by_event_and_keeps_only_the_sessions_asked_for(summit, count_queries):
    """Past a few dozen sessions the speakers are read by the event, not by a list of ids; the
    answer is the same: only the sessions asked for, each speaker once, in order."""
    from app.extensions import db
    from app.speakers.models import AssignmentRole, AssignmentState, SpeakerAssignment
    from tests.factories import make_user

    event, rooms, _ = summit
    sessions = [add_session(event, rooms[n % 3], at(8 + n % 10, 5 * (n // 10)), at(8 + n % 10, 5 * (n // 10) + 4),
                            title=f"Session {n}") for n in range(60)]
    people = [make_user(f"speaker{n}@example.org", given_name=f"Name{n}", family_name="Speaker") for n in range(3)]
    for n, session in enumerate(sessions):
        for k, person in enumerate((people[n % 3], people[(n + 1) % 3])):
            db.session.add(SpeakerAssignment(event_id=event.id, session_id=session.id, user_id=person.id,
                                             role=AssignmentRole.panelist, position=k,
                                             state=AssignmentState.accepted if n != 7 else AssignmentState.invited))
    db.session.commit()
    asked, event_id = [s.id for s in sessions[:55]], event.id
    with count_queries() as queries:
        by_event = agenda_answers.confirmed_speakers(asked, event_id=event_id)
    assert queries.count == 1 and ":session_id" not in queries.statements[0]
    by_ids = agenda_answers.confirmed_speakers(asked)
    assert by_event == by_ids
    assert set(by_event) == set(asked) - {sessions[7].id}  # the invited ones are not shown
    assert [p.name for p in by_event[sessions[4].id]] == ["Name1 Speaker", "Name2 Speaker"]
