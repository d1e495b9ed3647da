"""The organiser area of an event: navigation per role, settings, team, audit log."""
from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.events.models import Event, EventRole, EventRoleName
from app.extensions import db
from app.seed import DEMO_SLUG, ROLE_ACCOUNTS, seed_demo
from tests.factories import (field_error, flashes, grant, login_session, make_category, make_event, make_user, page, queries_for)
from tests.registration.conftest import details

# Every organiser menu entry each role should see, in menu order. Entries whose
# page does not exist yet are left out when comparing.
EXPECTED_NAV = {
    "secretariat": ["organiser.dashboard", "registration.manage_list", "registration.manage_invitations",
                    "registration.manage_delegations", "registration.manage_categories", "agenda.manage_timetable",
                    "speakers.manage_list", "checkin.desk", "checkin.manage_badges", "checkin.manage_letters",
                    "footprint.report", "bilaterals.manage_list", "organiser.team", "api.service_tokens",
                    "api.webhooks", "organiser.translations", "organiser.settings", "organiser.audit"],
    "programme": ["organiser.dashboard", "agenda.manage_timetable", "speakers.manage_list"],
    "accreditation": ["organiser.dashboard", "registration.manage_list", "registration.manage_invitations",
                      "registration.manage_delegations", "registration.manage_categories", "checkin.manage_badges",
                      "checkin.manage_letters", "footprint.report", "bilaterals.manage_list"],
    "protocol": ["organiser.dashboard", "registration.manage_list", "registration.manage_delegations",
                 "footprint.report", "bilaterals.manage_list"],
    "checkin": ["organiser.dashboard", "checkin.desk"],
    "viewer": ["organiser.dashboard", "agenda.manage_timetable", "footprint.report"],
}


def nav_links(response) -> list[str]:
    return page(response).xpath('//nav[contains(@class, "organiser-nav")]//a/@href')


def expected_links(app, endpoints) -> list[str]:
    from flask import url_for

    with app.test_request_context():
        return [url_for(e, slug=DEMO_SLUG) for e in endpoints if e in app.view_functions]


def test_each_menu_entry_is_shown_to_exactly_those_its_page_lets_in(app):
    """A menu entry names the action of the page it leads to: no link to a refused page,
    no page a role may open but cannot find."""
    from app.organiser.nav import NAV

    assert [(endpoint, action) for endpoint, action, _label in NAV] == [
        (endpoint, app.view_functions[endpoint]._access_rule) for endpoint, _action, _label in NAV]


@pytest.mark.parametrize("email, role", [(email, role.value) for email, role, *_ in ROLE_ACCOUNTS])
def test_each_demo_role_sees_exactly_its_own_menu(app, client, email, role):
    seed_demo()
    db.session.commit()
    login_session(client, User.by_email(email))
    response = client.get(f"/e/{DEMO_SLUG}/manage/")
    assert response.status_code == 200
    assert nav_links(response) == expected_links(app, EXPECTED_NAV[role])


def test_menu_entry_stays_highlighted_on_the_pages_under_it(app, client):
    seed_demo()
    db.session.commit()
    login_session(client, User.by_email("programme@example.org"))
    response = client.get(f"/e/{DEMO_SLUG}/manage/speakers/proposals")
    nav = '//nav[contains(@class, "organiser-nav")]//a'
    assert page(response).xpath(f'{nav}[contains(@class, "active")]/text()') == ["Speakers"]
    assert page(response).xpath(f'{nav}[@aria-current]') == []


def test_platform_admin_sees_the_whole_menu(app, client):
    seed_demo()
    db.session.commit()
    login_session(client, User.by_email("admin@example.org"))
    response = client.get(f"/e/{DEMO_SLUG}/manage/")
    assert nav_links(response) == expected_links(app, EXPECTED_NAV["secretariat"])


