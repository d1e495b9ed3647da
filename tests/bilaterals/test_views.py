"""The bilateral pages over HTTP: the whole request-accept-confirm flow, who sees what
(a crafted topic never reaches a public output or another delegation), the personal
agenda and private feed, and bad input answered next to its field, never with a 500."""
from __future__ import annotations

import pytest
from flask import url_for

from app.bilaterals import services
from app.bilaterals.models import Bilateral, BilateralState as S
from app.extensions import db
from app.personal import services as personal
from tests.bilaterals.conftest import SECRET_TOPIC, accepted, at, confirmed, requested
from tests.factories import field_error, grant, login_session, make_user

PAIR = "Pakistan – Kazakhstan"


def _as(client, user):
    login_session(client, user)
    return client


def _window(prefix, n, start, end):
    fmt = "%Y-%m-%dT%H:%M"
    from app.utils.time import to_zone

    return {f"{prefix}window{n}_start": to_zone(start, "Asia/Almaty").strftime(fmt),
            f"{prefix}window{n}_end": to_zone(end, "Asia/Almaty").strftime(fmt)}


def _request_form(world, **changes):
    data = {"requester_id": str(world.pk.id), "counterpart_id": str(world.kz.id), "level": "minister",
            "minutes": "45", "requester_size": "3", "counterpart_size": "3", "topic": SECRET_TOPIC,
            "languages": ["en", "ru"], "interpretation": "en-ru", "layout": "square", "equipment": "",
            "contact_name": "Aisha Khan", "contact_email": "aisha@example.org",
            **_window("", 1, at(9, 0, 1), at(18, 0, 1))}
    data.update(changes)
    return data


