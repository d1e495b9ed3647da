from sqlalchemy import select

from app.audit.models import AuditEntry
from app.audit.services import audited_update
from app.extensions import db
from tests.factories import make_event, make_user


def test_audited_update_sets_only_the_named_fields_and_records_the_change(app):
    actor = make_user("lead@example.org")
    event = make_event()
    old_title = event.title

    changes = audited_update(event, {"title": "Renamed", "slug": "hijacked"}, ("title",), actor=actor,
                             action="event.update", event=event, summary="Renamed")

    assert (event.title, event.slug != "hijacked") == ("Renamed", True)
    assert changes == {"title": [old_title.texts, {"en": "Renamed"}]}
    entry = db.session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.actor_id, entry.changes) == ("event.update", actor.id, changes)
