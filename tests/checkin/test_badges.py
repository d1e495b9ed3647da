"""Badges: signed QR tokens, the PDF a delegate downloads, bulk printing and re-issue."""
from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import unquote

import pytest
import segno
from pypdf import PdfReader

from app.checkin import badges, services, signing
from app.checkin.models import Badge, BadgeSize
from app.extensions import db
from app.registration.models import RegistrationState as RS
from app.registration.services import invalidate_badge
from tests.checkin.conftest import make_delegate, pdf_text, render_png
from tests.factories import flash_kinds, login, make_event



@pytest.fixture
def delegate(summit):
    event, cats = summit
    registration = make_delegate(event, cats["government"], given="Қайрат", family="Өмірзақұлы Үсенов",
                                 organisation="Министрлік: Әділет, Ғылым, Ңің, Һ, І", country="KZ")
    db.session.commit()
    return registration


def test_token_round_trip_names_the_badge_and_version(app, summit, delegate):
    event, _ = summit
    badge = services.ensure_badge(delegate)
    token = services.token_for(badge, event)
    assert services.read_badge_token(event, token, today=event.start_date) == (badge.public_id, 1)
    # Signed with the event's Ed25519 key: the key id, public id, version and last valid day,
    # no database id and no name; the desk checks it with the public key alone.
    prefix, key_id, public_id, version, last_day, signature = token.split(".")
    key = services.signing_key(event)
    assert (prefix, key_id, public_id, version) == ("K", key.key_id, badge.public_id, "1")
    assert signing.EPOCH + timedelta(days=int(last_day)) == event.end_date + timedelta(days=2)
    assert signing.verify(key.public_key, signing.parse(token))
    assert badge.public_id != str(delegate.id) and delegate.family_name not in token


@pytest.mark.parametrize("change", ["forged", "tampered", "other_key", "other_event", "old_secret"])
def test_token_changed_or_forged_is_rejected(app, summit, delegate, change):
    event, _ = summit
    badge = services.ensure_badge(delegate)
    token = services.token_for(badge, event)
    if change == "forged":
        bad = "WyJhYmMiLDEsNzM5MDAwXQ.c2lnbmF0dXJlLW1hZGUtdXA"
    elif change == "tampered":  # the version changed, the signature kept
        parts = token.split(".")
        parts[3] = "2"
        bad = ".".join(parts)
    elif change == "other_key":  # the right key id, signed with another key
        private, _public = signing.new_key_pair()
        key = services.signing_key(event)
        bad = signing.sign(private, key.key_id, badge.public_id, 1, event.end_date)
    elif change == "other_event":  # genuine, but signed by another event's key
        bad = services.token_for(badge, make_event(title="Another summit"))
    else:
        from itsdangerous import URLSafeSerializer

        bad = URLSafeSerializer("another-secret", salt=badges.TOKEN_SALT).dumps([badge.public_id, 1, 800000])
    with pytest.raises(badges.BadgeTokenError) as refused:
        services.read_badge_token(event, bad, today=event.start_date)
    if change == "other_event":
        assert (refused.value.kind, str(refused.value.message)) == (
            "other_event", "This badge does not belong to this event.")
    else:
        assert (refused.value.kind, str(refused.value.message)) == (
            "forged", "This is not a genuine badge of this event: the code is forged or damaged.")


def test_badge_printed_before_signing_keys_still_opens_online(app, summit, delegate):
    event, _ = summit
    badge = services.ensure_badge(delegate)
    old = badges.make_token(badge.public_id, badge.version, badges.valid_until(event))
    assert services.read_badge_token(event, old, today=event.start_date) == (badge.public_id, 1)
    assert services.scan(event, old, actor=None).status in ("admitted", "confirm")


def test_rotation_keeps_printed_badges_until_the_old_key_is_revoked(app, summit, delegate):
    event, _ = summit
    badge = services.ensure_badge(delegate)
    printed = services.token_for(badge, event)
    first = services.signing_key(event)
    second = services.rotate_key(event, actor=None)
    assert second.key_id != first.key_id and services.signing_key(event) == second
    assert services.token_for(badge, event).split(".")[1] == second.key_id
    assert services.read_badge_token(event, printed, today=event.start_date) == (badge.public_id, 1)
    services.rotate_key(event, actor=None, revoke_old=True)
    with pytest.raises(badges.BadgeTokenError):
        services.read_badge_token(event, printed, today=event.start_date)
    assert [k.key_id for k in services.verifying_keys(event)] == [services.signing_key(event).key_id]


