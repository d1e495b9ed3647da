"""The personal agenda: stars, overlaps, restricted sessions, sign-up with a waitlist and
promotion, the private calendar feed, and emails when a followed session moves."""
from __future__ import annotations


import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.agenda.models import AgendaSession
from app.agenda.services import delete_session, move_session, publish_agenda
from app.extensions import db
from app.personal import services
from app.personal.models import AgendaStar, SessionSignup, SignupState
from app.registration.models import RegistrationState as RS
from tests.checkin.conftest import at, make_delegate, outbox
from tests.factories import flash_kinds, login


@pytest.fixture
def delegates(summit):
    event, cats = summit
    people = {
        "aliya": make_delegate(event, cats["government"], given="Aliya", family="Serikova"),
        "berik": make_delegate(event, cats["expert"], given="Berik", family="Zhakupov"),
        "dana": make_delegate(event, cats["expert"], given="Dana", family="Sadykova"),
        "erlan": make_delegate(event, cats["media"], given="Erlan", family="Bekov"),
    }
    db.session.commit()
    return people


def _page(client):
    response = client.get("/e/astana/my-agenda")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_star_puts_a_session_in_my_agenda(client, summit, agenda, delegates):
    login(client, delegates["berik"].user)
    response = client.post(f"/e/astana/my-agenda/{agenda['opening'].id}/star")
    assert response.status_code == 302
    client.post(f"/e/astana/my-agenda/{agenda['opening'].id}/star")  # a second click changes nothing
    rows = list(db.session.scalars(select(AgendaStar)))
    assert [(r.user_id, r.session_id) for r in rows] == [(delegates["berik"].user_id, agenda["opening"].id)]
    page = _page(client)
    mine = page.split('id="mine-title"', 1)[1].split('id="all-title"', 1)[0]
    assert ("Opening plenary" in mine, "Glacier monitoring panel" in mine) == (True, False)
    client.post(f"/e/astana/my-agenda/{agenda['opening'].id}/unstar")
    assert list(db.session.scalars(select(AgendaStar))) == []


def test_overlapping_choices_are_warned_about(client, summit, agenda, delegates):
    login(client, delegates["berik"].user)
    client.post(f"/e/astana/my-agenda/{agenda['workshop'].id}/signup")
    client.post(f"/e/astana/my-agenda/{agenda['panel'].id}/star")
    page = _page(client)
    assert "Some of your sessions overlap:" in page
    assert "“Workshop: national adaptation plans” and “Glacier monitoring panel”" in page


def test_no_warning_without_overlap(client, summit, agenda, delegates):
    login(client, delegates["berik"].user)
    client.post(f"/e/astana/my-agenda/{agenda['opening'].id}/star")
    client.post(f"/e/astana/my-agenda/{agenda['panel'].id}/star")
    assert "Some of your sessions overlap:" not in _page(client)


def test_restricted_session_offered_only_to_allowed_categories(client, summit, agenda, delegates):
    login(client, delegates["berik"].user)
    assert "Ministerial roundtable" not in _page(client)
    response = client.post(f"/e/astana/my-agenda/{agenda['ministerial'].id}/star", follow_redirects=True)
    assert "This session is not in the agenda you can see." in response.get_data(as_text=True)
    assert list(db.session.scalars(select(AgendaStar))) == []
    client.post("/account/logout")
    login(client, delegates["aliya"].user)
    assert "Ministerial roundtable" in _page(client)


def test_personal_agenda_needs_an_approved_registration(client, summit, agenda):
    event, cats = summit
    pending = make_delegate(event, cats["expert"], state=RS.submitted)
    db.session.commit()
    login(client, pending.user)
    page = _page(client)
    assert "open once your registration is approved" in page
    assert client.post(f"/e/astana/my-agenda/{agenda['opening'].id}/star").status_code == 404


def test_full_workshop_waitlists_then_promotes_with_an_email(client, summit, agenda, delegates):
    event, _ = summit
    workshop = agenda["workshop"].id
    view = {k: services.delegate_agenda(event, r) for k, r in delegates.items()}
    states = [services.sign_up_for_workshop(event, delegates[k].user, view[k], workshop, actor=delegates[k].user).state
              for k in ("aliya", "berik", "dana", "erlan")]
    db.session.commit()
    assert states == [SignupState.confirmed, SignupState.confirmed, SignupState.waitlisted, SignupState.waitlisted]
    login(client, delegates["dana"].user)
    assert "On the waitlist" in _page(client)
    client.post("/account/logout")

    login(client, delegates["berik"].user)
    assert client.post(f"/e/astana/my-agenda/{workshop}/withdraw").status_code == 302
    by_user = {s.user_id: s.state for s in db.session.scalars(select(SessionSignup))}
    assert by_user == {delegates["aliya"].user_id: SignupState.confirmed,
                       delegates["berik"].user_id: SignupState.cancelled,
                       delegates["dana"].user_id: SignupState.confirmed,
                       delegates["erlan"].user_id: SignupState.waitlisted}
    mails = outbox("signup_promoted")
    assert [(m.to_address, m.subject) for m in mails] == [
        (delegates["dana"].user.email, "A place is yours: Workshop: national adaptation plans")]
    client.post("/account/logout")
    login(client, delegates["dana"].user)
    assert "You have a place" in _page(client)


