from __future__ import annotations

from app.agenda import services as svc
from app.agenda.models import Visibility
from tests.agenda.conftest import add_session, at


def test_public_agenda_hides_restricted_sessions_from_other_categories(summit):
    event, rooms, _ = summit
    add_session(event, rooms[0], at(9), at(10), title="Open")
    add_session(event, rooms[1], at(9), at(10), title="Ministers", visibility=Visibility.restricted,
                category_ids=[3])
    publication = svc.publish_agenda(event, actor=None)
    assert [s.title for s in svc.public_agenda(publication).sessions] == ["Open"]
    assert [s.title for s in svc.public_agenda(publication, categories=frozenset({3})).sessions] == [
        "Open", "Ministers"]
    assert [s.title for s in svc.public_agenda(publication, categories=None).sessions] == ["Open", "Ministers"]
