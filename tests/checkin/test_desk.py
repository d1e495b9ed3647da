"""The check-in desk: scans, typed codes, name search, flags, idempotent check-in,
session doors, live counts, printing at the desk, and what a checkin user can reach."""
from __future__ import annotations

from datetime import UTC, date, datetime

import lxml.html
import pytest
from sqlalchemy import func, select

from app.checkin import services
from app.checkin.services import counts
from app.checkin.models import CheckIn, CheckInMethod
from app.extensions import db
from app.personal import services as personal
from app.registration.models import RegistrationState as RS
from app.registration.services import invalidate_badge
from tests.checkin.conftest import make_delegate, pdf_text
from tests.factories import flash_kinds, login, page


@pytest.fixture
def people(summit):
    event, cats = summit
    result = {
        "aliya": make_delegate(event, cats["government"], given="Aliya", family="Serikova"),
        "berik": make_delegate(event, cats["expert"], given="Berik", family="Zhakupov", organisation="KazHydromet"),
        "pending": make_delegate(event, cats["expert"], given="Pending", family="Person", state=RS.submitted),
        "gone": make_delegate(event, cats["media"], given="Gone", family="Away", state=RS.cancelled),
    }
    for registration in result.values():
        services.ensure_badge(registration)
    db.session.commit()
    return result


def _token(registration):
    badge = services.ensure_badge(registration)
    return services.token_for(badge, registration.event)


@pytest.fixture
def clock(clock):
    """The desk's clock starts on the morning of the event's first day, before anyone logs in
    (a login lasts hours, so moving the clock by months would end it)."""
    clock.set(_at_event(9))
    return clock


def _scan(client, code, **extra):
    response = client.post("/e/astana/manage/checkin", data={"code": code, **extra},
                           headers={"Accept": "application/json"})
    assert response.status_code == 200, response.data[:300]
    return response.get_json()


def _at_event(hour, minute=0):
    """A moment at a local time on the event's first day."""
    return datetime(2027, 4, 21, hour - 5, minute, tzinfo=UTC)  # Asia/Almaty is UTC+5


def test_desk_scan_checks_in_and_second_scan_warns_with_the_time(client, summit, staff, people, clock):
    login(client, staff["checkin"])
    token = _token(people["aliya"])
    with clock.at(_at_event(9, 12)):
        first = _scan(client, token)
    with clock.at(_at_event(9, 40)):
        second = _scan(client, token)
    assert (first["status"], first["message"]) == ("admitted", "Checked in.")
    assert (second["status"], second["message"]) == ("already", "Already checked in today at 09:12.")
    assert "Dr Aliya Serikova" in first["html"] and "Government delegation" in first["html"]
    rows = list(db.session.scalars(select(CheckIn)))
    assert [(r.registration_id, r.scope, r.checked_in_by_id, r.method.value) for r in rows] == [
        (people["aliya"].id, "venue", staff["checkin"].id, "qr")]


def test_desk_next_day_checks_in_again(client, summit, staff, people, clock):
    login(client, staff["checkin"])
    token = _token(people["aliya"])
    with clock.at(_at_event(9)):
        _scan(client, token)
    clock.set(datetime(2027, 4, 22, 4, tzinfo=UTC))
    login(client, staff["checkin"])  # yesterday's login has run out
    assert _scan(client, token)["status"] == "admitted"
    assert db.session.scalar(select(func.count(CheckIn.id))) == 2


@pytest.mark.parametrize("typed", ["as printed", "lower case", "without dash"])
def test_desk_short_code_typed_by_hand(client, summit, staff, people, typed, clock):
    login(client, staff["checkin"])
    badge = services.ensure_badge(people["berik"])
    code = {"as printed": badge.display_code, "lower case": badge.display_code.lower(),
            "without dash": badge.short_code}[typed]
    with clock.at(_at_event(10)):
        answer = _scan(client, code)
    assert (answer["status"], "Berik Zhakupov" in answer["html"]) == ("admitted", True)
    assert db.session.scalar(select(CheckIn.method)).value == "code"


def test_desk_unknown_short_code_says_so(client, summit, staff, people):
    login(client, staff["checkin"])
    answer = _scan(client, "ZZZZ-ZZZZ")
    assert (answer["status"], answer["message"]) == ("invalid", "No badge has the code ZZZZ-ZZZZ.")