def test_dashboard_counts_team_members(client):
    """Team members are people with a role (one person with two roles counts once; delegates
    are not team members); the registration figures follow the registrations' states."""
    from app.registration import services as registration

    event = make_event()
    lead = make_user()
    grant(lead, event, "secretariat")
    grant(lead, event, "programme")
    grant(make_user(), event, "viewer")
    experts = make_category(event, "Climate expert")
    make_category(event, "Media", position=1)
    submitted, approved, waitlisted = (
        registration.create_registration(event, user, details(), category=experts, actor=user)
        for user in (make_user(), make_user(), make_user()))
    registration.approve_registration(approved, actor=lead)
    registration.waitlist_registration(waitlisted, actor=lead)
    db.session.commit()
    login_session(client, lead)
    response = client.get(f"/e/{event.slug}/manage/")
    glance = [" ".join(d.text_content().split()) for d in page(response).xpath('//dl[contains(@class, "glance")]/*')]
    assert glance[glance.index("Team members") + 1] == "2"
    rows = page(response).xpath('//section[@data-figure="registrations-by-category"]//tbody/tr')
    assert [[" ".join(c.text_content().split()) for c in r.xpath("./th|./td")] for r in rows] == [
        ["Climate expert", "1", "1", "1", "3"], ["Media", "0", "0", "0", "0"]]


# --- Settings ---------------------------------------------------------------------------------

def settings_data(event, **changes) -> dict:
    data = {"title": event.title, "slug": event.slug, "description": event.description or "",
            "venue": event.venue or "", "city": event.city, "country": event.country, "timezone": event.timezone,
            "start_date": event.start_date.isoformat(), "end_date": event.end_date.isoformat(),
            "languages": list(event.languages), "registration_opens_at": "", "registration_closes_at": "",
            "contact_email": "secretariat@example.org", "primary_colour": event.primary_colour,
            "accent_colour": event.accent_colour, "published": "y" if event.published else ""}
    data.update(changes)
    return data


@pytest.fixture
def secretariat(client):
    event = make_event(contact_email="secretariat@example.org")
    lead = make_user()
    grant(lead, event, "secretariat")
    db.session.commit()
    login_session(client, lead)
    return event, lead


def test_settings_save_changes_and_audit_them(client, secretariat):
    event, lead = secretariat
    old_title = event.title
    response = client.post(f"/e/{event.slug}/manage/settings", follow_redirects=True, data=settings_data(
        event, title="Regional Ecological Summit 2027", venue="Palace of Independence",
        registration_opens_at="2026-11-01T09:00", registration_closes_at="2027-04-10T18:00"))
    assert flashes(response) == ["The event settings are saved."]
    db.session.expire_all()
    saved = db.session.get(Event, event.id)
    assert (saved.title, saved.venue) == ("Regional Ecological Summit 2027", "Palace of Independence")
    # Entered in the event's time (Asia/Almaty, UTC+5), stored in UTC.
    assert saved.registration_opens_at == datetime(2026, 11, 1, 4, 0, tzinfo=UTC)
    assert saved.registration_closes_at == datetime(2027, 4, 10, 13, 0, tzinfo=UTC)

    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.actor_id, entry.event_id, entry.object_type, entry.object_id) == (
        "event.update", lead.id, event.id, "Event", str(event.id))
    assert entry.changes == {
        "title": [old_title.texts, {"en": "Regional Ecological Summit 2027"}],
        "venue": [{}, {"en": "Palace of Independence"}],
        "registration_opens_at": [None, "2026-11-01T04:00:00+00:00"],
        "registration_closes_at": [None, "2027-04-10T13:00:00+00:00"],
    }
    # The form shows the times again in the event's zone.
    response = client.get(f"/e/{event.slug}/manage/settings")
    assert page(response).xpath('//input[@name="registration_opens_at"]/@value') == ["2026-11-01T09:00"]


def test_settings_slug_change_moves_the_event(client, secretariat):
    event, _ = secretariat
    response = client.post(f"/e/{event.slug}/manage/settings", data=settings_data(event, slug="astana-2027"))
    assert response.headers["Location"] == "/e/astana-2027/manage/settings"
    assert client.get("/e/astana-2027/manage/settings").status_code == 200


def test_settings_refuse_a_slug_used_by_another_event(client, secretariat):
    event, _ = secretariat
    make_event("taken-slug")
    db.session.commit()
    response = client.post(f"/e/{event.slug}/manage/settings", data=settings_data(event, slug="taken-slug"))
    assert field_error(response, "slug") == "Another event already uses this short name."
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


