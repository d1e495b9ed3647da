"""Platform administration: users, events, the outbox and the audit log."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.audit.services import record
from app.events.models import Event
from app.extensions import db
from app.mail.models import OutboxMessage, OutboxStatus
from app.mail.services import queue_email, queue_for_user
from tests.factories import (field_error, flashes, login_session, make_event, make_user, outbox, page,
                             queries_for)


@pytest.fixture
def admin(client):
    user = make_user("root@example.org", is_admin=True, given_name="Platform", family_name="Admin")
    db.session.commit()
    login_session(client, user)
    return user


def table_column(response, n: int) -> list[str]:
    return [td.text_content().strip() for td in page(response).xpath(f"//table/tbody/tr/td[{n}]")]


# --- Users ------------------------------------------------------------------------------------

def test_users_search_by_name_email_and_organisation(client, admin):
    make_user("kasym@example.kz", given_name="Қасым-Жомарт", family_name="Тоқаев", organisation="Ақорда")
    make_user("musadiq@example.pk", given_name="Мусадик", family_name="Малик", organisation="Ministry of Climate")
    db.session.commit()
    assert table_column(client.get("/admin/", query_string={"q": "Қасым"}), 2) == ["kasym@example.kz"]
    assert table_column(client.get("/admin/", query_string={"q": "example.pk"}), 2) == ["musadiq@example.pk"]
    assert table_column(client.get("/admin/", query_string={"q": "climate"}), 2) == ["musadiq@example.pk"]
    assert table_column(client.get("/admin/", query_string={"q": "nobody"}), 2) == []
    # Case does not matter in any alphabet, on SQLite as on PostgreSQL.
    assert table_column(client.get("/admin/", query_string={"q": "мусадик"}), 2) == ["musadiq@example.pk"]
    assert table_column(client.get("/admin/", query_string={"q": "АҚОРДА"}), 2) == ["kasym@example.kz"]
    assert sorted(table_column(client.get("/admin/"), 2)) == ["kasym@example.kz", "musadiq@example.pk",
                                                             "root@example.org"]


def test_users_search_with_odd_input_is_not_an_error(client, admin):
    for q in ("%", "_", "x" * 10_000, "<script>alert(1)</script>", "' OR 1=1 --"):
        response = client.get("/admin/", query_string={"q": q, "page": "zz"})
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_users_list_query_count_does_not_grow(client, admin, count_queries):
    small = queries_for(client, "/admin/", count_queries)
    for _ in range(10):
        make_user()
    assert queries_for(client, "/admin/", count_queries) == small


def test_deactivate_and_activate_a_user_are_audited(client, admin):
    user = make_user("delegate@example.org")
    db.session.commit()
    response = client.post(f"/admin/users/{user.id}", data={"flag": "active", "value": "0"}, follow_redirects=True)
    assert flashes(response) == ["Account deactivated: all its sessions ended."]
    db.session.expire_all()
    assert db.session.get(User, user.id).active is False
    assert table_column(client.get("/admin/", query_string={"q": "delegate"}), 3) == ["Deactivated"]

    response = client.post(f"/admin/users/{user.id}", data={"flag": "active", "value": "1"}, follow_redirects=True)
    assert flashes(response) == ["Account activated."]
    db.session.expire_all()
    assert db.session.get(User, user.id).active is True
    entries = [(e.action, e.actor_id, e.object_type, e.object_id, e.summary, e.changes)
               for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert entries == [
        ("user.deactivate", admin.id, "User", str(user.id), "delegate@example.org", {"active": [True, False]}),
        ("user.activate", admin.id, "User", str(user.id), "delegate@example.org", {"active": [False, True]}),
    ]


def test_make_and_unmake_platform_admin_is_audited(client, admin):
    user = make_user("helper@example.org")
    db.session.commit()
    response = client.post(f"/admin/users/{user.id}", data={"flag": "admin", "value": "1"}, follow_redirects=True)
    assert flashes(response) == ["Platform administrator rights changed."]
    db.session.expire_all()
    assert db.session.get(User, user.id).is_admin is True
    client.post(f"/admin/users/{user.id}", data={"flag": "admin", "value": "0"})
    db.session.expire_all()
    assert db.session.get(User, user.id).is_admin is False
    entries = [(e.action, e.changes) for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert entries == [("user.admin", {"is_admin": [False, True]}), ("user.admin", {"is_admin": [True, False]})]


def test_admin_cannot_remove_their_own_access(client, admin):
    for flag in ("active", "admin"):
        response = client.post(f"/admin/users/{admin.id}", data={"flag": flag, "value": "0"}, follow_redirects=True)
        assert flashes(response) == ["You cannot remove your own access."]
    db.session.expire_all()
    me = db.session.get(User, admin.id)
    assert (me.active, me.is_admin) == (True, True)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


@pytest.mark.parametrize("data", [
    {"flag": "password", "value": "1"}, {"flag": "active", "value": "maybe"}, {}, {"flag": "x" * 10_000},
])
def test_user_flag_form_with_bad_input_changes_nothing(client, admin, data):
    user = make_user()
    db.session.commit()
    response = client.post(f"/admin/users/{user.id}", data=data)
    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_user_detail_of_a_missing_user_is_404(client, admin):
    assert client.get("/admin/users/999999").status_code == 404


def test_user_detail_shows_names_escaped(client, admin):
    user = make_user(given_name="<script>alert(1)</script>", family_name="Мусадик")
    db.session.commit()
    text = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Мусадик" in text


# --- Events -----------------------------------------------------------------------------------

def new_event_data(**changes) -> dict:
    data = {"title": "Regional Ecological Summit 2027", "slug": "astana-2027", "description": "",
            "venue": "Palace of Independence", "city": "Astana", "country": "KZ", "timezone": "Asia/Almaty",
            "start_date": "2027-04-21", "end_date": "2027-04-23", "languages": ["en", "ru", "kk"],
            "registration_opens_at": "", "registration_closes_at": "", "contact_email": "info@example.org",
            "primary_colour": "#0b5d3b", "accent_colour": "#1f6fb2"}
    data.update(changes)
    return data


def test_create_event_opens_its_settings_and_is_audited(client, admin):
    response = client.post("/admin/events", data=new_event_data())
    assert response.headers["Location"] == "/e/astana-2027/manage/settings"
    event = db.session.scalar(select(Event))
    assert (event.slug, event.start_date, event.end_date, event.published, event.languages) == (
        "astana-2027", date(2027, 4, 21), date(2027, 4, 23), False, ["en", "ru", "kk"])
    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.actor_id, entry.event_id, entry.summary) == (
        "event.create", admin.id, event.id, "Regional Ecological Summit 2027")
    assert entry.changes["slug"] == [None, "astana-2027"]
    assert "not published" in client.get("/admin/events").get_data(as_text=True)


def test_create_event_with_only_the_required_fields(client, admin):
    data = {k: v for k, v in new_event_data().items()
            if k in {"title", "slug", "start_date", "end_date", "languages", "contact_email", "primary_colour",
                     "accent_colour", "timezone"}}
    assert client.post("/admin/events", data=data).status_code == 302
    event = db.session.scalar(select(Event))
    assert (event.venue, event.city, event.country, event.description) == ("", "", "", "")


@pytest.mark.parametrize("changes, field, message", [
    ({"end_date": "2027-04-01"}, "end_date", "The last day cannot be before the first day."),
    ({"title": ""}, "title", "Enter the text in English."),
    ({"title": "T" * 10_000}, "title", "Keep each version under 200 characters (too long: English)."),
    ({"slug": "<script>alert(1)</script>"}, "slug", "Use lower-case letters, digits and dashes, e.g. astana-2027."),
    ({"slug": "a" * 10_000}, "slug", "Field cannot be longer than 64 characters."),
    ({"start_date": ""}, "start_date", "This field is required."),
    ({"start_date": "21/04/2027"}, "start_date", "Not a valid date value."),
    ({"languages": []}, "languages", "This field is required."),
    ({"contact_email": "not-an-email"}, "contact_email", "Enter a valid email address."),
    ({"description": "D" * 10_000}, "description", "Keep each version under 5000 characters (too long: English)."),
    ({"registration_opens_at": "tomorrow"}, "registration_opens_at", "Not a valid datetime value."),
])
def test_create_event_with_bad_input_gives_a_field_error(client, admin, changes, field, message):
    response = client.post("/admin/events", data=new_event_data(**changes))
    assert response.status_code == 200
    assert field_error(response, field) == message
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_create_event_with_a_taken_slug_gives_a_field_error(client, admin):
    make_event("astana-2027")
    db.session.commit()
    response = client.post("/admin/events", data=new_event_data())
    assert field_error(response, "slug") == "Another event already uses this short name."
    assert db.session.scalar(select(func.count()).select_from(Event)) == 1


def test_create_event_stores_html_and_unicode_as_typed(client, admin):
    client.post("/admin/events", data=new_event_data(title="<b>Саммит</b> Қазақстан"))
    assert db.session.scalar(select(Event.title)) == "<b>Саммит</b> Қазақстан"
    text = client.get("/admin/events").get_data(as_text=True)
    assert "&lt;b&gt;Саммит&lt;/b&gt; Қазақстан" in text
    assert "<b>Саммит</b>" not in text


# --- Outbox -----------------------------------------------------------------------------------

def test_outbox_lists_messages_and_filters_by_status(client, admin):
    user = make_user("delegate@example.org", given_name="Мусадик", locale="ru")
    first = queue_for_user(user, "password_changed")
    second = queue_email(to="other@example.org", template="password_changed", user=user)
    db.session.flush()
    second.status = OutboxStatus.failed
    second.last_error = "SMTPRecipientsRefused: <script>"
    db.session.commit()
    response = client.get("/admin/outbox")
    assert table_column(response, 2) == ["other@example.org", "delegate@example.org"]
    assert table_column(response, 4) == ["failed", "queued"]
    assert table_column(client.get("/admin/outbox", query_string={"status": "failed"}), 2) == ["other@example.org"]
    assert table_column(client.get("/admin/outbox", query_string={"status": "nonsense"}), 2) == [
        "other@example.org", "delegate@example.org"]

    response = client.get(f"/admin/outbox/{second.id}")
    text = response.get_data(as_text=True)
    assert page(response).xpath("//pre")[0].text_content() == second.body_text
    assert "SMTPRecipientsRefused: &lt;script&gt;" in text
    assert page(client.get(f"/admin/outbox/{first.id}")).xpath("//dd")[2].text_content() == "ru"


def test_outbox_message_missing_is_404(client, admin):
    assert client.get("/admin/outbox/424242").status_code == 404


def test_outbox_query_count_does_not_grow(client, admin, count_queries):
    queue_email(to="a@example.org", template="password_changed", user=admin)
    small = queries_for(client, "/admin/outbox", count_queries)
    for n in range(10):
        queue_email(to=f"b{n}@example.org", template="password_changed", user=make_user())
    assert queries_for(client, "/admin/outbox", count_queries) == small


# --- Audit log --------------------------------------------------------------------------------

def test_admin_audit_log_shows_every_event_and_filters(client, admin):
    one, two = make_event(), make_event()
    helper = make_user("helper@example.org")
    record(actor=admin, action="event.update", obj=one, summary="one")
    record(actor=helper, action="event.update", obj=two, summary="two")
    record(actor=admin, action="user.admin", obj=helper, summary="helper")
    db.session.commit()

    def actions(**query):
        response = client.get("/admin/audit", query_string=query)
        assert response.status_code == 200
        return [(who, what) for who, what in zip(table_column(response, 2), table_column(response, 3))]

    assert actions() == [("root@example.org", "Administrator rights changed"),
                         ("helper@example.org", "Event settings changed"), ("root@example.org", "Event settings changed")]
    assert actions(action="event.update", actor="helper") == [("helper@example.org", "Event settings changed")]
    assert actions(actor="nobody") == []
    assert table_column(client.get("/admin/audit", query_string={"actor": "nobody"}), 1) == ["No entries match."]


def test_admin_audit_log_query_count_does_not_grow_with_events(client, admin, count_queries):
    record(actor=admin, action="event.update", obj=make_event())
    small = queries_for(client, "/admin/audit", count_queries)
    for _ in range(5):
        record(actor=make_user(), action="event.update", obj=make_event())
    assert queries_for(client, "/admin/audit", count_queries) == small