def test_token_after_the_event_is_expired(app, summit, delegate):
    event, _ = summit
    token = services.token_for(services.ensure_badge(delegate), event)
    with pytest.raises(badges.BadgeTokenError) as refused:
        services.read_badge_token(event, token, today=event.end_date + timedelta(days=badges.VALID_DAYS_AFTER + 1))
    assert (refused.value.kind, str(refused.value.message)) == ("expired", "This badge has expired.")


def test_reissue_gives_new_version_and_code_and_audits(app, summit, delegate, staff):
    badge = services.ensure_badge(delegate)
    old_code = badge.short_code
    services.reissue_badge(delegate, actor=staff["accreditation"])
    db.session.commit()
    assert (badge.version, delegate.badge_version, badge.reissued_count) == (2, 2, 1)
    assert badge.short_code != old_code
    from app.audit.models import AuditEntry

    assert [e.action for e in db.session.scalars(db.select(AuditEntry))] == ["badge.reissue"]


def test_substitution_version_bump_renews_the_badge_on_next_use(app, summit, delegate):
    badge = services.ensure_badge(delegate)
    old_code = badge.short_code
    invalidate_badge(delegate)  # what registration does on a substitution or a name change
    renewed = services.ensure_badge(delegate)
    assert (renewed.id, renewed.version, renewed.short_code != old_code) == (badge.id, 2, True)


def test_reissue_refused_for_registration_not_approved(app, summit, staff):
    event, cats = summit
    pending = make_delegate(event, cats["expert"], state=RS.submitted)
    with pytest.raises(services.OnsiteError) as refused:
        services.reissue_badge(pending, actor=staff["accreditation"])
    assert str(refused.value.message) == "Only approved delegates have a badge."


def test_badge_pdf_prints_kazakh_name_organisation_country_category_and_code(app, summit, delegate, tmp_path):
    body = services.badge_pdf(delegate)
    badge = db.session.scalar(db.select(Badge))
    reader = PdfReader(io.BytesIO(body))
    assert len(reader.pages) == 1
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (105, 148)  # A6
    text = pdf_text(body)[0]
    for expected in ("Dr Қайрат Өмірзақұлы Үсенов", "Министрлік: Әділет, Ғылым, Ңің, Һ, І", "Kazakhstan",
                     "GOVERNMENT DELEGATION", "Regional Ecological Summit 2027", badge.display_code):
        assert expected in text, expected
    assert badge.printed_count == 1
    render_png(body, tmp_path / "badge")


def test_badge_qr_holds_the_signed_token(app, summit, delegate):
    """The QR drawn on the badge decodes (rebuilt from the same matrix) to the token the desk accepts."""
    event, _ = summit
    badge = services.ensure_badge(delegate)
    token = services.token_for(badge, event)
    assert len(segno.make(token, error="m", micro=False).matrix) <= 45  # small enough for a phone camera
    assert services.read_badge_token(event, token, today=event.start_date) == (badge.public_id, badge.version)


def test_badge_without_photo_prints_initials(app, summit):
    event, cats = summit
    registration = make_delegate(event, cats["media"], given="Ivan", family="Petrov", photo=False)
    text = pdf_text(services.badge_pdf(registration))[0]
    assert "IP" in text.split()


def test_card_size_setting_changes_the_page(app, summit, delegate, staff):
    event, _ = summit
    services.update_settings(event, {"badge_size": BadgeSize.cr80}, actor=staff["secretariat"])
    page = PdfReader(io.BytesIO(services.badge_pdf(delegate))).pages[0]
    assert (round(float(page.mediabox.width) / 72 * 25.4), round(float(page.mediabox.height) / 72 * 25.4)) == (54, 86)


def test_bulk_pdf_has_one_page_per_filtered_approved_delegate_in_protocol_order(app, summit, staff):
    event, cats = summit
    make_delegate(event, cats["government"], given="Berik", family="Zhakupov")
    make_delegate(event, cats["government"], given="Anar", family="Abenova")
    make_delegate(event, cats["government"], given="Pending", family="Person", state=RS.submitted)
    make_delegate(event, cats["expert"], given="Expert", family="Person")
    db.session.commit()
    body, count = services.bulk_badges_pdf(event, {"category": cats["government"].id}, actor=staff["accreditation"])
    db.session.commit()
    pages = pdf_text(body)
    assert count == 2
    assert [("Abenova" in p, "Zhakupov" in p) for p in pages] == [(True, False), (False, True)]
    assert db.session.scalar(db.select(db.func.count(Badge.id))) == 2