@pytest.mark.parametrize("changes, field, message", [
    ({"end_date": "2027-04-20"}, "end_date", "The last day cannot be before the first day."),
    ({"end_date": "2027-08-01"}, "end_date", "An event can last at most 60 days."),
    ({"slug": "Astana 2027!"}, "slug", "Use lower-case letters, digits and dashes, e.g. astana-2027."),
    ({"timezone": "Mars/Olympus_Mons"}, "timezone", "Choose a time zone from the list."),
    ({"primary_colour": "red"}, "primary_colour", "Use a colour like #0b5d3b."),
    ({"registration_opens_at": "2027-01-02T10:00", "registration_closes_at": "2027-01-01T10:00"},
     "registration_closes_at", "Registration must close after it opens."),
    ({"start_date": "not a date"}, "start_date", "Not a valid date value."),
    ({"country": "XX"}, "country", "Select a country from the list."),
    ({"contact_email": "nobody"}, "contact_email", "Enter a valid email address."),
    ({"languages": ["en", "fr"]}, "languages", "'fr' is not a valid choice for this field."),
])
def test_settings_bad_input_gives_a_field_error(client, secretariat, changes, field, message):
    event, _ = secretariat
    response = client.post(f"/e/{event.slug}/manage/settings", data=settings_data(event, **changes))
    assert response.status_code == 200
    assert field_error(response, field) == message
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_settings_show_html_in_the_title_escaped(client, secretariat):
    event, _ = secretariat
    client.post(f"/e/{event.slug}/manage/settings", data=settings_data(event, title="<script>alert(1)</script>"))
    text = client.get(f"/e/{event.slug}/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


# --- Team -------------------------------------------------------------------------------------

def test_team_grant_and_revoke_are_audited(client, secretariat):
    event, lead = secretariat
    newcomer = make_user("newcomer@example.org", given_name="Мусадик", family_name="Ахмедов")
    db.session.commit()
    response = client.post(f"/e/{event.slug}/manage/team", data={"email": "Newcomer@example.org",
                                                                  "role": "accreditation"},
                           follow_redirects=True)
    assert flashes(response) == ["Role granted to Мусадик Ахмедов."]
    grant_ = db.session.scalar(select(EventRole).where(EventRole.user_id == newcomer.id))
    assert (grant_.event_id, grant_.role, grant_.granted_by_id) == (event.id, EventRoleName.accreditation, lead.id)

    # Granting the same role again changes nothing.
    client.post(f"/e/{event.slug}/manage/team", data={"email": "newcomer@example.org", "role": "accreditation"},
                follow_redirects=True)
    response = client.post(f"/e/{event.slug}/manage/team/{grant_.id}/revoke", follow_redirects=True)
    assert flashes(response) == ["Role revoked."]
    assert db.session.scalar(select(EventRole).where(EventRole.user_id == newcomer.id)) is None

    entries = [(e.action, e.actor_id, e.event_id, e.summary, e.changes)
               for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert entries == [
        ("role.grant", lead.id, event.id, "newcomer@example.org: accreditation",
         {"role": [None, "accreditation"], "user": [None, "newcomer@example.org"]}),
        ("role.revoke", lead.id, event.id, "newcomer@example.org: accreditation",
         {"role": ["accreditation", None], "user": ["newcomer@example.org", None]}),
    ]


def test_team_grant_to_an_unknown_address_gives_a_field_error(client, secretariat):
    event, _ = secretariat
    response = client.post(f"/e/{event.slug}/manage/team", data={"email": "nobody@example.org", "role": "viewer"})
    assert field_error(response, "email") == "No account uses this address. Ask the person to create one first."


def test_team_grant_refuses_an_unknown_role(client, secretariat):
    event, _ = secretariat
    user = make_user()
    db.session.commit()
    response = client.post(f"/e/{event.slug}/manage/team", data={"email": user.email, "role": "superuser"})
    assert field_error(response, "role") == "Not a valid choice."


def test_revoking_another_events_grant_is_404(client, secretariat):
    event, _ = secretariat
    elsewhere = make_event()
    theirs = grant(make_user(), elsewhere, "secretariat")
    db.session.commit()
    assert client.post(f"/e/{event.slug}/manage/team/{theirs.id}/revoke").status_code == 404
    assert client.post(f"/e/{event.slug}/manage/team/999999/revoke").status_code == 404
    assert db.session.get(EventRole, theirs.id) is not None


def test_revoke_is_post_only(client, secretariat):
    event, lead = secretariat
    mine = db.session.scalar(select(EventRole).where(EventRole.user_id == lead.id))
    assert client.get(f"/e/{event.slug}/manage/team/{mine.id}/revoke").status_code == 405


def test_team_page_lists_members_with_escaped_names(client, secretariat):
    event, _ = secretariat
    grant(make_user(given_name="<img src=x onerror=alert(1)>", family_name="Қасымов"), event, "viewer")
    db.session.commit()
    text = client.get(f"/e/{event.slug}/manage/team").get_data(as_text=True)
    assert "<img src=x" not in text
    assert "&lt;img src=x onerror=alert(1)&gt; Қасымов" in text


def test_team_page_query_count_does_not_grow_with_the_team(client, secretariat, count_queries):
    event, _ = secretariat
    url = f"/e/{event.slug}/manage/team"
    small = queries_for(client, url, count_queries)
    for role in ("viewer", "programme", "checkin", "protocol", "accreditation"):
        grant(make_user(), event, role)
    assert queries_for(client, url, count_queries) == small


def test_audit_log_query_count_does_not_grow_with_entries(client, secretariat, count_queries):
    event, lead = secretariat
    url = f"/e/{event.slug}/manage/audit"
    small = queries_for(client, url, count_queries)
    for n in range(5):
        client.post(f"/e/{event.slug}/manage/settings", data=settings_data(event, venue=f"Hall {n}"))
        actor = make_user()
        grant(actor, event, "secretariat")
        db.session.commit()
        login_session(client, actor)
    assert queries_for(client, url, count_queries) == small


# --- Audit log --------------------------------------------------------------------------------

def test_audit_log_filters_by_action_and_actor(client, secretariat):
    event, lead = secretariat
    other_lead = make_user("other.lead@example.org")
    grant(other_lead, event, "secretariat")
    member = make_user("member@example.org")
    db.session.commit()
    client.post(f"/e/{event.slug}/manage/team", data={"email": member.email, "role": "viewer"})
    client.post(f"/e/{event.slug}/manage/settings", data=settings_data(event, venue="Hall"))
    login_session(client, other_lead)
    client.post(f"/e/{event.slug}/manage/settings", data=settings_data(event, venue="Expo"))
    # An entry of another event never shows here.
    elsewhere = make_event()
    from app.audit.services import record

    record(actor=lead, action="event.update", obj=elsewhere, summary="elsewhere")
    db.session.commit()

    def rows(**query):
        response = client.get(f"/e/{event.slug}/manage/audit", query_string=query)
        assert response.status_code == 200
        return [tuple(td.text_content().strip() for td in r.xpath("td"))[:3][-2:]
                if len(r.xpath("td")) > 1 else (r.xpath("td")[0].text_content().strip(), "")
                for r in page(response).xpath("//table/tbody/tr")]

    assert rows() == [("other.lead@example.org", "Event settings changed"), (lead.email, "Event settings changed"),
                      (lead.email, "Role granted")]
    assert rows(action="event.update") == [("other.lead@example.org", "Event settings changed"),
                                           (lead.email, "Event settings changed")]
    assert rows(actor="other.lead") == [("other.lead@example.org", "Event settings changed")]
    assert rows(action="role.grant", actor="other.lead") == [("No entries match.", "")]
    options = page(client.get(f"/e/{event.slug}/manage/audit")).xpath('//select[@name="action"]/option/@value')
    assert options == ["", "event.update", "role.grant"]


def test_audit_log_in_english_names_the_month_and_keeps_the_24_hour_clock(client, secretariat):
    from app.audit.services import record
    from app.utils.time import local_to_utc

    event, lead = secretariat
    entry = record(actor=lead, action="event.update", obj=event, event=event, summary="venue")
    entry.created_at = local_to_utc(date(2026, 11, 29), time(19, 20), event.timezone)
    db.session.commit()

    doc = page(client.get(f"/e/{event.slug}/manage/audit", query_string={"lang": "en", "action": "event.update"}))

    # Not "11/29/26, 7:20 PM": read as the 11th of a 29th month in most of the region.
    assert [td.text_content().strip() for td in doc.xpath("//table/tbody/tr/td[1]")] == ["29 Nov 2026, 19:20"]


def test_audit_log_page_with_odd_filters_is_not_an_error(client, secretariat):
    event, _ = secretariat
    for query in ({"page": "-3"}, {"page": "abc"}, {"page": "99999"}, {"action": "x" * 10_000},
                  {"actor": "<script>alert(1)</script>"}, {"actor": "%_%"}):
        response = client.get(f"/e/{event.slug}/manage/audit", query_string=query)
        assert response.status_code == 200, query
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