def sign_up_in_order(event, delegates, session_id: int, keys) -> None:
    for key in keys:
        services.sign_up_for_workshop(event, delegates[key].user, services.delegate_agenda(event, delegates[key]), session_id,
                         actor=delegates[key].user)


def test_waitlisted_leaving_promotes_nobody(app, summit, agenda, delegates):
    event, _ = summit
    workshop = agenda["workshop"].id
    sign_up_in_order(event, delegates, workshop, ("aliya", "berik", "dana"))
    assert services.withdraw(event, delegates["dana"].user, workshop, actor=delegates["dana"].user) == []
    assert services.places_taken(workshop) == 2


def test_raising_a_workshop_capacity_gives_waiting_delegates_their_places_when_published(summit, agenda, delegates):
    event, _ = summit
    workshop = agenda["workshop"]
    sign_up_in_order(event, delegates, workshop.id, ("aliya", "berik", "dana", "erlan"))
    db.session.commit()
    workshop.capacity = 3
    db.session.flush()
    assert services.places_taken(workshop.id) == 2  # the draft alone changes nothing
    publish_agenda(event, actor=None)
    db.session.commit()

    states = {s.user_id: s.state for s in db.session.scalars(select(SessionSignup))}
    assert states[delegates["dana"].user_id] == SignupState.confirmed
    assert states[delegates["erlan"].user_id] == SignupState.waitlisted
    assert [m.to_address for m in outbox("signup_promoted")] == [delegates["dana"].user.email]

    publish_agenda(event, actor=None)  # publishing again promotes nobody twice
    db.session.commit()
    assert len(outbox("signup_promoted")) == 1


def test_a_delegate_who_cancelled_is_passed_over_when_a_place_frees(summit, agenda, delegates):
    from app.registration.services import cancel_registration

    event, _ = summit
    workshop = agenda["workshop"]
    sign_up_in_order(event, delegates, workshop.id, ("aliya", "berik", "dana", "erlan"))
    cancel_registration(delegates["dana"], actor=delegates["dana"].user)
    services.withdraw(event, delegates["berik"].user, workshop.id, actor=delegates["berik"].user)
    db.session.commit()

    states = {s.user_id: s.state for s in db.session.scalars(select(SessionSignup))}
    assert (states[delegates["dana"].user_id], states[delegates["erlan"].user_id]) == (
        SignupState.waitlisted, SignupState.confirmed)
    assert [m.to_address for m in outbox("signup_promoted")] == [delegates["erlan"].user.email]


def test_workshop_without_a_limit_any_more_takes_everyone_waiting(summit, agenda, delegates):
    event, _ = summit
    workshop = agenda["workshop"]
    sign_up_in_order(event, delegates, workshop.id, ("aliya", "berik", "dana", "erlan"))
    workshop.signup_required = False
    publish_agenda(event, actor=None)
    db.session.commit()
    assert services.places_taken(workshop.id) == 4 and services.waitlist_length(workshop.id) == 0


def test_sign_up_refused_twice_and_for_sessions_without_sign_up(client, summit, agenda, delegates):
    login(client, delegates["berik"].user)
    client.post(f"/e/astana/my-agenda/{agenda['workshop'].id}/signup")
    again = client.post(f"/e/astana/my-agenda/{agenda['workshop'].id}/signup", follow_redirects=True)
    assert "You are already signed up for this session." in again.get_data(as_text=True)
    plain = client.post(f"/e/astana/my-agenda/{agenda['opening'].id}/signup", follow_redirects=True)
    assert "This session needs no sign-up: add it to your agenda instead." in plain.get_data(as_text=True)
    assert len(list(db.session.scalars(select(SessionSignup)))) == 1


def _feed_url(client):
    page = _page(client)
    return page.split('id="feed-url" type="text" readonly value="', 1)[1].split('"', 1)[0]