def test_desk_name_search_lists_matches_and_pick_checks_in(client, summit, staff, people, clock):
    clock.set(_at_event(11))
    login(client, staff["checkin"])
    answer = _scan(client, "zhak")
    assert answer["status"] == "matches"
    assert "Berik Zhakupov" in answer["html"] and "Aliya" not in answer["html"]
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0
    response = client.post("/e/astana/manage/checkin/pick", data={"pick": services.pick_token(people["berik"])},
                           headers={"Accept": "application/json"})
    assert (response.status_code, response.get_json()["status"]) == (200, "admitted")
    assert db.session.scalar(select(CheckIn.method)).value == "search"


def test_desk_search_leaves_out_drafts_and_shows_nothing_private(client, summit, staff, people):
    event, cats = summit
    make_delegate(event, cats["expert"], given="Draft", family="Serikbay", state=RS.draft)
    db.session.commit()
    login(client, staff["checkin"])
    html = _scan(client, "serik")["html"]
    assert ("Aliya Serikova" in html, "Draft" in html) == (True, False)
    for private in (people["aliya"].email, people["aliya"].phone or "+7", "passport"):
        assert private not in html


@pytest.mark.parametrize("who,message,flag", [
    ("pending", "Registration not approved.", "Not approved"),
    ("gone", "Registration cancelled.", "Cancelled"),
])
def test_desk_refuses_registrations_not_approved_with_a_flag(client, summit, staff, people, who, message, flag):
    login(client, staff["checkin"])
    answer = _scan(client, _token(people[who]))
    assert (answer["status"], answer["message"]) == ("refused", message)
    assert f'desk-flag">{flag}</span>' in answer["html"]
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_desk_refuses_the_old_badge_after_a_reissue(client, summit, staff, people, clock):
    old_token = _token(people["aliya"])
    old_code = services.ensure_badge(people["aliya"]).display_code
    services.reissue_badge(people["aliya"], actor=staff["accreditation"])
    db.session.commit()
    login(client, staff["checkin"])
    for code in (old_token, old_code):
        answer = _scan(client, code)
        assert answer["status"] in ("refused", "invalid")
    assert _scan(client, old_token)["message"] == "This badge was replaced by a newer one: it is no longer valid."
    assert _scan(client, old_code)["message"] == f"No badge has the code {old_code}."
    with clock.at(_at_event(9)):
        assert _scan(client, _token(people["aliya"]))["status"] == "admitted"


def test_desk_refuses_a_badge_replaced_by_a_substitution(client, summit, staff, people):
    token = _token(people["aliya"])
    invalidate_badge(people["aliya"])
    db.session.commit()
    login(client, staff["checkin"])
    answer = _scan(client, token)
    assert (answer["status"], answer["message"]) == (
        "refused", "This badge was replaced by a newer one: it is no longer valid.")
    assert 'desk-flag">Badge re-issued</span>' in answer["html"]


def test_desk_rejects_forged_and_expired_tokens_with_a_message(client, summit, staff, people, clock):
    login(client, staff["checkin"])
    token = _token(people["aliya"])
    payload, signature = token.rsplit(".", 1)
    forged = _scan(client, payload + "." + signature[::-1])
    assert (forged["status"], forged["message"]) == (
        "invalid", "This is not a genuine badge of this event: the code is forged or damaged.")
    clock.set(datetime(2027, 5, 1, 6, tzinfo=UTC))
    login(client, staff["checkin"])  # the login of the event's first day has run out
    expired = _scan(client, token)
    assert (expired["status"], expired["message"]) == ("invalid", "This badge has expired.")


def test_desk_rejects_a_badge_of_another_event(client, summit, staff, people):
    from tests.factories import make_category
    from tests.factories import make_event

    other = make_event("almaty-forum")
    stranger = make_delegate(other, make_category(other, "Guest"), given="Other", family="Event")
    db.session.commit()
    login(client, staff["checkin"])
    answer = _scan(client, _token(stranger))
    assert (answer["status"], answer["message"]) == ("invalid", "This badge does not belong to this event.")


def test_desk_without_javascript_renders_the_full_page(client, summit, staff, people, clock):
    login(client, staff["checkin"])
    with clock.at(_at_event(9)):
        response = client.post("/e/astana/manage/checkin", data={"code": _token(people["aliya"])})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<div class="alert alert-success fs-5 mb-2" role="alert" id="desk-message">Checked in.</div>' in page
    assert 'id="code"' in page and 'value=""' in page


