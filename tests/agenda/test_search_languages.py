"""The public agenda's search box finds a session by a word of any of its languages."""
from __future__ import annotations

from app.agenda import services as svc
from app.extensions import db
from tests.agenda.conftest import add_session, at


def test_public_agenda_search_matches_kazakh_and_russian_words(client, summit):
    event, rooms, _tracks = summit
    add_session(event, rooms[0], at(9), at(10), title={"en": "Clean rivers", "ru": "Водная безопасность",
                                                      "kk": "Су қауіпсіздігі"})
    add_session(event, rooms[1], at(9), at(10), title={"en": "Blended capital", "ru": "Смешанные финансы"})
    svc.publish_agenda(event, actor=None)
    db.session.commit()

    def found(q, lang="en"):
        body = client.get("/e/astana/agenda", query_string={"q": q, "lang": lang}).get_data(as_text=True)
        return ("Clean rivers" in body, "Blended capital" in body)

    assert found("ҚАУІПСІЗДІГІ") == (True, False)  # a Kazakh word on the English page
    assert found("финансы") == (False, True)
