"""The organisers' speakers list finds a session by its title in any language."""
from __future__ import annotations

from app.extensions import db
from tests.factories import login
from tests.speakers.conftest import assign, make_speaker


def test_speakers_list_matches_session_titles_in_russian_and_kazakh(client, summit, programme):
    event, (water, finance, _workshop) = summit
    water.title = {"en": "Aral Sea basin cooperation", "ru": "Сотрудничество в бассейне Арала",
                   "kk": "Арал бассейніндегі ынтымақтастық"}
    assign(water, make_speaker("aral@example.org", family_name="Zhaksylykov"))
    assign(finance, make_speaker("bonds@example.org", family_name="Ivanova"))
    db.session.commit()
    login(client, programme)

    def found(q):
        body = client.get("/e/astana/manage/speakers", query_string={"q": q}).get_data(as_text=True)
        return ("Zhaksylykov" in body, "Ivanova" in body)

    assert found("ынтымақтастық") == (True, False)
    assert found("СОТРУДНИЧЕСТВО") == (True, False)
    assert found("bonds") == (False, True)
    assert found("kk") == (False, False)