def test_private_feed_shows_my_sessions_and_follows_a_move(client, summit, agenda, delegates, staff):
    event, _ = summit
    login(client, delegates["aliya"].user)
    client.post(f"/e/astana/my-agenda/{agenda['opening'].id}/star")
    client.post(f"/e/astana/my-agenda/{agenda['ministerial'].id}/star")
    url = _feed_url(client).replace("https://summit.test", "")
    client.post("/account/logout")  # calendar apps fetch without logging in
    response = client.get(url)
    assert (response.status_code, response.content_type) == (200, "text/calendar; charset=utf-8")
    calendar = Calendar.from_ical(response.data)
    events = sorted((str(e["summary"]), e["dtstart"].dt, int(e["sequence"])) for e in calendar.walk("VEVENT"))
    assert events == [("Ministerial roundtable", at(15), 0), ("Opening plenary", at(9), 0)]

    opening = db.session.get(AgendaSession, agenda["opening"].id)
    move_session(opening, room=opening.room, starts_at=at(10), ends_at=at(11), actor=staff["programme"])
    publish_agenda(event, actor=staff["programme"])
    db.session.commit()
    moved = Calendar.from_ical(client.get(url).data)
    assert sorted((str(e["summary"]), e["dtstart"].dt, int(e["sequence"])) for e in moved.walk("VEVENT")) == [
        ("Ministerial roundtable", at(15), 0), ("Opening plenary", at(10), 1)]


def test_feed_reset_revokes_the_old_address(client, summit, agenda, delegates):
    login(client, delegates["berik"].user)
    old = _feed_url(client).replace("https://summit.test", "")
    assert client.get(old).status_code == 200
    client.post("/e/astana/my-agenda/feed/reset")
    new = _feed_url(client).replace("https://summit.test", "")
    assert new != old
    assert (client.get(old).status_code, client.get(new).status_code) == (404, 200)


@pytest.mark.parametrize("bad", ["nonsense", "abc.def", "x" * 40 + ".ics"])
def test_feed_guessed_addresses_are_404(client, summit, agenda, delegates, bad):
    assert client.get(f"/e/astana/my-agenda/{bad}.ics").status_code == 404


def test_feed_stops_when_the_registration_is_cancelled(client, summit, agenda, delegates):
    login(client, delegates["berik"].user)
    url = _feed_url(client).replace("https://summit.test", "")
    delegates["berik"].state = RS.cancelled
    db.session.commit()
    assert client.get(url).status_code == 404


def test_followers_get_one_email_listing_moves_and_cancellations(app, summit, agenda, delegates, staff):
    event, _ = summit
    aliya, berik = delegates["aliya"], delegates["berik"]
    view = services.delegate_agenda(event, aliya)
    services.star(event, aliya.user, view, agenda["opening"].id)
    services.star(event, aliya.user, view, agenda["panel"].id)
    services.sign_up_for_workshop(event, berik.user, services.delegate_agenda(event, berik), agenda["workshop"].id, actor=berik.user)
    db.session.commit()

    opening = db.session.get(AgendaSession, agenda["opening"].id)
    move_session(opening, room=opening.room, starts_at=at(9, 30), ends_at=at(10, 30), actor=staff["programme"])
    delete_session(db.session.get(AgendaSession, agenda["panel"].id), actor=staff["programme"])
    publish_agenda(event, actor=staff["programme"])
    db.session.commit()

    mails = outbox("agenda_changes")
    assert [m.to_address for m in mails] == [aliya.user.email]
    body = mails[0].body_text
    assert "Moved: “Opening plenary” from 2027-04-21 09:00–10:00, Plenary to 2027-04-21 09:30–10:30, Plenary" in body
    assert "Cancelled: “Glacier monitoring panel” (was 2027-04-21 12:00–13:00, Hall B)" in body
    assert mails[0].subject == "Changes to your agenda at Regional Ecological Summit 2027"


def test_first_publication_and_unfollowed_changes_send_nothing(app, summit, agenda, delegates, staff):
    event, _ = summit
    panel = db.session.get(AgendaSession, agenda["panel"].id)
    move_session(panel, room=panel.room, starts_at=at(13), ends_at=at(14), actor=staff["programme"])
    publish_agenda(event, actor=staff["programme"])
    db.session.commit()
    assert outbox("agenda_changes") == []


def test_my_agenda_page_query_count_is_constant(client, summit, agenda, delegates, count_queries):
    event, _ = summit
    login(client, delegates["aliya"].user)
    client.post(f"/e/astana/my-agenda/{agenda['opening'].id}/star")
    client.get("/e/astana/my-agenda")
    with count_queries() as few:
        client.get("/e/astana/my-agenda")
    for key in ("berik", "dana", "erlan"):
        services.sign_up_for_workshop(event, delegates[key].user, services.delegate_agenda(event, delegates[key]),
                         agenda["workshop"].id, actor=delegates[key].user)
    client.post(f"/e/astana/my-agenda/{agenda['panel'].id}/star")
    client.post(f"/e/astana/my-agenda/{agenda['ministerial'].id}/star")
    db.session.commit()
    client.get("/e/astana/my-agenda")
    with count_queries() as many:
        client.get("/e/astana/my-agenda")
    assert many.count == few.count


