"""Bilateral meetings in personal data rights: a person's meetings are in their copy of
their data; erased, they leave the meetings; an anonymised event keeps its meetings (the
figures count them) without the people, contact or topic."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.bilaterals import services
from app.bilaterals.models import Bilateral, BilateralAttendee, BilateralState, InterpreterAssignment
from app.extensions import db
from app.privacy import services as privacy
from tests.bilaterals.conftest import SECRET_TOPIC, at, confirmed, requested


def _meeting(world):
    bilateral = confirmed(world, contact_email="Head.PK@example.org")
    services.assign_interpreter(bilateral, world.interpreter.id, "en-ru", actor=world.protocol)
    db.session.commit()
    return bilateral


def test_the_copy_holds_the_meetings_a_person_takes_part_in(world, count_queries):
    _meeting(world)
    requested(world, "uz", "tm")   # neither side is theirs
    with count_queries() as one:
        [meeting] = privacy.export_data(world.heads["pk"])["bilateral_meetings"]
    confirmed(world, "large", "pk", "uz", windows=[(at(14, 0, 1), at(18, 0, 1))])
    with count_queries() as two:
        assert len(privacy.export_data(world.heads["pk"])["bilateral_meetings"]) == 2
    assert two.count == one.count
    assert (meeting["requester"], meeting["counterpart"], meeting["state"], meeting["topic"]) == (
        "Pakistan", "Kazakhstan", "confirmed", SECRET_TOPIC)
    assert meeting["attending"] and meeting["requested_by_you"] and meeting["contact_email"] == "Head.PK@example.org"
    [interpreted] = privacy.export_data(world.interpreter)["bilateral_meetings"]
    assert interpreted["interpreting"] == ["en-ru"] and not interpreted["attending"]


def test_an_erased_person_leaves_the_meetings_which_stay(world):
    bilateral = _meeting(world)
    head = world.heads["pk"]
    privacy.erase(privacy.request_erasure(head, actor=head), actor=None)
    db.session.commit()
    kept = db.session.get(Bilateral, bilateral.id)
    assert kept.state == BilateralState.confirmed and kept.topic == SECRET_TOPIC
    assert (kept.contact_name, kept.contact_email, kept.created_by_id) == ("", "", None)
    assert head.id not in [a.user_id for a in kept.attendees]
    assert world.heads["kz"].id in [a.user_id for a in kept.attendees]


def test_an_anonymised_event_keeps_its_meetings_without_people_or_topic(world):
    bilateral = _meeting(world)
    requested(world, "uz", "tm")
    states = dict(db.session.execute(select(Bilateral.state, func.count()).group_by(Bilateral.state)).all())
    privacy.anonymise_event(world.event, actor=None, today=date(2030, 1, 1))
    db.session.commit()
    assert dict(db.session.execute(select(Bilateral.state, func.count()).group_by(Bilateral.state)).all()) == states
    kept = db.session.get(Bilateral, bilateral.id)
    assert (kept.topic, kept.contact_name, kept.contact_email) == ("", "", "")
    assert kept.starts_at is not None and kept.room_id is not None
    assert db.session.scalar(select(func.count()).select_from(BilateralAttendee)) == 0
    assert db.session.scalar(select(func.count()).select_from(InterpreterAssignment)) == 0
