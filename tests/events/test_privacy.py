"""Each event's privacy notice: written by its organisers, linked from the consent."""
from __future__ import annotations

from app.extensions import db
from app.seed import DEMO_SLUG, seed_demo
from tests.factories import grant, login_session, make_category, make_event, make_user, page
from tests.organiser.test_views import settings_data


def test_consent_on_the_registration_form_links_to_the_events_privacy_notice(client):
    event = make_event(privacy_notice="We keep **passport data** for 30 days.")
    make_category(event)
    db.session.commit()
    doc = page(client.get(f"/e/{event.slug}/register"))
    [link] = doc.xpath('//a[@id="privacy-notice-link"]')
    assert link.get("href") == f"/e/{event.slug}/privacy"
    notice = page(client.get(link.get("href")))
    assert notice.xpath("//main//strong/text()") == ["passport data"]


def test_privacy_notice_is_rendered_safely(client):
    event = make_event(privacy_notice='<script>alert(1)</script> [click](javascript:alert(1)) <img src=x onerror=y>')
    db.session.commit()
    response = client.get(f"/e/{event.slug}/privacy")
    notice = page(response).xpath('//div[@class="privacy-notice"]')[0]
    assert response.status_code == 200
    # Shown as the text it is: no script, no script link, no image.
    assert (notice.xpath(".//script | .//img | .//a"), notice.text_content().startswith("<script>alert(1)")) == (
        [], True)


def test_event_without_a_notice_says_so_and_whom_to_ask(client):
    event = make_event(contact_email="secretariat@example.org")
    db.session.commit()
    text = page(client.get(f"/e/{event.slug}/privacy")).xpath("string(//main)")
    assert "The organisers have not published their privacy notice yet." in text
    assert "secretariat@example.org" in text


def test_secretariat_writes_the_privacy_notice_in_the_event_settings(client):
    event = make_event()
    lead = make_user()
    grant(lead, event, "secretariat")
    db.session.commit()
    login_session(client, lead)
    response = client.post(f"/e/{event.slug}/manage/settings",
                           data=settings_data(event, privacy_notice="### Your data\n\nAsk *us*."))
    assert response.status_code == 302
    doc = page(client.get(f"/e/{event.slug}/privacy"))
    notice = '//main//div[contains(@class, "privacy-notice")]'
    assert (doc.xpath(f"{notice}//h3/text()"), doc.xpath(f"{notice}//em/text()")) == (["Your data"], ["us"])


def test_demo_privacy_notice_covers_passport_data_with_the_configured_retention(app, client):
    from app.events.models import Event
    from app.registration.services import settings_for

    seed_demo()
    db.session.commit()
    event = db.session.query(Event).filter_by(slug=DEMO_SLUG).one()
    days = settings_for(event).passport_retention_days
    text = page(client.get(f"/e/{DEMO_SLUG}/privacy")).xpath("string(//main)")
    for part in ("Passport data", f"{days} days after the last day of the summit", "Who sees what",
                 "participant list", "Your rights", "secretariat@example.org"):
        assert part in text, part
