"""Delegations: heads of delegation register members, hold and fill places, substitute."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.mail.models import OutboxMessage
from app.registration import services
from app.registration.models import ApprovalMode, Delegation, Registration, RegistrationState as S
from tests.factories import audit_actions, field_error, grant, login, make_category, make_user, told


@pytest.fixture
def government(event):
    return make_category(event, "Government delegation", invite_only=True, approval=ApprovalMode.auto,
                         protocol_rank=10)


@pytest.fixture
def head(db):
    return make_user("focal.point@example.gov.pk", given_name="Farrukh", family_name="Iqbal")


@pytest.fixture
def pakistan(event, government, head):
    delegation = Delegation(event_id=event.id, name="Pakistan", country="PK", category_id=government.id,
                            head_user_id=head.id, quota=3)
    db.session.add(delegation)
    db.session.commit()
    return delegation


MEMBER = {"member-email": "adviser@example.gov.pk", "member-honorific": "Mr", "member-given_name": "Ali",
          "member-family_name": "Khan", "member-position": "Adviser", "member-nationality": "PK"}


def test_head_registers_a_member_who_gets_an_account_link(client, event, pakistan, head):
    login(client, head)
    response = client.post(f"/e/{event.slug}/delegations/{pakistan.id}/members", data=MEMBER)
    assert response.status_code == 302
    member = User.by_email("adviser@example.gov.pk")
    registration = db.session.scalars(select(Registration)).one()
    assert (registration.user_id, registration.state, registration.delegation_id) == (member.id, S.approved,
                                                                                     pakistan.id)
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "registration_member_added")).one()
    assert message.to_address == "adviser@example.gov.pk"
    assert re.search(r"/account/reset/\S+", message.body_text)
    page = client.get(f"/e/{event.slug}/delegations/{pakistan.id}").get_data(as_text=True)
    assert "Mr Ali Khan" in page and "Approved" in page


def test_member_can_then_see_their_own_registration(client, event, pakistan, head):
    services.register_member(pakistan, "adviser@example.gov.pk", {"given_name": "Ali", "family_name": "Khan"},
                             actor=head)
    member = User.by_email("adviser@example.gov.pk")
    member.email_verified_at = member.created_at
    db.session.commit()
    from tests.factories import password_hash

    member.password_hash = password_hash()
    db.session.commit()
    login(client, member)
    page = client.get(f"/e/{event.slug}/my-registration").get_data(as_text=True)
    assert "Pakistan" in page and "Approved" in page


def test_quota_is_enforced(event, pakistan, head):
    services.hold_places(pakistan, 3, actor=head)
    with pytest.raises(services.RegistrationError):
        services.register_member(pakistan, "fourth@example.org", {"given_name": "A", "family_name": "B"},
                                 actor=head)


def test_held_places_are_named_later_keeping_the_place(event, pakistan, head):
    held = services.hold_places(pakistan, 2, actor=head)
    db.session.commit()
    assert [(h.user_id, h.state) for h in held] == [(None, S.approved), (None, S.approved)]
    services.substitute_member(held[0], "named@example.org", {"given_name": "Named", "family_name": "Delegate"},
                               actor=head)
    db.session.commit()
    assert (held[0].user.email, held[0].state, held[0].holds_place, held[0].badge_version) == (
        "named@example.org", S.approved, True, 1)


def test_substitution_notifies_the_replaced_person_and_invalidates_the_badge(event, pakistan, head):
    registration = services.register_member(pakistan, "first@example.org", {"given_name": "First",
                                                                           "family_name": "Person"}, actor=head)
    db.session.commit()
    services.substitute_member(registration, "second@example.org", {"given_name": "Second",
                                                                   "family_name": "Person"}, actor=head)
    db.session.commit()
    assert (registration.email, registration.state, registration.badge_version) == ("second@example.org",
                                                                                   S.approved, 2)
    assert registration.badge_invalidated_at is not None
    replaced = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "registration_replaced")).one()
    assert replaced.to_address == "first@example.org"


def test_the_substitute_inherits_nothing_personal_nor_the_consent_to_be_listed(client, event, pakistan, head):
    from datetime import date

    registration = services.register_member(pakistan, "first@example.org", {"given_name": "First",
                                                                           "family_name": "Person"}, actor=head)
    services.apply_details(registration, {"phone": "+92 300 000 0000", "dietary": "Vegetarian",
                                          "organisation": "Her own NGO", "languages": ["ur"],
                                          "arrival_date": date(2027, 4, 20), "public_listing": True,
                                          "answers": {"1": "Glacier trip"}})
    registration.hotel = "Hotel Astana"
    services.settings_for(event).participant_list = True
    db.session.commit()
    assert "First Person" in client.get(f"/e/{event.slug}/participants").get_data(as_text=True)

    services.substitute_member(registration, "second@example.org", {"given_name": "Never", "family_name": "Asked"},
                               actor=head)
    db.session.commit()

    kept = (registration.phone, registration.dietary, registration.languages, registration.arrival_date,
            registration.hotel, registration.answers, registration.public_listing, registration.organisation)
    assert kept == ("", "", [], None, "", {}, False, pakistan.name)
    assert "Never Asked" not in client.get(f"/e/{event.slug}/participants").get_data(as_text=True)


def test_another_head_cannot_open_the_delegation(client, event, pakistan):
    stranger = make_user()
    db.session.commit()
    login(client, stranger)
    assert client.get(f"/e/{event.slug}/delegations/{pakistan.id}").status_code == 404
    assert client.post(f"/e/{event.slug}/delegations/{pakistan.id}/members", data=MEMBER).status_code == 404
    assert db.session.scalars(select(Registration)).all() == []


def test_protocol_sees_delegations_in_protocol_order(client, event, pakistan, government):
    observers = make_category(event, "Observer", protocol_rank=90)
    db.session.add_all([Delegation(event_id=event.id, name="UNDP", category_id=observers.id),
                        Delegation(event_id=event.id, name="Afghanistan", country="AF", category_id=government.id,
                                   protocol_rank=100),
                        Delegation(event_id=event.id, name="Kazakhstan", country="KZ", category_id=government.id,
                                   protocol_rank=1)])
    protocol = make_user()
    grant(protocol, event, "protocol")
    db.session.commit()
    login(client, protocol)
    page = client.get(f"/e/{event.slug}/manage/delegations").get_data(as_text=True)
    order = [page.index(name) for name in ("Kazakhstan", "Afghanistan", "Pakistan", "UNDP")]
    assert order == sorted(order)
    # Protocol may look but not add.
    assert client.post(f"/e/{event.slug}/manage/delegations", data={"name": "X"}).status_code == 403


def test_accreditation_creates_a_delegation_with_a_head(client, event, government, head):
    officer = make_user()
    grant(officer, event, "accreditation")
    db.session.commit()
    login(client, officer)
    response = client.post(f"/e/{event.slug}/manage/delegations",
                           data={"name": "Tajikistan", "country": "TJ", "category": str(government.id),
                                 "head_email": head.email, "quota": "5", "protocol_rank": "20"})
    assert response.status_code == 302
    delegation = db.session.scalars(select(Delegation)).one()
    assert (delegation.head_user_id, delegation.quota) == (head.id, 5)
    assert services.delegations_led(event, head) == [delegation]


def test_registering_members_and_holding_places_say_so_or_why_not(client, event, pakistan, head):
    login(client, head)
    page = f"/e/{event.slug}/delegations/{pakistan.id}"
    client.get(page)  # shows the welcome

    for url, data, told_ in (
            (page + "/members", MEMBER, [("success", "Ali Khan is registered.")]),
            (page + "/members", MEMBER, [("danger", "adviser@example.gov.pk is already registered for this event.")]),
            (page + "/members", {**MEMBER, "member-email": "", "member-position": ""},
             [("danger", "Member's email: This field is required."), ("danger", "Position: This field is required.")]),
            (page + "/hold", {"hold-count": "2"},
             [("success", "2 places held: name the delegates when you know them.")]),
            (page + "/hold", {"hold-count": "1"}, [("danger", "The delegation's quota of 3 places is used up.")]),
            (page + "/hold", {"hold-count": "0"}, [("danger", "Hold between 1 and 100 places at a time.")])):
        response = client.post(url, data=data)
        assert (response.headers["Location"], told(client, page)) == (page, told_)
    members = db.session.scalars(select(Registration).where(Registration.delegation_id == pakistan.id)).all()
    assert (len(members), audit_actions().count("registration.create"),
            audit_actions().count("registration.hold")) == (3, 1, 2)


def test_giving_a_place_to_someone_already_registered_is_refused_under_the_email(client, event, pakistan, head):
    login(client, head)
    page = f"/e/{event.slug}/delegations/{pakistan.id}"
    client.post(page + "/members", data=MEMBER)
    client.post(page + "/hold", data={"hold-count": "1"})
    held = db.session.scalars(select(Registration).where(Registration.delegation_id == pakistan.id,
                                                         Registration.user_id.is_(None))).one()
    url = f"{page}/places/{held.id}/replace"

    person = {key.removeprefix("member-"): value for key, value in MEMBER.items()}  # this form has no prefix
    response = client.post(url, data=person)

    assert response.status_code == 200
    assert field_error(response, "email") == "adviser@example.gov.pk is already registered for this event."
    response = client.post(url, data={**person, "email": "second@example.gov.pk"})
    assert (response.headers["Location"], told(client, page)) == (
        page, [("success", "The place now belongs to Ali Khan.")])


@pytest.mark.parametrize("change,field,message", [
    ({"name": "pakistan"}, "name", "Another delegation already has this name."),
    ({"head_email": "nobody@example.org"}, "head_email",
     "No account uses this address. Ask the person to create one first."),
])
def test_a_second_delegation_is_refused_under_the_field_at_fault(client, event, government, pakistan, change, field,
                                                                  message):
    officer = make_user()
    grant(officer, event, "accreditation")
    db.session.commit()
    login(client, officer)
    data = {"name": "Kazakhstan", "country": "KZ", "category": government.id, "head_email": "", "quota": "5",
            "protocol_rank": "10"} | change
    response = client.post(f"/e/{event.slug}/manage/delegations", data=data)
    assert field_error(response, field) == message
    assert db.session.scalar(select(func.count(Delegation.id))) == 1


def test_the_delegation_page_offers_to_give_only_live_places(client, event, pakistan, head):
    login(client, head)
    page = f"/e/{event.slug}/delegations/{pakistan.id}"
    client.post(page + "/hold", data={"hold-count": "2"})
    first, second = db.session.scalars(select(Registration).where(Registration.delegation_id == pakistan.id)
                                       .order_by(Registration.id)).all()
    services.cancel_registration(second, actor=head, reason="")
    db.session.commit()
    html = client.get(page).get_data(as_text=True)
    assert f"/places/{first.id}/replace" in html
    assert f"/places/{second.id}/replace" not in html