def test_request_accept_confirm_over_http(client, world):
    _as(client, world.heads["pk"])
    response = client.post(f"/e/astana/bilaterals/new", data=_request_form(world))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    bilateral = db.session.query(Bilateral).one()
    _as(client, world.heads["kz"])
    page = client.get(f"/e/astana/bilaterals/{bilateral.id}").get_data(as_text=True)
    assert SECRET_TOPIC in page and "Accept this time" in page
    response = client.post(f"/e/astana/bilaterals/{bilateral.id}/accept",
                           data={"accept-starts_at": at(12, 0, 1).strftime("%Y-%m-%dT%H:%MZ")})
    assert response.status_code == 302
    db.session.expire_all()
    assert bilateral.state == S.accepted
    _as(client, world.protocol)
    response = client.post(f"/e/astana/manage/bilaterals/{bilateral.id}/confirm",
                           data={"confirm-room_id": str(world.rooms["small"].id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert bilateral.state == S.confirmed


def test_tampered_room_id_and_bad_times_are_shown_next_to_the_field(client, world):
    bilateral = accepted(world)
    _as(client, world.protocol)
    for value in ("999999", "abc", str(world.rooms["small"].id + 1000)):
        response = client.post(f"/e/astana/manage/bilaterals/{bilateral.id}/confirm",
                               data={"confirm-room_id": value})
        assert response.status_code == 422
        assert field_error(response, "confirm-room_id")
    response = client.post(f"/e/astana/manage/bilaterals/{bilateral.id}/confirm",
                           data={"confirm-room_id": str(world.rooms["small"].id), "confirm-starts_at": "soon"})
    assert response.status_code == 422 and field_error(response, "confirm-starts_at")


@pytest.mark.parametrize("changes, field", [
    (lambda w: _window("", 1, at(9, 0, -5), at(10, 0, -5)), "window1_start"),
    (lambda w: _window("", 1, at(9, 0, 6), at(10, 0, 6)), "window1_start"),
    (lambda w: _window("", 1, at(11, 0, 1), at(10, 0, 1)), "window1_start"),
    (lambda w: {"requester_size": "0"}, "requester_size"),
    (lambda w: {"counterpart_size": "500"}, "counterpart_size"),
    (lambda w: {"counterpart_id": "999999"}, "counterpart_id"),
    (lambda w: {"counterpart_id": "x"}, "counterpart_id"),
    (lambda w: {"window1_start": "tomorrow"}, "window1_start"),
    (lambda w: {"interpretation": "en-en"}, "interpretation"),
])
def test_bad_requests_get_a_message_not_a_500(client, world, changes, field):
    _as(client, world.heads["pk"])
    response = client.post("/e/astana/bilaterals/new", data=_request_form(world, **changes(world)))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert field_error(response, field), text[:3000]
    assert db.session.query(Bilateral).count() == 0


def test_a_delegation_of_another_event_cannot_be_chosen(client, world):
    from app.registration.models import Delegation
    from tests.factories import make_event

    elsewhere = Delegation(event=make_event(), name="Elsewhere")
    db.session.add(elsewhere)
    db.session.commit()
    _as(client, world.heads["pk"])
    response = client.post("/e/astana/bilaterals/new", data=_request_form(world, counterpart_id=str(elsewhere.id)))
    assert response.status_code == 200 and db.session.query(Bilateral).count() == 0


# --- Confidentiality -----------------------------------------------------------------

def _public_bodies(client, world, session_id) -> dict[str, str]:
    client.get("/account/logout")
    urls = ["/e/astana/", "/e/astana/agenda", "/e/astana/schedule.json", "/e/astana/schedule.xml",
            "/e/astana/agenda.ics", "/e/astana/participants", f"/e/astana/sessions/{session_id}",
            "/api/v1/events/astana", "/api/v1/events/astana/sessions", "/api/v1/events/astana/rooms",
            "/api/v1/events/astana/participants", "/api/v1/events/astana/speakers", "/api/v1/events/astana/days"]
    bodies = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url
        bodies[url] = response.get_data(as_text=True)
    return bodies


def test_a_confirmed_bilateral_never_reaches_a_public_output(client, world):
    from app.registration.models import RegistrationSettings

    db.session.add(RegistrationSettings(event_id=world.event.id, participant_list=True))
    bilateral = confirmed(world)
    from app.agenda.services import publish_agenda

    publish_agenda(world.event, actor=None)
    db.session.commit()
    for url, body in _public_bodies(client, world, world.sessions["panel"].id).items():
        assert SECRET_TOPIC not in body, url
        assert PAIR not in body and "Pakistan - Kazakhstan" not in body, url
    assert bilateral.state == S.confirmed


def test_another_delegation_and_other_organisers_see_nothing(client, world):
    bilateral = confirmed(world)
    checkin = make_user()
    grant(checkin, world.event, "checkin")
    programme = make_user()
    grant(programme, world.event, "programme")
    db.session.commit()
    for outsider in (world.heads["uz"], world.members["uz"], checkin, programme, world.members["pk"]):
        _as(client, outsider)
        assert client.get(f"/e/astana/bilaterals/{bilateral.id}").status_code == 404
        for url in ("/e/astana/bilaterals", "/e/astana/my-agenda", "/e/astana/manage/bilaterals",
                    "/e/astana/manage/bilaterals/today", "/e/astana/agenda", "/e/astana/registration"):
            body = client.get(url).get_data(as_text=True)
            assert SECRET_TOPIC not in body and PAIR not in body, (outsider.email, url)
        assert client.get(f"/e/astana/bilaterals/delegations/{world.kz.id}/programme.pdf").status_code == 404


def test_each_side_and_protocol_see_it(client, world):
    bilateral = confirmed(world)
    accreditation = make_user()
    grant(accreditation, world.event, "accreditation")
    db.session.commit()
    for insider in (world.heads["pk"], world.heads["kz"], world.protocol, accreditation):
        _as(client, insider)
        assert SECRET_TOPIC in client.get(f"/e/astana/bilaterals/{bilateral.id}").get_data(as_text=True)
    _as(client, accreditation)
    assert client.post(f"/e/astana/manage/bilaterals/{bilateral.id}/cancel", data={}).status_code == 403
    assert client.get("/e/astana/manage/bilaterals/rooms").status_code == 403


def test_a_member_sees_only_the_meetings_they_attend(client, world):
    attended = requested(world, "uz", "pk")
    services.set_attendees(attended, world.pk, [world.members["pk"].id], actor=world.heads["pk"])
    other = requested(world)
    db.session.commit()
    _as(client, world.members["pk"])
    assert client.get(f"/e/astana/bilaterals/{attended.id}").status_code == 200
    assert client.get(f"/e/astana/bilaterals/{other.id}").status_code == 404
    page = client.get("/e/astana/bilaterals").get_data(as_text=True)
    assert "Uzbekistan – Pakistan" in page and PAIR not in page
    assert client.post(f"/e/astana/bilaterals/{attended.id}/withdraw").status_code == 404


def test_a_deputy_the_head_allows_may_answer(client, world):
    bilateral = requested(world)
    _as(client, world.heads["kz"])
    client.post(f"/e/astana/bilaterals/delegations/{world.kz.id}/deputies", data={"user_id": world.members["kz"].id})
    _as(client, world.members["kz"])
    response = client.post(f"/e/astana/bilaterals/{bilateral.id}/decline")
    assert response.status_code == 302
    db.session.expire_all()
    assert bilateral.state == S.declined


# --- What people take away -----------------------------------------------------------

def test_both_heads_see_it_in_their_agenda_and_private_feed(client, world):
    bilateral = confirmed(world)
    for head in (world.heads["pk"], world.heads["kz"]):
        _as(client, head)
        assert PAIR in client.get("/e/astana/my-agenda").get_data(as_text=True)
        feed = personal.feed_of(world.event, head)
        db.session.commit()
        with client.application.test_request_context():
            url = url_for("personal.agenda_feed", slug="astana", token=personal.feed_token(feed))
        body = client.get(url).get_data(as_text=True)
        assert PAIR in body and "SEQUENCE:1" in body and SECRET_TOPIC not in body
    services.confirm(bilateral, world.rooms["large"], actor=world.protocol)
    db.session.commit()
    assert "SEQUENCE:2" in client.get(url).get_data(as_text=True)
    _as(client, world.heads["uz"])
    assert PAIR not in client.get("/e/astana/my-agenda").get_data(as_text=True)


def test_day_sheet_and_programme_pdfs(client, world):
    confirmed(world)
    _as(client, world.protocol)
    sheet = client.get(f"/e/astana/manage/bilaterals/rooms/{world.rooms['small'].id}/sheet.pdf?day=2027-04-22")
    assert sheet.status_code == 200 and sheet.mimetype == "application/pdf"
    assert client.get(f"/e/astana/manage/bilaterals/rooms/{world.rooms['small'].id}/sheet.pdf?day=x").status_code \
        == 404
    _as(client, world.heads["kz"])
    programme = client.get(f"/e/astana/bilaterals/delegations/{world.kz.id}/programme.pdf")
    assert programme.status_code == 200 and programme.data.startswith(b"%PDF")
    _as(client, world.heads["uz"])
    assert client.get(f"/e/astana/bilaterals/delegations/{world.kz.id}/programme.pdf").status_code == 404


def test_usher_view_shows_the_day_per_room(client, world):
    confirmed(world)
    _as(client, world.protocol)
    page = client.get("/e/astana/manage/bilaterals/today?day=2027-04-22").get_data(as_text=True)
    assert PAIR in page and "Bilateral Room 1" in page and SECRET_TOPIC not in page


def test_rules_and_rooms_pages_save(client, world):
    _as(client, world.protocol)
    response = client.post("/e/astana/manage/bilaterals/rules", data={
        "longest_minutes": "50", "changeover_minutes": "15", "opens_at": "08:30", "closes_at": "18:00",
        "special_hours": "2027-04-23 10:00-14:00", "daily_cap": "3"})
    assert response.status_code == 302
    rules = services.rules_of(world.event)
    assert rules.longest_minutes == 50 and rules.day_hours == {"2027-04-23": ["10:00", "14:00"]}
    response = client.post("/e/astana/manage/bilaterals/rules", data={
        "longest_minutes": "50", "changeover_minutes": "15", "opens_at": "18:00", "closes_at": "08:00",
        "special_hours": "someday", "daily_cap": "0"})
    assert response.status_code == 422
    assert field_error(response, "special_hours") and field_error(response, "daily_cap")
    response = client.post("/e/astana/manage/bilaterals/rooms", data={"room_id": "424242", "seats": "8",
                                                                     "layout": "square"})
    assert response.status_code == 422 and field_error(response, "room_id")


def test_lists_read_a_constant_number_of_queries(client, world, count_queries):
    from tests.factories import queries_for

    confirmed(world)
    _as(client, world.protocol)
    few = queries_for(client, "/e/astana/manage/bilaterals", count_queries)
    _as(client, world.heads["pk"])
    few_mine = queries_for(client, "/e/astana/bilaterals", count_queries)
    for requester, counterpart in (("uz", "tm"), ("tm", "pk"), ("uz", "pk"), ("kz", "uz")):
        requested(world, requester, counterpart)
    _as(client, world.protocol)
    assert queries_for(client, "/e/astana/manage/bilaterals", count_queries) == few
    _as(client, world.heads["pk"])
    assert queries_for(client, "/e/astana/bilaterals", count_queries) == few_mine


def test_the_secretariat_marks_a_team_member_as_interpreter(client, world):
    from app.events.models import EventRole

    secretariat = make_user()
    grant(secretariat, world.event, "secretariat")
    grant_ = grant(make_user(), world.event, "viewer")
    db.session.commit()
    _as(client, secretariat)
    assert client.post(f"/e/astana/manage/team/{grant_.id}/interpreter").status_code == 302
    assert db.session.get(EventRole, grant_.id).interpreter is True
    assert "Interpreter" in client.get("/e/astana/manage/team").get_data(as_text=True)
    _as(client, world.protocol)
    assert client.post(f"/e/astana/manage/team/{grant_.id}/interpreter").status_code == 403


def test_announced_only_when_both_sides_agree_and_only_the_names(client, world):
    bilateral = confirmed(world)
    services.set_announce(bilateral, world.pk.id, True, actor=world.heads["pk"])
    db.session.commit()
    client.get("/account/logout")
    assert PAIR not in client.get("/e/astana/agenda").get_data(as_text=True)
    _as(client, world.heads["kz"])
    client.post(f"/e/astana/bilaterals/{bilateral.id}/announce", data={"announce-announce": "y"})
    client.get("/account/logout")
    client.application.extensions["public_page_cache"].forget()  # what a worker trusts for a second
    page = client.get("/e/astana/agenda").get_data(as_text=True)
    assert f"Meeting: {PAIR}" in page and SECRET_TOPIC not in page
    for url in ("/e/astana/schedule.json", "/e/astana/agenda.ics", "/api/v1/events/astana/sessions"):
        assert PAIR not in client.get(url).get_data(as_text=True), url
    services.withdraw(bilateral, actor=world.heads["pk"])
    db.session.commit()
    client.application.extensions["public_page_cache"].forget()
    assert PAIR not in client.get("/e/astana/agenda").get_data(as_text=True)
