"""Visa-support letters: who needs one, generate, regenerate, revoke, the PDF in English,
Russian and Kazakh, verification at /verify/<token>, and who may download what."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.checkin import services
from app.checkin.services import letters
from app.checkin.models import LetterState, VisaLetter
from app.extensions import db
from app.registration.models import Category, RegistrationState as RS
from tests.checkin.conftest import make_delegate, pdf_text, render_png
from tests.factories import flash_kinds, login, make_event


def _visa_delegate(event, category, **fields):
    defaults = dict(given="Farrukh", family="Iqbal", nationality="PK", country="PK", visa_letter_needed=True,
                    passport_number="AB1234567", passport_expiry=date(2031, 5, 1), date_of_birth=date(1980, 2, 3),
                    place_of_birth="Lahore", arrival_date=date(2027, 4, 20), departure_date=date(2027, 4, 24),
                    organisation="Ministry of Climate Change", position="Director")
    defaults.update(fields)
    return make_delegate(event, category, **defaults)


@pytest.fixture
def farrukh(summit):
    event, cats = summit
    registration = _visa_delegate(event, cats["government"])
    db.session.commit()
    return registration


def test_overview_lists_who_still_needs_a_letter(app, summit, farrukh, staff):
    event, cats = summit
    make_delegate(event, cats["expert"], given="No", family="Visa")
    _visa_delegate(event, cats["expert"], given="Not", family="Approved", state=RS.submitted)
    waiting, issued = letters.letter_overview(event)
    assert ([r.full_name for r in waiting], issued) == (["Farrukh Iqbal"], [])
    letters.issue_letter(farrukh, actor=staff["accreditation"])
    waiting, issued = letters.letter_overview(event)
    assert (waiting, [letter.holder_name for letter in issued]) == ([], ["Farrukh Iqbal"])


def test_issue_numbers_letters_and_audits(app, summit, farrukh, staff):
    letter = letters.issue_letter(farrukh, actor=staff["accreditation"])
    db.session.commit()
    assert (letter.reference, letter.state, letter.valid_until) == ("ASTANA-VL-0001", LetterState.issued,
                                                                    date(2027, 4, 25))
    assert [e.action for e in db.session.scalars(select(AuditEntry))] == ["visa_letter.issue"]


def test_regenerate_supersedes_the_old_letter(app, summit, farrukh, staff):
    first = letters.issue_letter(farrukh, actor=staff["accreditation"])
    second = letters.issue_letter(farrukh, actor=staff["accreditation"])
    db.session.commit()
    assert (first.state, second.state, second.reference) == (LetterState.superseded, LetterState.issued,
                                                             "ASTANA-VL-0002")
    assert letters.current_letter(farrukh) == second


@pytest.mark.parametrize("change,message", [
    ({"state": RS.submitted}, "Letters are issued to approved delegates only."),
    ({"visa_letter_needed": False}, "This delegate did not ask for a visa-support letter."),
    ({"passport_number": ""}, "The passport details are incomplete: number, expiry date and date of birth are needed."),
])
def test_issue_refused_with_a_reason(app, summit, farrukh, staff, change, message):
    for key, value in change.items():
        setattr(farrukh, key, value)
    with pytest.raises(services.OnsiteError) as refused:
        letters.issue_letter(farrukh, actor=staff["accreditation"])
    assert str(refused.value.message) == message


def test_letter_pdf_in_english_has_passport_dates_reference_and_verification(app, summit, farrukh, staff,
                                                                              tmp_path):
    letter = letters.issue_letter(farrukh, actor=staff["accreditation"])
    body = letters.letter_pdf(letter, "en")
    text = " ".join(pdf_text(body)[0].split())
    for expected in ("VISA SUPPORT LETTER", "Reference: ASTANA-VL-0001", "Dr Farrukh Iqbal", "AB1234567",
                     "Pakistan", "3 February 1980", "1 May 2031", "20 April 2027 – 24 April 2027",
                     "Regional Ecological Summit 2027", "/verify/"):
        assert expected in text, expected
    assert letters.verify_url(letter).replace("https://", "") in text.replace(" ", "")
    render_png(body, tmp_path / "letter")


def test_letter_pdf_in_russian(app, summit, farrukh, staff):
    letter = letters.issue_letter(farrukh, actor=staff["accreditation"])
    text = " ".join(pdf_text(letters.letter_pdf(letter, "ru"))[0].split())
    for expected in ("ВИЗОВОЕ ПИСЬМО ПОДДЕРЖКИ", "Исх. №: ASTANA-VL-0001", "Пакистан", "3 февраля 1980 г.",
                     "Просим выдать въездную визу", "AB1234567"):
        assert expected in text, expected


def test_letter_fill_ends_a_sentence_after_a_russian_date_with_one_dot():
    filled = letters.fill("Пребывание по {departure}. Справки: {phone}.", {"departure": "24 апреля 2027 г."})
    assert filled == "Пребывание по 24 апреля 2027 г. Справки: {phone}."


def test_letter_uses_the_organisers_text_and_letterhead(app, summit, farrukh, staff):
    event, _ = summit
    services.update_settings(event, {"letter_body": {"en": "Dear consul, please admit {name} ({passport_number}). "
                                                             "{unknown} stays as typed."},
                                     "letter_organisation": "Ministry of Ecology of Kazakhstan",
                                     "letter_signatory": "A. Nurlanovna"}, actor=staff["secretariat"])
    letter = letters.issue_letter(farrukh, actor=staff["accreditation"])
    text = " ".join(pdf_text(letters.letter_pdf(letter, "en"))[0].split())
    assert "Dear consul, please admit Dr Farrukh Iqbal (AB1234567). {unknown} stays as typed." in text
    assert ("Ministry of Ecology of Kazakhstan" in text, "A. Nurlanovna" in text) == (True, True)


def test_settings_form_refuses_unknown_placeholders(client, summit, staff):
    login(client, staff["accreditation"])
    response = client.post("/e/astana/manage/onsite-settings", data={"badge_size": "a6",
                                                                      "letter_body__kk": "Hello {nme}"})
    assert response.status_code == 200
    assert "Unknown placeholders: {nme}." in response.get_data(as_text=True)


def test_settings_form_refuses_a_bad_colour(client, summit, staff):
    event, cats = summit
    login(client, staff["accreditation"])
    response = client.post("/e/astana/manage/onsite-settings",
                           data={"badge_size": "a7", f"colour-{cats['media'].id}": "red"})
    assert "Use a colour like #0b5d3b." in response.get_data(as_text=True)
    response = client.post("/e/astana/manage/onsite-settings",
                           data={"badge_size": "a7", f"colour-{cats['media'].id}": "#112233"})
    assert response.status_code == 302
    settings = services.settings_for(event)
    assert (settings.badge_size.value, settings.category_colours[str(cats["media"].id)]) == ("a7", "#112233")


def _verify(client, letter):
    token = letters.letter_token(letter)
    return client.get(f"/verify/{token}")


def test_verify_genuine_letter_shows_only_name_reference_and_validity(client, summit, farrukh, staff):
    letter = letters.issue_letter(farrukh, actor=staff["accreditation"])
    db.session.commit()
    response = _verify(client, letter)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Genuine and valid." in page
    assert ("Farrukh Iqbal" in page, "ASTANA-VL-0001" in page) == (True, True)
    for private in ("AB1234567", "1980", "Lahore", "Pakistan", farrukh.email):
        assert private not in page


def test_verify_revoked_superseded_and_expired_letters(client, summit, farrukh, staff):
    first = letters.issue_letter(farrukh, actor=staff["accreditation"])
    second = letters.issue_letter(farrukh, actor=staff["accreditation"])
    db.session.commit()
    assert "This letter was replaced by a newer one." in _verify(client, first).get_data(as_text=True)
    letters.revoke_letter(second, actor=staff["accreditation"], reason="passport lost")
    db.session.commit()
    assert "This letter was revoked by the organisers." in _verify(client, second).get_data(as_text=True)
    assert letters.letter_status(second, today=date(2027, 4, 20)) == "revoked"
    third = letters.issue_letter(farrukh, actor=staff["accreditation"])
    assert letters.letter_status(third, today=date(2027, 4, 26)) == "expired"


@pytest.mark.parametrize("token", ["IkFCQyI.forgedsignature", "not-even-a-token", "ImFiYyI.Zm9v"])
def test_verify_forged_token_is_refused_clearly(client, summit, token):
    response = client.get(f"/verify/{token}")
    assert response.status_code == 404
    assert "This verification link is not genuine: it was changed or made up." in response.get_data(as_text=True)


def test_verify_tampered_token_is_refused(client, summit, farrukh, staff):
    letter = letters.issue_letter(farrukh, actor=staff["accreditation"])
    db.session.commit()
    payload, signature = letters.letter_token(letter).split(".")
    response = client.get(f"/verify/{payload[:-1]}A.{signature}")
    assert response.status_code == 404


def test_accreditation_generates_downloads_and_revokes_from_the_page(client, summit, farrukh, staff):
    login(client, staff["accreditation"])
    page = client.get("/e/astana/manage/visa-letters").get_data(as_text=True)
    assert "Farrukh Iqbal" in page
    response = client.post("/e/astana/manage/visa-letters/issue", data={"pick": services.pick_token(farrukh)})
    assert response.status_code == 302
    letter = db.session.scalar(select(VisaLetter))
    # The page's own links and buttons name this letter.
    page = client.get("/e/astana/manage/visa-letters").get_data(as_text=True)
    for lang in ("en", "ru", "kk"):
        assert f'href="/e/astana/manage/visa-letters/{letter.public_id}.pdf?lang={lang}"' in page
    assert f'action="/e/astana/manage/visa-letters/{letter.public_id}/revoke"' in page
    assert 'action="/e/astana/manage/visa-letters/issue"' in page
    # On a phone the tables scroll sideways: each can be reached and scrolled from the keyboard.
    assert 'tabindex="0" role="region" aria-label="Table of the letters"' in page
    pdf = client.get(f"/e/astana/manage/visa-letters/{letter.public_id}.pdf?lang=ru")
    assert (pdf.status_code, pdf.mimetype) == (200, "application/pdf")
    assert client.post(f"/e/astana/manage/visa-letters/{letter.public_id}/revoke",
                       data={"reason": "duplicate"}).status_code == 302
    db.session.expire_all()
    assert (letter.state, letter.revoke_reason) == (LetterState.revoked, "duplicate")


def test_delegate_downloads_own_letter_only(client, summit, farrukh, staff):
    event, cats = summit
    letters.issue_letter(farrukh, actor=staff["accreditation"])
    other = _visa_delegate(event, cats["expert"], given="Other", family="Person")
    db.session.commit()
    login(client, farrukh.user)
    response = client.get("/e/astana/my-visa-letter.pdf?lang=en")
    assert (response.status_code, "AB1234567" in pdf_text(response.data)[0]) == (200, True)
    client.post("/account/logout")
    login(client, other.user)
    assert client.get("/e/astana/my-visa-letter.pdf").status_code == 404


def test_checkin_and_programme_roles_cannot_manage_letters(client, summit, farrukh, staff):
    letter = letters.issue_letter(farrukh, actor=staff["accreditation"])
    db.session.commit()
    for role in ("checkin", "programme"):
        login(client, staff[role])
        assert client.get("/e/astana/manage/visa-letters").status_code == 403
        assert client.get(f"/e/astana/manage/visa-letters/{letter.public_id}.pdf").status_code == 403
        client.post("/account/logout")


def test_generate_all_issues_only_complete_requests(client, summit, farrukh, staff):
    event, cats = summit
    _visa_delegate(event, cats["expert"], given="No", family="Passport", passport_number="")
    db.session.commit()
    login(client, staff["accreditation"])
    response = client.post("/e/astana/manage/visa-letters/issue-all", follow_redirects=True)
    assert "1 letter issued." in response.get_data(as_text=True)
    assert [letter.holder_name for letter in db.session.scalars(select(VisaLetter))] == ["Farrukh Iqbal"]


def test_letter_issue_and_revoke_say_what_happened_or_why_not(client, summit, farrukh, staff):
    event, cats = summit
    no_visa = _visa_delegate(event, cats["expert"], given="No", family="Visa", visa_letter_needed=False)
    db.session.commit()
    login(client, staff["accreditation"])
    listing = "/e/astana/manage/visa-letters"
    client.get(listing)  # shows the welcome

    response = client.post(listing + "/issue", data={"pick": services.pick_token(farrukh)})
    letter = db.session.scalar(select(VisaLetter))
    assert (response.headers["Location"], flash_kinds(client.get(listing))) == (
        listing, [("success", f"Letter {letter.reference} issued to Farrukh Iqbal.")])
    client.post(listing + "/issue", data={"pick": services.pick_token(no_visa)})
    assert flash_kinds(client.get(listing)) == [("danger", "This delegate did not ask for a visa-support letter.")]
    response = client.post(f"{listing}/{letter.public_id}/revoke", data={"reason": "duplicate"})
    assert (response.headers["Location"], flash_kinds(client.get(listing))) == (
        listing, [("success", f"Letter {letter.reference} revoked.")])
    client.post(f"{listing}/{letter.public_id}/revoke", data={"reason": "duplicate"})
    assert flash_kinds(client.get(listing)) == [("danger", "This letter is no longer valid.")]
    assert [entry.action for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))] == [
        "visa_letter.issue", "visa_letter.revoke"]


def test_letter_of_another_event_is_not_found(client, summit, staff):
    other = make_event("bishkek")
    category = Category(event_id=other.id, name="Government")
    db.session.add(category)
    db.session.flush()
    letter = letters.issue_letter(_visa_delegate(other, category), actor=None)
    db.session.commit()
    login(client, staff["accreditation"])
    assert client.get(f"/e/astana/manage/visa-letters/{letter.public_id}.pdf").status_code == 404
    assert client.post(f"/e/astana/manage/visa-letters/{letter.public_id}/revoke",
                       data={"reason": "x"}).status_code == 404
    db.session.expire_all()
    assert letter.state == LetterState.issued


def test_with_csrf_on_every_form_of_the_letters_page_is_accepted(make_app, summit, farrukh, staff):
    """The page's forms share one rendered CSRF field: each of them is taken by the server."""
    from lxml import html

    from tests.accounts.test_security import browser
    from tests.factories import login_session

    client = browser(make_app(WTF_CSRF_ENABLED=True))
    login_session(client, staff["accreditation"])

    def forms(action_end):
        tree = html.fromstring(client.get("/e/astana/manage/visa-letters").get_data(as_text=True))
        found = [f for f in tree.xpath("//form[@method='post']") if f.get("action").endswith(action_end)]
        assert found, action_end
        return found[0]

    def send(form, **extra):
        fields = {i.get("name"): i.get("value") or "" for i in form.xpath(".//input[@name]")}
        assert fields.get("csrf_token")
        return client.post(form.get("action"), data={**fields, **extra})

    assert send(forms("/issue")).status_code == 302
    db.session.expire_all()
    letter = db.session.scalar(select(VisaLetter))
    assert send(forms(f"/{letter.public_id}/revoke"), reason="duplicate").status_code == 302
    db.session.expire_all()
    assert letter.state == LetterState.revoked
    refused = client.post(f"/e/astana/manage/visa-letters/{letter.public_id}/revoke", data={"reason": "x"})
    assert refused.status_code == 400