def test_desk_empty_scan_is_no_error(client, summit, staff):
    login(client, staff["checkin"])
    assert client.post("/e/astana/manage/checkin", data={"code": ""}).status_code == 200


def test_desk_counts_by_category(client, summit, staff, people, clock):
    login(client, staff["checkin"])
    with clock.at(_at_event(9)):
        _scan(client, _token(people["aliya"]))
        counts = client.get("/e/astana/manage/checkin/counts.json").get_json()
    assert counts == {"day": "2027-04-21", "scope": "venue", "checked_in": 1, "approved": 2, "categories": [
        {"category": "Government delegation", "checked_in": 1, "approved": 1},
        {"category": "Climate expert", "checked_in": 0, "approved": 1}]}


def test_desk_counts_query_count_is_constant(client, summit, staff, count_queries):
    event, cats = summit
    login(client, staff["checkin"])
    client.get("/e/astana/manage/checkin/counts.json")
    with count_queries() as few:
        client.get("/e/astana/manage/checkin/counts.json")
    for n in range(15):
        make_delegate(event, cats["expert" if n % 2 else "media"], given=f"P{n}", family="X", photo=False)
    db.session.commit()
    client.get("/e/astana/manage/checkin/counts.json")  # the same warm-up as before the first count
    with count_queries() as many:
        client.get("/e/astana/manage/checkin/counts.json")
    assert many.count == few.count


def test_desk_session_door_refuses_categories_not_allowed(client, summit, staff, people, agenda, clock):
    clock.set(_at_event(15))
    login(client, staff["checkin"])
    door = agenda["ministerial"].id
    minister = _scan(client, _token(people["aliya"]), session=str(door))
    expert = _scan(client, _token(people["berik"]), session=str(door))
    assert minister["status"] == "admitted"
    assert (expert["status"], expert["message"]) == ("refused", "Category Climate expert may not attend this session.")
    assert [(c.scope, c.session_id) for c in db.session.scalars(select(CheckIn))] == [(f"s{door}", door)]


def test_desk_session_door_needs_a_place_for_sign_up_sessions(client, summit, staff, people, agenda, clock):
    event, _ = summit
    workshop = agenda["workshop"].id
    agenda_view = personal.delegate_agenda(event, people["berik"])
    personal.sign_up_for_workshop(event, people["berik"].user, agenda_view, workshop, actor=people["berik"].user)
    db.session.commit()
    clock.set(_at_event(11))
    login(client, staff["checkin"])
    berik = _scan(client, _token(people["berik"]), session=str(workshop))
    aliya = _scan(client, _token(people["aliya"]), session=str(workshop))
    assert berik["status"] == "admitted"
    assert (aliya["status"], aliya["message"]) == ("refused", "Not signed up for this session.")


def test_desk_print_reissues_and_returns_the_new_badge(client, summit, staff, people):
    old_token = _token(people["aliya"])
    login(client, staff["checkin"])
    response = client.post("/e/astana/manage/checkin/print", data={"pick": services.pick_token(people["aliya"])})
    assert (response.status_code, response.mimetype) == (200, "application/pdf")
    db.session.expire_all()
    badge = services.ensure_badge(people["aliya"])
    assert badge.display_code in pdf_text(response.data)[0]
    assert _scan(client, old_token)["status"] == "refused"


def test_desk_print_refused_says_why_back_at_the_desk(client, summit, staff, people):
    login(client, staff["checkin"])
    client.get("/e/astana/manage/checkin")  # shows the welcome
    response = client.post("/e/astana/manage/checkin/print", data={"pick": services.pick_token(people["pending"])})
    assert response.headers["Location"] == "/e/astana/manage/checkin"
    assert flash_kinds(client.get("/e/astana/manage/checkin")) == [("danger", "Only approved delegates have a badge.")]
    assert client.post("/e/astana/manage/checkin/print", data={}).status_code == 400
    assert client.post("/e/astana/manage/checkin/print", data={"pick": "WzEsMV0.forged"}).status_code == 404


