"""Audit entries written by the foundation services."""
from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from app.accounts import services as accounts
from app.audit.models import AuditEntry
from app.audit.services import diff, query_entries, record, snapshot
from app.events import services as events
from app.events.models import EventRole, EventRoleName
from app.extensions import db
from tests.factories import make_event, make_user


def entries() -> list[tuple]:
    return [(e.action, e.actor_id, e.event_id, e.object_type, e.object_id, e.summary, e.changes)
            for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_event_update_records_only_what_changed():
    actor = make_user()
    event = make_event(title="Old title", start_date=date(2027, 4, 21))
    events.update_event(event, {"title": "New title", "start_date": date(2027, 4, 22), "city": event.city,
                                "registration_opens_at": datetime(2026, 11, 1, 4, tzinfo=UTC),
                                "not_a_field": "ignored"}, actor=actor)
    assert entries() == [("event.update", actor.id, event.id, "Event", str(event.id), "New title", {
        "title": [{"en": "Old title"}, {"en": "New title"}],
        "start_date": ["2027-04-21", "2027-04-22"],
        "registration_opens_at": [None, "2026-11-01T04:00:00+00:00"],
    })]


def test_event_create_is_audited_with_its_settings():
    actor = make_user()
    event = events.create_event({"slug": "new-summit", "title": "New Summit", "start_date": date(2027, 5, 1),
                                 "end_date": date(2027, 5, 2), "languages": ["en"]}, actor=actor)
    [(action, actor_id, event_id, object_type, object_id, summary, changes)] = entries()
    assert (action, actor_id, event_id, object_type, object_id, summary) == (
        "event.create", actor.id, event.id, "Event", str(event.id), "New Summit")
    assert changes["slug"] == [None, "new-summit"]
    assert changes["languages"] == [None, ["en"]]


def test_role_grant_update_and_revoke_are_audited():
    actor, member = make_user(), make_user("member@example.org")
    event = make_event()
    grant = events.grant_role(event, member, EventRoleName.programme, actor=actor)
    assert events.grant_role(event, member, EventRoleName.programme, actor=actor) is grant  # already held
    events.grant_role(event, member, EventRoleName.programme, actor=actor, track_ids=[3, 5])
    grant_id = grant.id
    events.revoke_role(grant, actor=actor)
    db.session.flush()
    assert db.session.get(EventRole, grant_id) is None
    summary = "member@example.org: programme"
    assert entries() == [
        ("role.grant", actor.id, event.id, "EventRole", str(grant_id), summary,
         {"role": [None, "programme"], "user": [None, "member@example.org"]}),
        ("role.update", actor.id, event.id, "EventRole", str(grant_id), summary, {"track_ids": [[], [3, 5]]}),
        ("role.revoke", actor.id, event.id, "EventRole", str(grant_id), summary,
         {"role": ["programme", None], "user": ["member@example.org", None]}),
    ]


def test_user_deactivate_activate_and_admin_change_are_audited():
    admin, user = make_user(is_admin=True), make_user("someone@example.org")
    old_token = user.session_token
    accounts.set_active(user, False, actor=admin)
    assert user.session_token != old_token  # every session of the user ends
    accounts.set_active(user, True, actor=admin)
    accounts.set_admin(user, True, actor=admin)
    assert entries() == [
        ("user.deactivate", admin.id, None, "User", str(user.id), "someone@example.org", {"active": [True, False]}),
        ("user.activate", admin.id, None, "User", str(user.id), "someone@example.org", {"active": [False, True]}),
        ("user.admin", admin.id, None, "User", str(user.id), "someone@example.org", {"is_admin": [False, True]}),
    ]


def test_profile_edited_by_someone_else_is_audited_but_not_by_the_owner():
    owner, organiser = make_user(), make_user()
    accounts.update_profile(owner, {"organisation": "Own change"}, actor=owner)
    assert entries() == []
    accounts.update_profile(owner, {"organisation": "Ministry"}, actor=organiser)
    assert entries() == [("user.update", organiser.id, None, "User", str(owner.id), "",
                          {"organisation": ["Own change", "Ministry"]})]


def test_secrets_never_reach_the_audit_log():
    user = make_user()
    before = snapshot(user, ("password_hash", "session_token", "given_name"))
    assert set(before) == {"given_name"}
    record(actor=user, action="user.update", obj=user, before={"password": "old", "token": "a"},
           after={"password": "new", "token": "b"})
    assert entries()[0][-1] == {}


def test_diff_lists_changed_fields_only():
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None}) == {"b": [2, 3]}
    assert diff({}, {"x": "new"}) == {"x": [None, "new"]}


def test_query_entries_filters_by_event_action_and_actor():
    one, two = make_event(), make_event()
    alice, bob = make_user("alice@example.org"), make_user("bob@example.org")
    record(actor=alice, action="event.update", obj=one)
    record(actor=bob, action="event.update", obj=two)
    record(actor=bob, action="role.grant", obj=one)
    db.session.flush()

    def actions(**filters):
        return [(e.actor.email, e.action) for e in query_entries(**filters).items]

    assert actions(event=one) == [("bob@example.org", "role.grant"), ("alice@example.org", "event.update")]
    assert actions(action="event.update") == [("bob@example.org", "event.update"),
                                              ("alice@example.org", "event.update")]
    assert actions(actor_email="ALICE") == [("alice@example.org", "event.update")]
    assert actions(event=two, action="role.grant") == []
