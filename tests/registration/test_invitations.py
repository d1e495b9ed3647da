"""Invitations: single-use, expiring links that open a prefilled registration."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.mail.models import OutboxMessage
from app.registration import services
from app.registration.models import Delegation, Invitation, InvitationState, Registration, RegistrationState as S
from app.utils.time import utcnow
from tests.factories import audit_actions, field_error, grant, login, make_category, make_user, page, PASSWORD, told
from tests.registration.conftest import details, form_data


@pytest.fixture
def government(event):
    return make_category(event, "Government delegation", invite_only=True)


def invite(event, category, email="minister@example.gov", **kwargs):
    invitation = services.create_invitation(event, email=email, category=category, actor=make_user(), **kwargs)
    db.session.commit()
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == email)
                                 .order_by(OutboxMessage.id.desc())).first()
    token = re.search(r"/invitation/(\S+)", message.body_text).group(1)
    return invitation, token


def test_invitation_email_is_in_the_invitees_language(event, government):
    invitation, token = invite(event, government, locale="ru", message="Dear Minister")
    message = db.session.scalars(select(OutboxMessage)).one()
    assert (message.locale, message.template) == ("ru", "registration_invitation")
    assert "Dear Minister" in message.body_text
    assert invitation.status == "sent"


def test_invitation_greets_with_the_title_in_the_invitees_language(client, event, government):
    invite(event, government, locale="ru", honorific="Ms", given_name="Amina", family_name="Diallo")
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.body_text.splitlines()[0] == "Уважаемая госпожа Diallo!"
    officer = make_user()
    grant(officer, event, "accreditation")
    db.session.commit()
    login(client, officer)
    listing = client.get(f"/e/{event.slug}/manage/invitations?lang=kk").get_data(as_text=True)
    assert "Ханым Amina Diallo" in listing and ">Ms Amina" not in listing


@pytest.mark.parametrize("honorific, locale, greeting", [
    ("Mr", "ru", "Уважаемый господин Iqbal!"), ("Mrs", "ru", "Уважаемая госпожа Iqbal!"),
    ("H.E.", "ru", "Ваше Превосходительство!"), ("Mr", "kk", "Құрметті Farrukh мырза!"),
    ("Hon.", "kk", "Аса құрметті Farrukh Iqbal!"), ("Mr", "en", "Dear Mr Iqbal,"),
])
def test_invitation_greets_in_the_form_of_address_the_language_asks_for(event, government, honorific, locale,
                                                                        greeting):
    invite(event, government, locale=locale, honorific=honorific, given_name="Farrukh", family_name="Iqbal")
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.body_text.splitlines()[0] == greeting


def test_invited_person_registers_into_an_invite_only_category_and_is_preapproved(client, event, government):
    delegation = Delegation(event_id=event.id, name="Pakistan", country="PK")
    db.session.add(delegation)
    db.session.flush()
    invitation, token = invite(event, government, given_name="Sherry", family_name="Rehman",
                               delegation=delegation)
    user = make_user("minister@example.gov")
    db.session.commit()
    login(client, user)
    response = client.get(f"/e/{event.slug}/invitation/{token}")
    assert response.headers["Location"].endswith(f"/e/{event.slug}/register")
    page = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    assert 'value="Sherry"' in page and "Government delegation" in page
    response = client.post(f"/e/{event.slug}/register", data=form_data(government))
    assert response.status_code == 302
    registration = db.session.scalars(select(Registration)).one()
    assert (registration.state, registration.delegation_id, registration.category_id) == (
        S.approved, delegation.id, government.id)
    db.session.refresh(invitation)
    assert invitation.status == "registered"
    # Single use: the link no longer opens anything.
    client.post("/account/logout")
    assert client.get(f"/e/{event.slug}/invitation/{token}").status_code == 404


def test_invitation_link_opens_the_form_in_the_invitations_language(client, event, government):
    _invitation, token = invite(event, government, locale="ru")
    response = client.get(f"/e/{event.slug}/invitation/{token}", headers={"Accept-Language": "en"})
    assert response.headers["Location"].endswith(f"/e/{event.slug}/register?lang=ru")
    response = client.get(f"/e/{event.slug}/invitation/{token}?lang=kk")
    assert response.headers["Location"].endswith(f"/e/{event.slug}/register?lang=kk")
    page = client.get(f"/e/{event.slug}/register?lang=ru").get_data(as_text=True)
    assert '<html lang="ru"' in page


def test_invitation_without_preapproval_waits_for_review(client, event, government):
    from tests.registration.conftest import set_event_settings

    set_event_settings(event, invited_preapproved=False)
    invitation, token = invite(event, government)
    user = make_user()
    db.session.commit()
    login(client, user)
    client.get(f"/e/{event.slug}/invitation/{token}")
    client.post(f"/e/{event.slug}/register", data=form_data(government))
    assert db.session.scalars(select(Registration.state)).one() == S.submitted


def test_invited_visitor_with_the_invited_address_is_not_asked_to_confirm_it(client, event, government):
    invitation, token = invite(event, government)
    client.get(f"/e/{event.slug}/invitation/{token}")
    data = form_data(government, email="minister@example.gov", password=PASSWORD, confirm=PASSWORD)
    response = client.post(f"/e/{event.slug}/register", data=data)
    # The link reached the address: that proves it. Registered, logged in, approved.
    assert response.headers["Location"] == f"/e/{event.slug}/my-registration"
    assert client.get(response.headers["Location"]).status_code == 200
    registration = db.session.scalars(select(Registration)).one()
    assert (registration.state, registration.user.is_verified) == (S.approved, True)
    # ... and is not sent a confirmation email it no longer needs.
    assert db.session.scalars(select(OutboxMessage.template)).all().count("verify_email") == 0


def test_invitee_registering_in_another_browser_gets_the_invitation_once_the_address_is_proven(
        client, event, government):
    """No link opened in this browser: the public form, a public category; the
    invitation applies when the address is confirmed."""
    delegation = Delegation(event_id=event.id, name="Pakistan", country="PK")
    db.session.add(delegation)
    db.session.flush()
    public = make_category(event, "Climate expert")
    invitation, _token = invite(event, government, delegation=delegation)
    data = form_data(public, email="Minister@example.gov", password=PASSWORD, confirm=PASSWORD)
    assert "Check your email" in client.post(f"/e/{event.slug}/register", data=data).get_data(as_text=True)
    assert db.session.scalars(select(Registration.state)).one() == S.draft
    verify = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "verify_email")).one()
    client.get("/account/verify/" + re.search(r"/verify/(\S+)", verify.body_text).group(1))
    db.session.expire_all()
    registration = db.session.scalars(select(Registration)).one()
    assert (registration.state, registration.category_id, registration.delegation_id, registration.invitation_id,
            registration.invitation_other_address) == (S.approved, government.id, delegation.id, invitation.id, False)
    assert invitation.status == "registered"
    assert "invitation.register" in audit_actions()


def test_logged_in_invitee_is_offered_the_invitations_category_without_the_link(client, event, government):
    make_category(event, "Climate expert")
    invitation, _token = invite(event, government)
    user = make_user("minister@example.gov")
    db.session.commit()
    login(client, user)
    page = client.get(f"/e/{event.slug}/register").get_data(as_text=True)
    assert "Government delegation" in page and "Climate expert" not in page
    client.post(f"/e/{event.slug}/register", data=form_data(government))
    registration = db.session.scalars(select(Registration)).one()
    assert (registration.state, registration.category_id, invitation.status) == (S.approved, government.id,
                                                                                  "registered")


def test_invitation_link_used_for_another_address_is_flagged_to_accreditation(client, event, government):
    invitation, token = invite(event, government)
    client.get(f"/e/{event.slug}/invitation/{token}")
    data = form_data(government, email="assistant@example.gov", password=PASSWORD, confirm=PASSWORD)
    assert "Check your email" in client.post(f"/e/{event.slug}/register", data=data).get_data(as_text=True)
    verify = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "verify_email")).one()
    client.get("/account/verify/" + re.search(r"/verify/(\S+)", verify.body_text).group(1))
    db.session.expire_all()
    registration = db.session.scalars(select(Registration)).one()
    # Never approved unseen, even though invited delegates usually are.
    assert (registration.state, registration.category_id, registration.invitation_other_address,
            invitation.status) == (S.submitted, government.id, True, "registered")
    assert "registration.invitation_other_address" in audit_actions()

    other = services.create_registration(event, make_user(), details(), category=make_category(event), actor=None)
    officer = make_user()
    grant(officer, event, "accreditation")
    db.session.commit()
    client.post("/account/logout")
    login(client, officer)
    listing = page(client.get(f"/e/{event.slug}/manage/registrations?other_address=1"))
    assert [a.text_content() for a in listing.xpath("//tbody//td/a")] == [registration.full_name]
    assert listing.xpath("//tbody//span[contains(@class, 'badge')]/text()")[-2:] == [
        "Invitation sent to another address", "Submitted"]
    everyone = page(client.get(f"/e/{event.slug}/manage/registrations"))
    assert len(everyone.xpath("//tbody/tr")) == 2 and other.id
    detail = client.get(f"/e/{event.slug}/manage/registrations/{registration.id}").get_data(as_text=True)
    assert ("This person registered as assistant@example.gov through the invitation link sent to "
            "minister@example.gov.") in detail


@pytest.mark.parametrize("spoil", ["expire", "revoke", "garbage"])
def test_unusable_invitation_links_are_refused(client, event, government, spoil):
    invitation, token = invite(event, government)
    if spoil == "expire":
        invitation.expires_at = utcnow() - timedelta(minutes=1)
    elif spoil == "revoke":
        services.revoke_invitation(invitation, actor=make_user())
    else:
        token = "x" * 300
    db.session.commit()
    response = client.get(f"/e/{event.slug}/invitation/{token}")
    assert response.status_code == 404
    assert "This invitation link has expired, was already used, or was withdrawn." in response.get_data(as_text=True)


def test_invitation_state_follows_opening_and_expiry(client, event, government):
    invitation, token = invite(event, government)
    client.get(f"/e/{event.slug}/invitation/{token}")
    db.session.refresh(invitation)
    assert invitation.status == "opened"
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    assert invitation.status == "expired"


def test_resend_gives_a_new_link_and_kills_the_old_one(client, event, government):
    invitation, old = invite(event, government)
    services.resend_invitation(invitation, actor=make_user())
    db.session.commit()
    assert invitation.sent_count == 2
    assert client.get(f"/e/{event.slug}/invitation/{old}").status_code == 404


def test_second_invitation_to_the_same_address_is_refused(event, government):
    invite(event, government)
    with pytest.raises(services.RegistrationError):
        services.create_invitation(event, email="MINISTER@example.gov", category=government, actor=make_user())


def test_officer_sees_a_second_invitation_refused_under_the_email(client, event, government):
    invite(event, government)
    officer = make_user()
    grant(officer, event, "accreditation")
    db.session.commit()
    login(client, officer)
    response = client.post(f"/e/{event.slug}/manage/invitations", data={
        "one-email": "minister@example.gov", "one-honorific": "H.E.", "one-locale": "en",
        "one-category": str(government.id), "one-delegation": "0", "one-submit": "Send"})
    assert response.status_code == 200
    assert field_error(response, "one-email") == "minister@example.gov already has an invitation: resend it instead."
    assert len(db.session.scalars(select(Invitation)).all()) == 1


def test_officer_invites_one_and_many_from_csv(client, event, government):
    officer = make_user()
    grant(officer, event, "accreditation")
    db.session.commit()
    login(client, officer)
    url = f"/e/{event.slug}/manage/invitations"
    response = client.post(url, data={"one-email": "ambassador@example.org", "one-honorific": "H.E.",
                                      "one-locale": "en", "one-category": str(government.id),
                                      "one-delegation": "0", "one-submit": "Send"})
    assert response.status_code == 302
    csv_text = "email,given_name,family_name\nan@example.org,An,One\nnot-an-email,X,Y\nan@example.org,Again,Dup\n"
    response = client.post(url, data={"csv-file": (io.BytesIO(csv_text.encode()), "list.csv"),
                                      "csv-category": str(government.id), "csv-delegation": "0",
                                      "csv-submit": "Send"}, content_type="multipart/form-data",
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "1 invitations sent." in page
    assert "Line 3: not a valid email address" in page
    assert "Line 4:" in page
    emails = sorted(db.session.scalars(select(Invitation.email)))
    assert emails == ["ambassador@example.org", "an@example.org"]
    assert ">opened<" not in page and ">sent<" in page


def test_officer_revokes_an_invitation(client, event, government):
    invitation, token = invite(event, government)
    officer = make_user()
    grant(officer, event, "secretariat")
    db.session.commit()
    login(client, officer)
    response = client.post(f"/e/{event.slug}/manage/invitations/{invitation.id}/revoke")
    assert response.status_code == 302
    db.session.refresh(invitation)
    assert invitation.state == InvitationState.revoked


def test_protocol_cannot_manage_invitations(client, event, government):
    user = make_user()
    grant(user, event, "protocol")
    db.session.commit()
    login(client, user)
    assert client.get(f"/e/{event.slug}/manage/invitations").status_code == 403


def test_resending_and_revoking_say_so_or_why_not(client, event, government):
    invitation, _token = invite(event, government)
    used, _token = invite(event, government, email="adviser@example.gov")
    used.state = InvitationState.registered
    officer = make_user()
    grant(officer, event, "accreditation")
    db.session.commit()
    login(client, officer)
    listing = f"/e/{event.slug}/manage/invitations"
    client.get(listing)  # shows the welcome

    for target, action, told_ in (
            (invitation, "resend", ("success", "Invitation sent again.")),
            (invitation, "revoke", ("success", "Invitation revoked.")),
            (invitation, "resend", ("danger", "This invitation was used or revoked and cannot be sent again.")),
            (used, "revoke", ("danger", "This invitation was already used to register."))):
        response = client.post(f"{listing}/{target.id}/{action}")
        assert (response.headers["Location"], told(client, listing)) == (listing, [told_])
    assert audit_actions()[-2:] == ["invitation.resend", "invitation.revoke"]
    assert client.post(f"{listing}/{invitation.id}/forward").status_code == 404