def test_desk_photo_needs_a_genuine_pick(client, summit, staff, people):
    login(client, staff["checkin"])
    good = client.get(f"/e/astana/manage/checkin/photo/{services.pick_token(people['aliya'])}")
    assert (good.status_code, good.mimetype) == (200, "image/jpeg")
    assert client.get("/e/astana/manage/checkin/photo/WzEsMV0.forged").status_code == 404


def test_checkin_user_cannot_reach_registrations_beyond_the_desk(client, summit, staff, people):
    login(client, staff["checkin"])
    registration = people["aliya"]
    for url in ("/e/astana/manage/registrations", f"/e/astana/manage/registrations/{registration.id}",
                "/e/astana/manage/registrations/export.csv", "/e/astana/manage/delegations",
                "/e/astana/manage/visa-letters", "/e/astana/manage/badges", "/e/astana/manage/onsite-settings"):
        assert client.get(url).status_code in (403, 404), url
    assert client.get(f"/e/astana/registrations/{registration.id}/photo").status_code == 404


def test_delegate_and_anonymous_cannot_open_the_desk(client, summit, people):
    assert client.get("/e/astana/manage/checkin").status_code == 302
    login(client, people["aliya"].user)
    assert client.get("/e/astana/manage/checkin").status_code == 403
    assert client.post("/e/astana/manage/checkin", data={"code": "serik"}).status_code == 403


def test_desk_page_loads_for_checkin_role(client, summit, staff):
    login(client, staff["checkin"])
    page = client.get("/e/astana/manage/checkin")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<script src="/static/js/checkin.js"></script>' in html
    assert "style=" not in html.split("<main", 1)[1]


# --- days outside the event --------------------------------------------------------------

def _on(day: str, hour: int = 10):
    """A moment at a local time (Asia/Almaty, UTC+5) on `day`."""
    return datetime.fromisoformat(f"{day}T{hour - 5:02d}:00:00+00:00")


OFF_DAY = "Today, 14 January 2027, is not a day of the event (21 – 23 April 2027). Check in anyway?"


def test_desk_days_run_from_the_day_before_to_the_last_day(summit):
    event, _ = summit
    answers = {day: services.off_day_warning(event, date.fromisoformat(day))
               for day in ("2027-04-19", "2027-04-20", "2027-04-23", "2027-04-24")}
    assert [day for day, warning in answers.items() if warning] == ["2027-04-19", "2027-04-24"]


def test_desk_without_javascript_asks_before_admitting_outside_the_event_days(client, summit, staff, people, clock):
    login(client, staff["checkin"])
    with clock.at(_on("2027-01-14")):
        asked = client.post("/e/astana/manage/checkin", data={"code": _token(people["aliya"])})
    doc = page(asked)
    assert doc.xpath('string(//*[@id="desk-message"])') == OFF_DAY
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0
    confirm = doc.xpath('//form[@id="desk-confirm"]')[0]
    fields = {i.get("name"): i.get("value") for i in confirm.xpath(".//input[@type='hidden']")}
    assert (confirm.get("action"), fields["confirm"], fields["method"], confirm.xpath("string(.//button)")) == (
        "/e/astana/manage/checkin/pick", "1", "qr", "Check in anyway")
    with clock.at(_on("2027-01-14")):
        admitted = client.post(confirm.get("action"), data=fields)
    assert page(admitted).xpath('string(//*[@id="desk-message"])') == "Checked in."
    assert [(c.day.isoformat(), c.method.value) for c in db.session.scalars(select(CheckIn))] == [
        ("2027-01-14", "qr")]


def test_desk_json_answer_asks_for_confirmation_and_the_confirmation_admits(client, summit, staff, people, clock):
    login(client, staff["checkin"])
    code = services.ensure_badge(people["berik"]).display_code
    with clock.at(_on("2027-01-14")):
        asked = _scan(client, code)
    assert (asked["status"], asked["message"]) == ("confirm", OFF_DAY)
    assert asked["confirm"]["url"] == "/e/astana/manage/checkin/pick"
    assert (asked["confirm"]["fields"]["confirm"], asked["confirm"]["fields"]["method"]) == ("1", "code")
    assert "Check in anyway" in asked["html"]
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0
    with clock.at(_on("2027-01-14")):
        admitted = client.post(asked["confirm"]["url"], data=asked["confirm"]["fields"],
                               headers={"Accept": "application/json"}).get_json()
        rescanned = _scan(client, _token(people["aliya"]), confirm="1")
    assert (admitted["status"], rescanned["status"]) == ("admitted", "admitted")
    assert sorted(c.method.value for c in db.session.scalars(select(CheckIn))) == ["code", "qr"]


