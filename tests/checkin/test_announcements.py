"""A delegate hears of a visa-support letter issued or a badge re-issued (by email, in
their language) and finds both on "My registration", with the travel details they gave."""
from __future__ import annotations

from datetime import date

from app.checkin import services
from app.checkin.services import letters
from app.extensions import db
from tests.checkin.conftest import at, make_delegate, outbox
from tests.factories import login_session, page


def _visa_delegate(event, category, **fields):
    return make_delegate(event, category, given="Farrukh", family="Iqbal", nationality="PK",
                         visa_letter_needed=True, passport_number="AB1234567", passport_expiry=date(2030, 1, 1),
                         date_of_birth=date(1980, 5, 17), place_of_birth="Lahore", **fields)


def test_issuing_and_regenerating_a_letter_emails_the_delegate_in_their_language(app, summit, staff):
    event, cats = summit
    delegate = _visa_delegate(event, cats["government"])
    delegate.user.locale = "ru"
    first = letters.issue_letter(delegate, actor=staff["accreditation"])
    second = letters.issue_letter(delegate, actor=staff["accreditation"])
    db.session.commit()
    sent = outbox("visa_letter_issued")
    assert [(m.to_address, m.locale) for m in sent] == [(delegate.user.email, "ru")] * 2
    assert sent[0].subject == "Ваше письмо визовой поддержки: Regional Ecological Summit 2027"
    assert first.reference in sent[0].body_text and f"/e/{event.slug}/my-registration" in sent[0].body_text
    assert second.reference in sent[1].body_text and "больше не действует" in sent[1].body_text


def test_reissuing_a_badge_emails_the_delegate(app, summit, staff):
    event, cats = summit
    delegate = make_delegate(event, cats["expert"])
    services.reissue_badge(delegate, actor=staff["accreditation"], reason="lost")
    db.session.commit()
    [message] = outbox("badge_reissued")
    assert (message.to_address, message.subject) == (
        delegate.user.email, "Your badge for Regional Ecological Summit 2027 was re-issued")
    assert "no longer opens the entrances" in message.body_text


def test_my_registration_shows_the_letter_the_reissued_badge_and_the_travel_details(client, summit, staff):
    event, cats = summit
    delegate = _visa_delegate(event, cats["government"], arrival_flight="KC 922", arrival_at=at(7, 40),
                              hotel="Hilton Astana", airport_transfer=True)
    delegate.travel_updated_at = at(6)
    db.session.commit()
    login_session(client, delegate.user)
    url = f"/e/{event.slug}/my-registration"
    waiting = page(client.get(url)).xpath('string(//*[@id="visa-letter"])')
    assert "Accreditation is preparing your letter." in waiting

    letter = letters.issue_letter(delegate, actor=staff["accreditation"])
    services.ensure_badge(delegate)
    services.reissue_badge(delegate, actor=staff["accreditation"])
    db.session.commit()
    doc = page(client.get(url))
    card = doc.xpath('//*[@id="visa-letter"]')[0]
    assert f"reference {letter.reference}" in card.text_content()
    assert card.xpath(".//a/@href") == [f"/e/{event.slug}/my-visa-letter.pdf",
                                        f"/e/{event.slug}/my-visa-letter.pdf?lang=ru",
                                        f"/e/{event.slug}/my-visa-letter.pdf?lang=kk"]
    assert client.get(card.xpath(".//a/@href")[0]).status_code == 200
    reissued = doc.xpath('//*[@id="badge-reissued"]')[0]
    assert "Badges printed before no longer open the entrances" in reissued.text_content()
    details = {dt.text_content(): dt.getnext().text_content() for dt in doc.xpath("//dl/dt")}
    assert (details["Arrival"], details["Hotel"], details["Airport transfer"]) == (
        "KC 922 · 21 Apr 2027, 07:40", "Hilton Astana", "Yes")
