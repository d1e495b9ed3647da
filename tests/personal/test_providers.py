"""The personal agenda page offers the visa-support letter that on-site work registers
for it (the personal agenda does not import on-site work)."""
from __future__ import annotations

from datetime import date

from app.checkin.services import letters
from app.extensions import db
from tests.checkin.conftest import make_delegate
from tests.factories import login, page


def test_my_agenda_offers_the_issued_letter_in_both_languages(client, summit, agenda, staff):
    event, cats = summit
    delegate = make_delegate(event, cats["government"], given="Farrukh", family="Iqbal", nationality="PK",
                             visa_letter_needed=True, passport_number="AB1234567", passport_expiry=date(2030, 1, 1),
                             date_of_birth=date(1980, 5, 17), place_of_birth="Lahore")
    db.session.commit()
    login(client, delegate.user)
    waiting = page(client.get("/e/astana/my-agenda")).text_content()
    assert "The accreditation team is preparing your letter." in waiting

    letter = letters.issue_letter(delegate, actor=staff["accreditation"])
    db.session.commit()
    doc = page(client.get("/e/astana/my-agenda"))
    assert f"Reference {letter.reference}." in doc.text_content()
    assert [h for h in doc.xpath("//a/@href") if "my-visa-letter" in h] == [
        "/e/astana/my-visa-letter.pdf?lang=en", "/e/astana/my-visa-letter.pdf?lang=ru"]

