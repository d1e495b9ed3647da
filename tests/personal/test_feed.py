"""The delegate's private calendar feed as calendar apps poll it."""
from __future__ import annotations

from icalendar import Calendar

from app.agenda.models import AgendaSession, Visibility
from app.agenda.services import delete_session, publish_agenda, update_session
from app.extensions import db
from app.personal.models import AgendaStar
from tests.checkin.conftest import make_delegate
from tests.factories import login


def _feed_url(client) -> str:
    page = client.get("/e/astana/my-agenda").get_data(as_text=True)
    url = page.split('id="feed-url" type="text" readonly value="', 1)[1].split('"', 1)[0]
    return url.replace("https://summit.test", "")


def _delegate_feed(client, summit, agenda, starred=("opening", "panel"), locale="en"):
    event, cats = summit
    registration = make_delegate(event, cats["expert"], given="Berik", family="Zhakupov")
    registration.user.locale = locale
    db.session.commit()
    login(client, registration.user)
    for key in starred:
        client.post(f"/e/astana/my-agenda/{agenda[key].id}/star")
    url = _feed_url(client)
    client.post("/account/logout")  # calendar apps fetch without logging in
    return url


def test_private_feed_answers_conditional_requests_with_304(client, summit, agenda):
    url = _delegate_feed(client, summit, agenda)
    first = client.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert [client.get(url, headers=h).status_code for h in (
        {"If-None-Match": etag}, {"If-Modified-Since": modified}, {"If-None-Match": '"other"'})] == [304, 304, 200]


def test_private_feed_is_modified_when_the_delegate_takes_a_star_off(client, summit, agenda):
    url = _delegate_feed(client, summit, agenda)
    first = client.get(url)
    db.session.execute(db.delete(AgendaStar).where(AgendaStar.session_id == agenda["panel"].id))
    db.session.commit()
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert [str(e["SUMMARY"]) for e in Calendar.from_ical(again.data).walk("VEVENT")] == ["Opening plenary"]
    assert client.get(url, headers={"If-None-Match": again.headers["ETag"]}).status_code == 304


def test_private_feed_has_its_own_calendar_name_in_the_delegates_language(client, summit, agenda):
    url = _delegate_feed(client, summit, agenda, locale="ru")
    calendar = Calendar.from_ical(client.get(url).data)
    assert str(calendar["X-WR-CALNAME"]) == "Regional Ecological Summit 2027 — моя программа"


def test_private_feed_marks_a_removed_session_of_mine_cancelled(client, summit, agenda):
    event, _cats = summit
    url = _delegate_feed(client, summit, agenda)
    delete_session(db.session.get(AgendaSession, agenda["panel"].id), actor=None)
    delete_session(db.session.get(AgendaSession, agenda["workshop"].id), actor=None)  # not in my agenda
    publish_agenda(event, actor=None)
    db.session.commit()
    events = {str(e["SUMMARY"]): (str(e["STATUS"]), int(e["SEQUENCE"]))
              for e in Calendar.from_ical(client.get(url).data).walk("VEVENT")}
    assert events == {"Opening plenary": ("CONFIRMED", 0), "Glacier monitoring panel": ("CANCELLED", 1)}


def test_private_feed_cancels_a_session_restricted_away_from_me_only(client, summit, agenda):
    event, cats = summit
    expert_url = _delegate_feed(client, summit, agenda, starred=("panel",))
    government = make_delegate(event, cats["government"], given="Aliya", family="Serikova")
    db.session.commit()
    login(client, government.user)
    client.post(f"/e/astana/my-agenda/{agenda['panel'].id}/star")
    government_url = _feed_url(client)
    client.post("/account/logout")
    panel = db.session.get(AgendaSession, agenda["panel"].id)
    update_session(panel, {"visibility": Visibility.restricted, "category_ids": [cats["government"].id]},
                   actor=None)
    publish_agenda(event, actor=None)
    db.session.commit()
    seen = [[(str(e["SUMMARY"]), str(e["STATUS"]), int(e["SEQUENCE"]))
             for e in Calendar.from_ical(client.get(url).data).walk("VEVENT")] for url in (expert_url, government_url)]
    assert seen == [[("Glacier monitoring panel", "CANCELLED", 1)], [("Glacier monitoring panel", "CONFIRMED", 1)]]


def _opening_in_three_languages(summit, agenda):
    from app.utils.translated import Translated

    event, _cats = summit
    agenda["opening"].title = Translated({"en": "Opening plenary", "ru": "Открытие саммита",
                                          "kk": "Саммиттің ашылуы"}, "en")
    publish_agenda(event, actor=None)
    db.session.commit()


def _summaries(response) -> list[str]:
    return sorted(str(e["SUMMARY"]) for e in Calendar.from_ical(response.data).walk("VEVENT"))


def test_private_feed_sessions_in_the_delegates_own_language(client, summit, agenda):
    _opening_in_three_languages(summit, agenda)
    url = _delegate_feed(client, summit, agenda, locale="kk")
    response = client.get(url)
    assert _summaries(response) == ["Glacier monitoring panel", "Саммиттің ашылуы"]
    assert response.headers["Content-Language"] == "kk"


def test_private_feed_in_the_language_asked_each_with_its_own_etag(client, summit, agenda):
    _opening_in_three_languages(summit, agenda)
    url = _delegate_feed(client, summit, agenda, locale="kk")
    own = client.get(url)
    russian = client.get(url, headers={"Accept-Language": "ru"})
    english = client.get(f"{url}?lang=en", headers={"Accept-Language": "ru"})
    assert "Открытие саммита" in _summaries(russian) and "Opening plenary" in _summaries(english)
    assert len({own.headers["ETag"], russian.headers["ETag"], english.headers["ETag"]}) == 3
    assert "Accept-Language" in russian.headers["Vary"]
    ru_etag = russian.headers["ETag"]
    assert client.get(url, headers={"Accept-Language": "ru", "If-None-Match": ru_etag}).status_code == 304
    assert client.get(url, headers={"If-None-Match": ru_etag}).status_code == 200
    # Reading another language does not count as a change of the delegate's own feed.
    assert client.get(url, headers={"If-None-Match": own.headers["ETag"]}).status_code == 304
    from app.personal.models import AgendaFeed

    db.session.expire_all()
    assert db.session.scalar(db.select(AgendaFeed.body_etag)) == own.headers["ETag"].strip('"')