def test_delegate_downloads_own_badge_once_approved(client, summit):
    event, cats = summit
    approved = make_delegate(event, cats["expert"], given="Dana", family="Sadykova")
    pending = make_delegate(event, cats["expert"], given="Wait", family="Ing", state=RS.submitted)
    db.session.commit()
    login(client, approved.user)
    response = client.get("/e/astana/my-badge.pdf")
    assert (response.status_code, response.mimetype) == (200, "application/pdf")
    assert "Dana Sadykova" in pdf_text(response.data)[0]
    client.post("/account/logout")
    login(client, pending.user)
    assert client.get("/e/astana/my-badge.pdf").status_code == 404


def test_accreditation_bulk_prints_and_reissues_from_the_badges_page(client, summit, staff):
    event, cats = summit
    registration = make_delegate(event, cats["government"], given="Serik", family="Akhmetov")
    db.session.commit()
    login(client, staff["accreditation"])
    page = client.get(f"/e/astana/manage/badges?category={cats['government'].id}")
    assert page.status_code == 200
    assert "Print 1 badge (PDF)" in page.get_data(as_text=True)
    pdf = client.get(f"/e/astana/manage/badges.pdf?category={cats['government'].id}")
    assert (pdf.status_code, len(PdfReader(io.BytesIO(pdf.data)).pages)) == (200, 1)
    pick = services.pick_token(registration)
    response = client.post("/e/astana/manage/badges/reissue", data={"pick": pick})
    assert response.status_code == 302
    db.session.expire_all()
    assert registration.badge_version == 2


def test_checkin_role_cannot_print_in_bulk(client, summit, staff):
    login(client, staff["checkin"])
    assert client.get("/e/astana/manage/badges").status_code == 403
    assert client.get("/e/astana/manage/badges.pdf").status_code == 403


def test_badge_qr_scans_back_to_the_token(app, summit, delegate, tmp_path):
    """Render the badge, read its QR like a scanner would (zbarimg), and get the signed token."""
    import shutil
    import subprocess

    if shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None:
        pytest.skip("needs zbarimg (zbar-tools) and pdftoppm (poppler-utils)")
    event, _ = summit
    body = services.badge_pdf(delegate)
    badge = db.session.scalar(db.select(Badge))
    assert render_png(body, tmp_path / "badge")
    scanned = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "badge.png")], capture_output=True,
                             text=True).stdout.strip()
    assert scanned == services.token_for(badge, event)


def test_badge_reissue_says_the_new_code_or_why_not(client, summit, staff):
    event, cats = summit
    serik = make_delegate(event, cats["government"], given="Serik", family="Akhmetov")
    pending = make_delegate(event, cats["expert"], given="Pending", family="Person", state=RS.submitted)
    db.session.commit()
    login(client, staff["accreditation"])
    listing = "/e/astana/manage/badges"
    client.get(listing)  # shows the welcome

    response = client.post(listing + "/reissue", data={"pick": services.pick_token(serik)},
                           headers={"Referer": f"https://summit.test{listing}?category={cats['government'].id}"})
    assert response.headers["Location"] == f"https://summit.test{listing}?category={cats['government'].id}"
    code = services.ensure_badge(serik).display_code
    assert flash_kinds(client.get(listing)) == [
        ("success", f"New badge for Serik Akhmetov (code {code}): the old one no longer works.")]
    response = client.post(listing + "/reissue", data={"pick": services.pick_token(pending)},
                           headers={"Referer": "https://elsewhere.example/"})
    assert response.headers["Location"] == listing
    assert flash_kinds(client.get(listing)) == [("danger", "Only approved delegates have a badge.")]
    assert client.post(listing + "/reissue", data={}).status_code == 400
    assert client.post(listing + "/reissue", data={"pick": "WzEsMV0.forged"}).status_code == 404


def test_badge_of_a_kazakh_name_is_named_after_it(client, summit):
    event, cats = summit
    registration = make_delegate(event, cats["expert"], given="Әлия", family="Серікқызы")
    db.session.commit()
    login(client, registration.user)
    response = client.get("/e/astana/my-badge.pdf")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('inline; filename="badge-Serikqyzy.pdf"; filename*=UTF-8\'\'')
    assert unquote(disposition.split("UTF-8''", 1)[1]) == "badge-Серікқызы.pdf"
