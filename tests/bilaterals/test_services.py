"""Bilateral rules without HTTP: suggestions on crafted calendars, the longest meeting,
changeover, daily caps, nobody booked twice, the agenda's priority, bad input, emails."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.agenda.models import AgendaSession, SessionType, Visibility
from app.agenda.services import publish_agenda
from app.bilaterals import services
from app.bilaterals.models import BilateralState as S
from app.extensions import db
from app.mail.models import OutboxMessage
from tests.bilaterals.conftest import SECRET_TOPIC, accepted, at, confirmed, request_data, requested
from tests.factories import make_event

from app.registration.models import Delegation


def _mails():
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "bilateral_step")
                                   .order_by(OutboxMessage.id)))


# --- Suggestions on crafted calendars ------------------------------------------------

def test_the_earliest_slot_avoids_the_plenary_and_the_session_a_head_chairs(world):
    bilateral = requested(world)
    slots = services.suggestions(bilateral)
    # 09:00-10:00 plenary for everyone, 10:30-12:00 Kazakhstan's head chairs a panel.
    assert slots[0].starts_at == at(12, 0, 1) and slots[0].ends_at == at(12, 45, 1)
    assert slots[0].room_name == "Bilateral Room 1"  # the smallest room that seats 6
    assert [s.starts_at for s in slots[1:3]] == [at(12, 5, 1), at(12, 10, 1)]


def test_no_slot_exists_inside_the_plenary(world):
    bilateral = requested(world, windows=[(at(9, 0, 1), at(10, 0, 1))])
    assert services.suggestions(bilateral) == []
    with pytest.raises(services.BilateralRefusal):
        services.accept(bilateral, at(9, 0, 1), actor=world.heads["kz"])


def test_no_slot_without_a_room_large_enough(world):
    bilateral = requested(world, requester_size=15, counterpart_size=15)
    assert services.suggestions(bilateral) == []


def test_a_second_meeting_of_the_same_head_is_never_suggested_at_the_same_time(world):
    first = accepted(world)  # Pakistan - Kazakhstan 12:00-12:45 on day 2
    other = requested(world, "uz", "kz", windows=[(at(12, 0, 1), at(12, 50, 1))])
    assert services.suggestions(other) == []  # Kazakhstan's head is in the first meeting
    wider = requested(world, "uz", "kz", windows=[(at(12, 0, 1), at(14, 0, 1))])
    # the first meeting plus the changeover of 10 minutes
    assert services.suggestions(wider)[0].starts_at == at(12, 55, 1)
    assert first.state == S.accepted


def test_a_taken_slot_cannot_be_accepted_by_another_pair(world):
    accepted(world)
    other = requested(world, "uz", "kz")
    with pytest.raises(services.BilateralRefusal):
        services.accept(other, at(12, 0, 1), actor=world.heads["kz"])


# --- Rules ---------------------------------------------------------------------------

def test_the_longest_meeting_is_the_rule(world):
    with pytest.raises(services.BilateralRefusal) as refused:
        requested(world, minutes=90)
    assert refused.value.field == "minutes"
    rules = services.saved_rules(world.event)
    rules.longest_minutes = 120
    db.session.commit()
    assert requested(world, minutes=90).minutes == 90


def test_changeover_between_two_bookings_of_a_room(world):
    confirmed(world)  # Bilateral Room 1, 12:00-12:45 on day 2
    other = accepted(world, "uz", "tm")
    assert other.starts_at == at(10, 0, 1)  # nobody of these two speaks: right after the plenary
    with pytest.raises(services.BilateralRefusal):
        services.confirm(other, world.rooms["small"], actor=world.protocol, starts_at=at(12, 50, 1))
    db.session.rollback()
    services.confirm(other, world.rooms["small"], actor=world.protocol, starts_at=at(12, 55, 1))
    assert other.state == S.confirmed and other.starts_at == at(12, 55, 1)


def test_opening_hours_bound_a_move(world):
    bilateral = accepted(world)
    with pytest.raises(services.BilateralRefusal):
        services.confirm(bilateral, world.rooms["small"], actor=world.protocol, starts_at=at(18, 30, 1))


def test_daily_cap_per_delegation(world):
    services.saved_rules(world.event).daily_cap = 1
    db.session.commit()
    confirmed(world)
    same_day = requested(world, "uz", "pk", windows=[(at(9, 0, 1), at(18, 0, 1))])
    assert services.suggestions(same_day) == []
    next_day = requested(world, "uz", "pk", windows=[(at(9, 0, 1), at(18, 0, 1)), (at(9, 0, 2), at(18, 0, 2))])
    assert services.suggestions(next_day)[0].starts_at == at(9, 0, 2)


def test_two_rooms_never_hold_one_interpreter_at_once(world):
    first = confirmed(world)
    services.assign_interpreter(first, world.interpreter.id, "en-ru", actor=world.protocol)
    db.session.commit()
    second = accepted(world, "uz", "tm", windows=[(at(12, 0, 1), at(13, 0, 1))])
    services.confirm(second, world.rooms["large"], actor=world.protocol)
    with pytest.raises(services.BilateralRefusal):
        services.assign_interpreter(second, world.interpreter.id, "en-ru", actor=world.protocol)
    assert services.interpreter_load(world.event) == [(world.interpreter, [first])]


def test_only_interpreters_of_the_team_are_assigned(world):
    bilateral = confirmed(world)
    with pytest.raises(services.BilateralRefusal):
        services.assign_interpreter(bilateral, world.protocol.id, "en-ru", actor=world.protocol)


def test_an_agenda_change_bumps_a_booking_and_tells_both_sides_and_protocol(world):
    bilateral = confirmed(world)
    before = len(_mails())
    session = AgendaSession(event=world.event, room_id=world.rooms["small"].room_id, title="Ministerial briefing",
                            starts_at=at(12, 0, 1), ends_at=at(13, 0, 1), type=SessionType.roundtable,
                            visibility=Visibility.published, sdgs=[], languages=["en"], category_ids=[])
    db.session.add(session)
    publish_agenda(world.event, actor=None)
    db.session.commit()
    assert bilateral.state == S.bumped and bilateral.sequence == 2
    mails = _mails()[before:]
    to = {m.to_address for m in mails}
    assert {"head.pk@example.org", "head.kz@example.org", "protocol@example.org"} <= to
    english = next(m for m in mails if m.to_address == "head.kz@example.org")
    assert "bumped" in english.subject and "Bilateral Room" in english.body_text  # an alternative is offered
    assert SECRET_TOPIC not in english.body_text
    services.confirm(bilateral, world.rooms["small"], actor=world.protocol, starts_at=at(13, 10, 1))
    assert bilateral.state == S.confirmed


# --- Steps and emails ----------------------------------------------------------------

def test_every_step_is_emailed_to_both_sides_in_their_language(world):
    bilateral = requested(world)
    mails = _mails()
    by_address = {m.to_address: m for m in mails}
    assert by_address["head.pk@example.org"].locale == "ru"
    assert by_address["head.pk@example.org"].subject.startswith("Запрошена двусторонняя встреча")
    assert by_address["head.kz@example.org"].locale == "en"
    assert all(SECRET_TOPIC not in m.body_text + m.body_html for m in mails)
    services.decline(bilateral, actor=world.heads["kz"])
    assert len(_mails()) == 2 * len(mails)


def test_proposals_pass_the_turn_and_only_the_side_asked_answers(world):
    bilateral = requested(world)
    with pytest.raises(services.BilateralRefusal):
        services.decline(bilateral, actor=world.heads["pk"])  # it is Kazakhstan's turn
    services.propose(bilateral, [(at(14, 0, 2), at(16, 0, 2))], actor=world.heads["kz"])
    assert bilateral.state == S.proposed and services.turn_of(bilateral) == world.pk.id
    slot = services.suggestions(bilateral)[0]
    assert slot.starts_at == at(14, 0, 2)
    services.accept(bilateral, slot.starts_at, actor=world.heads["pk"])
    assert bilateral.state == S.accepted


def test_withdrawn_meetings_leave_the_calendars_with_a_new_sequence(world):
    bilateral = confirmed(world)
    entries = services.personal_entries(world.event, world.heads["kz"])
    assert [(e.title, e.cancelled, e.sequence) for e in entries] == [("Pakistan – Kazakhstan", False, 1)]
    services.withdraw(bilateral, actor=world.heads["pk"])
    entries = services.personal_entries(world.event, world.heads["kz"])
    assert [(e.cancelled, e.sequence) for e in entries] == [(True, 2)]
    assert services.personal_entries(world.event, world.heads["uz"]) == []


def test_counts_by_state(world):
    requested(world)
    confirmed(world, "small", "uz", "tm")
    counts = services.bilateral_counts(world.event)
    assert counts[S.requested] == 1 and counts[S.confirmed] == 1 and counts[S.declined] == 0


# --- Bad input -----------------------------------------------------------------------

@pytest.mark.parametrize("windows, message", [
    ([(at(9, 0, -8), at(10, 0, -8))], "past"),
    ([(at(9, 0, 5), at(10, 0, 5))], "days of the event"),
    ([(at(11, 0, 1), at(10, 0, 1))], "end after"),
    ([], "at least one"),
])
def test_bad_windows_are_refused_clearly(world, windows, message):
    with pytest.raises(services.BilateralRefusal) as refused:
        requested(world, windows=windows)
    assert message in str(refused.value.message) and refused.value.field == "window1_start"


@pytest.mark.parametrize("size", [0, 500])
def test_bad_sizes_are_refused(world, size):
    with pytest.raises(services.BilateralRefusal) as refused:
        requested(world, requester_size=size)
    assert refused.value.field == "requester_size"


def test_a_delegation_of_another_event_is_refused(world):
    other_event = make_event()
    stranger = Delegation(event=other_event, name="Elsewhere")
    db.session.add(stranger)
    db.session.flush()
    with pytest.raises(services.BilateralRefusal) as refused:
        services.request_bilateral(world.event, world.pk, stranger, request_data(), actor=world.heads["pk"])
    assert refused.value.field == "counterpart_id"


def test_a_tampered_room_id_is_refused(world):
    with pytest.raises(services.BilateralRefusal):
        services.room_of_event(world.event, 999999)
    other_event = make_event()
    from app.agenda.models import Room

    room = Room(event=other_event, name="Elsewhere")
    db.session.add(room)
    db.session.flush()
    other = services.keep_room(other_event, room.id, 8, world.rooms["small"].layout, actor=world.protocol)
    with pytest.raises(services.BilateralRefusal):
        services.room_of_event(world.event, other.id)
