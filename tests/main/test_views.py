"""The home page: published events for everyone, unpublished ones for their team."""
from __future__ import annotations

from app.extensions import db
from tests.factories import grant, login_session, make_event, make_user, page


def listed(response) -> tuple[list[str], list[str]]:
    doc = page(response)
    return ([a.text_content() for a in doc.xpath('//article//h2/a')],
            [a.text_content() for a in doc.xpath('//main//ul/li/a')])


def test_home_lists_published_events_for_everyone(client):
    make_event(title="Open Summit")
    make_event(title="Draft Summit", published=False)
    db.session.commit()
    assert listed(client.get("/")) == (["Open Summit"], [])


def test_home_lists_unpublished_events_to_their_team_once(client):
    make_event(title="Open Summit")
    draft = make_event(title="Draft Summit", published=False)
    member = make_user()
    grant(member, draft, "secretariat")
    grant(member, draft, "programme")  # two roles, still one entry
    db.session.commit()
    login_session(client, member)
    assert listed(client.get("/")) == (["Open Summit"], ["Draft Summit"])


def test_language_switch_remembers_the_choice_for_the_user(client):
    user = make_user(locale="en")
    db.session.commit()
    login_session(client, user)
    client.post("/language", data={"lang": "kk"})
    db.session.expire_all()
    assert db.session.get(type(user), user.id).locale == "kk"
    client.post("/language", data={"lang": "xx"})
    db.session.expire_all()
    assert db.session.get(type(user), user.id).locale == "kk"
    assert client.get("/").get_data(as_text=True).startswith('<!doctype html>\n<html lang="kk">')


def test_language_links_drop_a_lang_parameter_from_the_way_back(client):
    page = client.get("/account/login?lang=ru&next=/e/x/").get_data(as_text=True)
    assert 'href="/language/kk?next=/account/login?next%3D%252Fe%252Fx%252F"' in page
    assert "lang%3Dru" not in page