def test_agenda_actions_say_what_happened_or_why_not(client, summit, agenda, delegates):
    login(client, delegates["berik"].user)
    client.get("/e/astana/my-agenda")  # shows the welcome
    opening, workshop = agenda["opening"].id, agenda["workshop"].id
    told = []
    for session_id, action in ((opening, "star"), (opening, "unstar"), (workshop, "signup"), (workshop, "withdraw"),
                               (workshop, "withdraw")):
        response = client.post(f"/e/astana/my-agenda/{session_id}/{action}")
        assert response.headers["Location"] == f"/e/astana/my-agenda#s{session_id}"
        told += flash_kinds(client.get("/e/astana/my-agenda"))
    assert told == [("success", "Added to your agenda."), ("success", "Removed from your agenda."),
                    ("success", "You have a place in this session."),
                    ("success", "You gave up your place in this session."),
                    ("danger", "You are not signed up for this session.")]


def test_followers_read_the_changes_in_their_language(app, summit, agenda, delegates, staff):
    from app.utils.translated import Translated

    event, _ = summit
    aliya = delegates["aliya"]
    aliya.user.locale = "kk"
    opening = db.session.get(AgendaSession, agenda["opening"].id)
    opening.title = Translated({"en": "Opening plenary", "ru": "Открытие", "kk": "Ашылу отырысы"}, "en")
    opening.room.name = Translated({"en": "Plenary", "ru": "Пленарный зал", "kk": "Пленарлық зал"}, "en")
    event.title = Translated({"en": "Regional Ecological Summit 2027", "kk": "Өңірлік экологиялық саммит 2027"}, "en")
    publish_agenda(event, actor=staff["programme"])
    services.star(event, aliya.user, services.delegate_agenda(event, aliya), opening.id)
    db.session.commit()

    move_session(opening, room=opening.room, starts_at=at(9, 30), ends_at=at(10, 30), actor=staff["programme"])
    publish_agenda(event, actor=staff["programme"])
    db.session.commit()

    mail = outbox("agenda_changes")[0]
    assert "Өңірлік экологиялық саммит 2027" in mail.subject
    assert "Ашылу отырысы" in mail.body_text and "Пленарлық зал" in mail.body_text
    assert "Opening plenary" not in mail.body_text and "Plenary," not in mail.body_text


def test_promoted_delegate_reads_the_session_title_in_their_language(app, summit, agenda, delegates, staff):
    from app.utils.translated import Translated

    event, _ = summit
    workshop = db.session.get(AgendaSession, agenda["workshop"].id)
    workshop.title = Translated({"en": "Workshop: national adaptation plans",
                                 "ru": "Семинар: национальные планы адаптации"}, "en")
    publish_agenda(event, actor=staff["programme"])
    people = [delegates[name] for name in ("aliya", "berik", "dana")]
    people[2].user.locale = "ru"
    db.session.commit()
    for person in people:
        services.sign_up_for_workshop(event, person.user, services.delegate_agenda(event, person), workshop.id,
                                      actor=person.user)
    db.session.commit()
    services.withdraw(event, people[0].user, workshop.id, actor=people[0].user)
    db.session.commit()

    mail = outbox("signup_promoted")[0]
    assert mail.to_address == people[2].user.email
    assert "Семинар: национальные планы адаптации" in mail.subject + mail.body_text
    assert "national adaptation plans" not in mail.body_text


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_my_agenda_page_shows_the_content_in_the_readers_language(client, summit, agenda, delegates, staff, lang):
    from app.utils.translated import Translated

    event, _ = summit
    titles = {"en": "Opening plenary", "ru": "Открытие саммита", "kk": "Саммиттің ашылуы"}
    rooms = {"en": "Plenary", "ru": "Пленарный зал", "kk": "Пленарлық зал"}
    opening = db.session.get(AgendaSession, agenda["opening"].id)
    opening.title = Translated(titles, "en")
    opening.room.name = Translated(rooms, "en")
    event.title = Translated({"en": "Regional Ecological Summit 2027", "ru": "Региональный экологический саммит 2027",
                              "kk": "Өңірлік экологиялық саммит 2027"}, "en")
    publish_agenda(event, actor=staff["programme"])
    berik = delegates["berik"]
    berik.user.locale = lang  # the delegate's own language, no ?lang= in the address
    services.star(event, berik.user, services.delegate_agenda(event, berik), opening.id)
    db.session.commit()
    login(client, berik.user)

    body = _page(client)
    assert titles[lang] in body and rooms[lang] in body and event.title.get(lang) in body
    assert "Opening plenary" not in body and ">Plenary<" not in body
    assert "Regional Ecological Summit 2027" not in body
