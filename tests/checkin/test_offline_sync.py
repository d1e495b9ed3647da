"""The offline desk's server side: desk tokens, the roster and its deltas, idempotent
scan uploads with clock skew, conflicts between desks, revocation, and the sync
endpoints' access (token of one event and desk, issuer's rights, rate limit)."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.checkin import badges, services
from app.checkin.models import CheckIn, DeskScan
from app.events.models import EventRole
from app.extensions import db
from app.registration.models import RegistrationState as RS
from app.registration.services import invalidate_badge
from tests.checkin.conftest import make_delegate
from tests.factories import login, make_category, make_event

ROSTER = "/e/astana/checkin-sync/roster"
SCANS = "/e/astana/checkin-sync/scans"


def _at(hour, minute=0, second=0):
    return datetime(2027, 4, 21, hour - 5, minute, second, tzinfo=UTC)  # Asia/Almaty is UTC+5


@pytest.fixture
def clock(clock):
    clock.set(_at(9))
    return clock


@pytest.fixture
def people(summit):
    event, cats = summit
    result = {
        "aliya": make_delegate(event, cats["government"], given="Aliya", family="Serikova", passport_number="N123"),
        "berik": make_delegate(event, cats["expert"], given="Berik", family="Zhakupov"),
        "pending": make_delegate(event, cats["expert"], given="Pending", family="Person", state=RS.submitted),
        "gone": make_delegate(event, cats["media"], given="Gone", family="Away", state=RS.cancelled),
    }
    for registration in result.values():
        services.ensure_badge(registration)
    db.session.commit()
    return result


def _token(registration):
    return services.token_for(services.ensure_badge(registration), registration.event)


def _desk(summit, staff, name="Entrance A"):
    event, _ = summit
    desk, secret = services.issue_desk(event, name, actor=staff["checkin"])
    db.session.commit()
    return desk, secret


def _row(nonce, token, status="admitted", at=None):
    return {"nonce": nonce, "token": token, "status": status, "scanned_at": (at or _at(9)).isoformat()}


def _post(client, secret, scans, sent_at=None):
    return client.post(SCANS, json={"sent_at": (sent_at or _at(9)).isoformat(), "scans": scans},
                       headers={"Authorization": f"Bearer {secret}"})


def test_issuing_a_desk_gives_a_token_once_and_audits(app, summit, staff, clock):
    desk, secret = _desk(summit, staff)
    assert secret.startswith("kd_") and desk.token_hash != secret
    assert services.desk_for_token(secret) == desk
    assert services.desk_for_token(secret + "x") is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "desk.issue"))
    assert entry.summary == "Entrance A"


def test_roster_has_what_the_desk_decides_with_and_nothing_private(client, summit, staff, people, clock):
    _desk_row, secret = _desk(summit, staff)
    body = client.get(ROSTER, headers={"Authorization": f"Bearer {secret}"}).get_json()
    assert body["full"] is True and body["columns"][:3] == ["id", "version", "state"]
    rows = {r[3]: r for r in body["rows"]}
    assert {name: row[2] for name, row in rows.items()} == {
        "Dr Aliya Serikova": "a", "Dr Berik Zhakupov": "a", "Dr Pending Person": "n", "Dr Gone Away": "c"}
    assert body["days"] == ["2027-04-20", "2027-04-23"] and body["timezone"] == "Asia/Almaty"
    assert [k["kid"] for k in body["keys"]] == [services.signing_key(summit[0]).key_id]
    text = str(body)
    assert "N123" not in text and "@" not in text  # no passport, no email


def test_roster_delta_carries_only_changes_revocations_included(client, summit, staff, people, clock):
    _desk_row, secret = _desk(summit, staff)
    auth = {"Authorization": f"Bearer {secret}"}
    cursor = client.get(ROSTER, headers=auth).get_json()["cursor"]
    clock.advance(minutes=10)
    unchanged = client.get(ROSTER, query_string={"cursor": cursor}, headers=auth).get_json()
    assert unchanged["full"] is False and unchanged["rows"] == []
    people["berik"].state = RS.cancelled
    invalidate_badge(people["aliya"])
    db.session.commit()
    delta = client.get(ROSTER, query_string={"cursor": unchanged["cursor"]}, headers=auth).get_json()
    assert sorted((r[3], r[1], r[2]) for r in delta["rows"]) == [("Dr Aliya Serikova", 2, "a"),
                                                                 ("Dr Berik Zhakupov", 1, "c")]
    bad = client.get(ROSTER, query_string={"cursor": "yesterday"}, headers=auth)
    assert bad.status_code == 400 and bad.get_json()["error"] == "The roster cursor is not a time."


def test_upload_records_once_and_a_replayed_batch_changes_nothing(client, summit, staff, people, clock):
    _desk_row, secret = _desk(summit, staff)
    batch = [_row("nonce-aaaa-1", _token(people["aliya"])), _row("nonce-aaaa-2", _token(people["aliya"]), "already"),
             _row("nonce-aaaa-3", _token(people["gone"]), "refused")]
    first = _post(client, secret, batch).get_json()
    assert [r["outcome"] for r in first["results"]] == ["recorded", "already", "refused"]
    again = _post(client, secret, batch).get_json()
    assert [(r["outcome"], r["duplicate"]) for r in again["results"]] == [
        ("recorded", True), ("already", True), ("refused", True)]
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1
    assert db.session.scalar(select(func.count(DeskScan.id))) == 3
    checkin = db.session.scalar(select(CheckIn))
    assert (checkin.registration_id, checkin.checked_in_by_id) == (people["aliya"].id, staff["checkin"].id)


def test_two_desks_admitting_one_badge_give_one_checkin_and_one_conflict(client, summit, staff, people, clock):
    _a, first = _desk(summit, staff, "Entrance A")
    _b, second = _desk(summit, staff, "Entrance B")
    token = _token(people["berik"])
    assert _post(client, first, [_row("desk-a-0001", token, at=_at(8, 50))]).get_json()["results"][0]["outcome"] \
        == "recorded"
    answer = _post(client, second, [_row("desk-b-0001", token, at=_at(8, 55))]).get_json()["results"][0]
    assert (answer["outcome"], answer["conflict"]) == ("conflict", True)
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1
    listed = services.conflicts(summit[0])
    assert [(c.desk.name, c.registration.family_name) for c in listed] == [("Entrance B", "Zhakupov")]


def test_an_admission_with_a_badge_no_longer_valid_is_a_conflict_and_no_checkin(client, summit, staff, people, clock):
    _desk_row, secret = _desk(summit, staff)
    token = _token(people["aliya"])
    invalidate_badge(people["aliya"])
    db.session.commit()
    answer = _post(client, secret, [_row("stale-000001", token)]).get_json()["results"][0]
    assert (answer["outcome"], answer["conflict"]) == ("invalid", True)
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_malformed_rows_get_their_own_error_and_good_rows_are_kept(client, summit, staff, people, clock):
    _desk_row, secret = _desk(summit, staff)
    scans = [_row("good-row-0001", _token(people["aliya"])), "not an object",
             {"nonce": "x", "token": "K.abc", "status": "admitted", "scanned_at": _at(9).isoformat()},
             _row("bad-status-01", _token(people["berik"]), "maybe"),
             {"nonce": "no-time-00001", "token": _token(people["berik"]), "status": "admitted", "scanned_at": "noon"}]
    response = _post(client, secret, scans)
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert results[0]["outcome"] == "recorded"
    assert [r.get("error", "")[:20] for r in results[1:]] == [
        "A scan must be a JSO", "The nonce must be 8 ", "Unknown desk answer.", "The scan time is mis"]
    assert [r["index"] for r in results] == [0, 1, 2, 3, 4]
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1
    for body in (None, {"scans": "many"}, {"scans": [{}] * (services.BATCH_LIMIT + 1)}):
        refused = client.post(SCANS, json=body, headers={"Authorization": f"Bearer {secret}"})
        assert refused.status_code == 400 and refused.get_json()["error"]


def test_clock_skew_is_recorded_and_scan_times_corrected(client, summit, staff, people, clock):
    desk, secret = _desk(summit, staff)
    # The desk's clock runs 10 minutes fast: it says 09:10 when the server says 09:00.
    _post(client, secret, [_row("skewed-00001", _token(people["aliya"]), at=_at(9, 5))], sent_at=_at(9, 10))
    scan = db.session.scalar(select(DeskScan))
    assert (scan.skew_seconds, desk.clock_skew_seconds) == (600, 600)
    assert scan.scanned_at == _at(8, 55) and db.session.scalar(select(CheckIn)).checked_in_at == _at(8, 55)


def test_revoked_desk_loses_the_roster_but_its_queue_is_kept_and_marked(client, summit, staff, people, clock):
    desk, secret = _desk(summit, staff)
    services.revoke_desk(desk, actor=staff["secretariat"])
    db.session.commit()
    refused = client.get(ROSTER, headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 403 and refused.get_json() == {"error": "revoked", "wipe": True}
    body = _post(client, secret, [_row("late-scan-001", _token(people["aliya"]))]).get_json()
    assert body["wipe"] is True and body["results"][0]["outcome"] == "recorded"
    assert db.session.scalar(select(DeskScan)).from_revoked_desk is True
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "desk.revoke")).summary == desk.name


@pytest.mark.parametrize("case", ["no_token", "wrong_token", "other_event", "issuer_lost_role"])
def test_sync_endpoints_need_a_live_token_of_this_event(client, summit, staff, people, clock, case):
    desk, secret = _desk(summit, staff)
    expected = 401
    if case == "no_token":
        secret = None
    elif case == "wrong_token":
        secret = "kd_" + "x" * 40
    elif case == "other_event":
        other = make_event("almaty-forum")
        make_category(other, "Guest")
        _other_desk, secret = services.issue_desk(other, "Elsewhere", actor=staff["checkin"])
        db.session.commit()
        expected = 403
    else:
        db.session.execute(EventRole.__table__.delete().where(EventRole.user_id == staff["checkin"].id))
        db.session.commit()
        expected = 403
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    assert client.get(ROSTER, headers=headers).status_code == expected
    assert client.post(SCANS, json={"scans": []}, headers=headers).status_code == expected


@pytest.mark.parametrize("role,allowed", [("checkin", True), ("secretariat", True), ("accreditation", False),
                                          ("programme", False)])
def test_who_may_set_up_a_desk(client, summit, staff, clock, role, allowed):
    login(client, staff[role])
    response = client.post("/e/astana/manage/checkin/desks/new", data={"name": "Laptop 1"})
    assert response.status_code == (201 if allowed else 403)
    if allowed:
        assert services.desk_for_token(response.get_json()["token"]).name == "Laptop 1"
        empty = client.post("/e/astana/manage/checkin/desks/new", data={"name": "  "})
        assert empty.status_code == 400 and "name" in empty.get_json()["errors"]


def test_supervisor_sees_desks_queues_conflicts_and_revokes(client, summit, staff, people, clock):
    desk, secret = _desk(summit, staff, "Entrance A")
    client.get(ROSTER, query_string={"queue": 7}, headers={"Authorization": f"Bearer {secret}"})
    login(client, staff["checkin"])
    page = client.get("/e/astana/manage/checkin/desks").get_data(as_text=True)
    assert "Entrance A" in page and '<td class="text-end desk-queue">7</td>' in page
    response = client.post(f"/e/astana/manage/checkin/desks/{desk.id}/revoke", follow_redirects=True)
    assert "its token no longer works" in response.get_data(as_text=True)
    assert client.get(ROSTER, headers={"Authorization": f"Bearer {secret}"}).status_code == 403
    other = client.application.test_client()
    login(other, staff["accreditation"])
    assert other.get("/e/astana/manage/checkin/desks").status_code == 403
    assert other.post(f"/e/astana/manage/checkin/desks/{desk.id}/revoke").status_code == 403


def test_supervisor_page_queries_stay_constant_as_desks_and_scans_grow(client, summit, staff, people, clock,
                                                                        count_queries):
    login(client, staff["checkin"])

    def load():
        with count_queries() as counter:
            assert client.get("/e/astana/manage/checkin/desks").status_code == 200
        return counter.count

    _d, secret = _desk(summit, staff, "Desk 0")
    _post(client, secret, [_row("grow-0-0001", _token(people["aliya"]))])
    small = load()
    for i in range(1, 6):
        _d, secret = _desk(summit, staff, f"Desk {i}")
        _post(client, secret, [_row(f"grow-{i}-0001", _token(people["aliya"])),
                               _row(f"grow-{i}-0002", _token(people["berik"]))])
    assert load() == small


def test_sync_endpoints_are_rate_limited_per_desk(make_app, summit, staff, clock):
    _desk_row, secret = _desk(summit, staff)
    other = make_app(RATELIMIT_ENABLED=True, DESK_SYNC_RATE_LIMIT="2 per minute")
    client = other.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert [client.get(ROSTER, headers=headers).status_code for _ in range(3)] == [200, 200, 429]


def test_rotation_command_signs_new_badges_with_a_new_key(app, summit, people, clock):
    event, _ = summit
    badge = services.ensure_badge(people["aliya"])
    printed = _token(people["aliya"])
    old = services.signing_key(event).key_id
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["checkin", "rotate-badge-key", "astana"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    new = services.signing_key(event).key_id
    assert new != old and f"signed with key {new}" in result.output
    assert services.read_badge_token(event, printed, today=event.start_date) == (badge.public_id, 1)
    result = runner.invoke(args=["checkin", "rotate-badge-key", "astana", "--revoke-old"])
    assert result.exit_code == 0 and "older keys are refused" in result.output
    db.session.expire_all()
    with pytest.raises(badges.BadgeTokenError):
        services.read_badge_token(event, printed, today=event.start_date)
    assert runner.invoke(args=["checkin", "rotate-badge-key", "nowhere"]).exit_code != 0


def test_supervisor_sees_how_far_a_desk_clock_is_off(client, summit, staff, people, clock):
    _desk_row, secret = _desk(summit, staff, "Fast clock")
    _post(client, secret, [_row("fast-clock-01", _token(people["aliya"]))], sent_at=_at(9, 10))
    _other, on_time = _desk(summit, staff, "Right clock")
    _post(client, on_time, [_row("right-clock-1", _token(people["berik"]))], sent_at=_at(9, 0))
    login(client, staff["checkin"])
    page = client.get("/e/astana/manage/checkin/desks").get_data(as_text=True)
    assert "off by 10 minutes" in page and "on time" in page


def test_roster_names_categories_and_delegations_as_plain_text(client, summit, staff, people, clock):
    from app.registration.models import Delegation

    event, cats = summit
    cats["media"].name = {"en": "Press & media"}
    db.session.add(Delegation(event=event, name={"en": "Bosnia & Herzegovina"}, country="BA"))
    db.session.commit()
    _desk_row, secret = _desk(summit, staff)
    body = client.get(ROSTER, headers={"Authorization": f"Bearer {secret}"}).get_json()
    assert "Press & media" in body["categories"].values()
    assert "Bosnia & Herzegovina" in body["delegations"].values()


def test_supervisor_sees_which_desks_are_out_of_contact_and_what_they_hold(client, summit, staff, people, clock):
    _a, silent = _desk(summit, staff, "Entrance A")
    client.get(ROSTER, query_string={"queue": 12}, headers={"Authorization": f"Bearer {silent}"})
    _post(client, silent, [_row("silent-0001", _token(people["aliya"]))])
    _d, lost = _desk(summit, staff, "Lost phone")
    client.get(ROSTER, headers={"Authorization": f"Bearer {lost}"})
    clock.set(_at(9, 5))
    _b, talking = _desk(summit, staff, "Entrance B")
    client.get(ROSTER, query_string={"queue": 3}, headers={"Authorization": f"Bearer {talking}"})
    _c, _never = _desk(summit, staff, "Spare laptop")
    lost_desk = services.desk_for_token(lost)
    services.revoke_desk(lost_desk, actor=staff["secretariat"])
    db.session.commit()
    assert client.get(ROSTER, headers={"Authorization": f"Bearer {lost}"}).status_code == 403
    clock.set(_at(9, 5, 40))

    login(client, staff["secretariat"])
    page = client.get("/e/astana/manage/checkin/desks").get_data(as_text=True)
    assert ("1 of 3 desks is out of contact; scans it held at its last contact, not yet uploaded: 12."
            in page)
    states = re.findall(r'<tr data-desk="\d+" data-state="(\w+)">\s*<td><strong>([^<]+)</strong>', page)
    assert states == [("offline", "Entrance A"), ("never", "Spare laptop"), ("online", "Entrance B"),
                      ("revoked", "Lost phone")]
    assert "Out of contact for 6 minutes" in page
    assert "List of badges wiped at 21 Apr 2027, 09:05" in page


def test_supervisor_hears_when_every_desk_is_in_contact(client, summit, staff, clock):
    _a, secret = _desk(summit, staff, "Entrance A")
    client.get(ROSTER, headers={"Authorization": f"Bearer {secret}"})
    login(client, staff["checkin"])
    page = client.get("/e/astana/manage/checkin/desks").get_data(as_text=True)
    assert "Every desk is in contact." in page and "out of contact" not in page