def test_desk_admits_the_day_before_for_early_badge_pickup_without_asking(client, summit, staff, people, clock):
    login(client, staff["checkin"])
    with clock.at(_on("2027-04-20", 17)):
        answer = _scan(client, _token(people["aliya"]))
    assert (answer["status"], answer["message"]) == ("admitted", "Checked in.")


# --- who is in already, in the name search --------------------------------------------------

def test_desk_name_search_shows_who_is_checked_in_already(client, summit, staff, people, clock):
    event, cats = summit
    make_delegate(event, cats["expert"], given="Dana", family="Serikbayeva")
    db.session.commit()
    login(client, staff["checkin"])
    with clock.at(_at_event(9, 14)):
        _scan(client, _token(people["aliya"]))
    with clock.at(_at_event(10)):
        html = _scan(client, "serik")["html"]
    rows = lxml.html.fromstring(html).xpath('//ul[contains(@class, "desk-matches")]/li')
    assert [(row.xpath("string(.//strong)"), row.xpath('string(.//*[contains(@class, "desk-checked-in")])'))
            for row in rows] == [("Dr Dana Serikbayeva", ""), ("Dr Aliya Serikova", "Checked in at 09:14")]


def test_desk_name_search_query_count_does_not_grow_with_the_matches(client, summit, staff, people, count_queries, clock):
    event, cats = summit
    login(client, staff["checkin"])
    with clock.at(_at_event(9)):
        _scan(client, _token(people["aliya"]))
        _scan(client, "serik")  # the same warm-up as before the second count
        with count_queries() as few:
            assert _scan(client, "serik")["status"] == "matches"
        for n in range(12):
            person = make_delegate(event, cats["expert"], given=f"P{n}", family="Serikuly", photo=False)
            services.admit(event, person, actor=staff["checkin"], method=CheckInMethod.code)
        db.session.commit()
        _scan(client, "serik")
        with count_queries() as many:
            assert _scan(client, "serik")["html"].count("Checked in at 09:00") == 13
    assert many.count == few.count


@pytest.fixture
def kept_counts(app, monkeypatch):
    """The live counts kept by the worker for a few seconds, as in production."""
    monkeypatch.setitem(app.config, "CHECKIN_COUNTS_SECONDS", 2)
    counts.forget_counts()
    yield
    counts.forget_counts()


def test_desk_scans_do_not_count_the_event_again_and_still_show_each_admission(client, summit, staff, count_queries,
                                                                             clock, kept_counts):
    event, cats = summit
    delegates = [make_delegate(event, cats["expert" if n < 4 else "government"], given=f"P{n}", family="X",
                               photo=False) for n in range(6)]
    tokens = [_token(d) for d in delegates]
    db.session.commit()
    login(client, staff["checkin"])
    client.get("/e/astana/manage/checkin")  # counted once
    statements = []
    for token in tokens[:3]:
        with count_queries() as scan:
            page = client.post("/e/astana/manage/checkin", data={"code": token}).get_data(as_text=True)
        statements.append(scan.statements)
        assert "Checked in." in page
    assert len(statements[1]) == len(statements[2]), statements
    assert not [s for s in statements[2] if "count(" in s], statements[2]
    # The desk's own scans are in the figures at once, without counting again.
    assert client.get("/e/astana/manage/checkin/counts.json").get_json()["checked_in"] == 3
    # One made elsewhere (another worker, an offline desk) shows after the figures' few seconds.
    services.admit(event, delegates[3], actor=staff["checkin"], method=CheckInMethod.code)
    db.session.commit()
    assert client.get("/e/astana/manage/checkin/counts.json").get_json()["checked_in"] == 4  # admitted here too
    db.session.add(CheckIn(event_id=event.id, registration_id=delegates[4].id, scope="venue",
                           day=date(2027, 4, 21), badge_version=1))
    db.session.commit()
    assert client.get("/e/astana/manage/checkin/counts.json").get_json()["checked_in"] == 4
    clock.advance(seconds=3)
    shown = client.get("/e/astana/manage/checkin/counts.json").get_json()
    assert (shown["checked_in"], shown["approved"]) == (5, 6)
