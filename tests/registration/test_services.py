"""Registration rules, tested on the database without HTTP."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.accounts.services import create_token, reset_password, verify_email
from app.audit.models import AuditEntry
from app.mail.models import OutboxMessage
from app.extensions import db
from app.registration import services
from app.registration.models import ApprovalMode, Registration, RegistrationState as S, WaitlistMode
from tests.factories import make_user
from tests.registration.conftest import details, make_category, set_event_settings


def register(event, category, user=None, **overrides):
    user = user or make_user()
    return services.create_registration(event, user, details(**overrides), category=category, actor=user)


def outbox(template=None):
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if template:
        stmt = stmt.where(OutboxMessage.template == template)
    return list(db.session.scalars(stmt))


def test_create_registration_verified_user_is_submitted_and_emailed(event):
    category = make_category(event)
    user = make_user(locale="ru")
    registration = register(event, category, user)
    assert registration.state == S.submitted
    assert registration.holds_place is False
    messages = outbox("registration_status")
    assert [(m.to_address, m.locale) for m in messages] == [(user.email, "ru")]
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["registration.create", "registration.submitted"]


def test_create_registration_unverified_user_stays_draft_until_email_verified(event, db):
    category = make_category(event)
    user = make_user(verified=False)
    registration = register(event, category, user)
    assert registration.state == S.draft
    assert outbox("registration_status") == []
    raw = create_token(user, "verify", hours=1)
    verify_email(raw)
    assert registration.state == S.submitted
    assert len(outbox("registration_status")) == 1


def test_a_draft_is_submitted_when_its_owner_resets_their_password(event, db):
    """Opening a password-reset link proves the address just as the verification link does."""
    category = make_category(event)
    user = make_user(verified=False)
    registration = register(event, category, user)
    reset_password(create_token(user, "reset", hours=1), "another long passphrase 42")
    assert registration.state == S.submitted
    assert len(outbox("registration_status")) == 1


def test_auto_category_approves_while_places_are_free_then_waitlists(event):
    category = make_category(event, approval=ApprovalMode.auto, capacity=2)
    states = [register(event, category).state for _ in range(3)]
    assert states == [S.approved, S.approved, S.waitlisted]
    assert services.places_taken(category) == 2


def test_auto_approval_sends_one_email_with_the_outcome(event):
    category = make_category(event, approval=ApprovalMode.auto)
    register(event, category)
    assert [m.subject for m in outbox()] == ["Your registration is approved"]


@pytest.mark.parametrize("start,target", [
    (S.draft, S.approved), (S.submitted, S.draft), (S.rejected, S.approved), (S.cancelled, S.submitted),
    (S.approved, S.waitlisted), (S.approved, S.rejected),
])
def test_transition_refuses_illegal_moves(event, start, target):
    category = make_category(event)
    registration = register(event, category)
    registration.state = start
    with pytest.raises(services.IllegalTransition):
        services.transition(registration, target, actor=registration.user)
    assert registration.state == start


def test_cancelling_an_approved_registration_promotes_the_first_on_the_waitlist(event):
    category = make_category(event, approval=ApprovalMode.auto, capacity=1)
    first = register(event, category)
    second = register(event, category)
    third = register(event, category)
    assert (first.state, second.state, third.state) == (S.approved, S.waitlisted, S.waitlisted)
    services.cancel_registration(first, actor=first.user, reason="Cannot travel")
    assert (first.state, second.state, third.state) == (S.cancelled, S.approved, S.waitlisted)
    assert first.cancel_reason == "Cannot travel"
    assert outbox()[-1].to_address == second.user.email


def test_rejecting_a_registration_back_in_review_frees_its_place(event):
    category = make_category(event, approval=ApprovalMode.auto, capacity=1)
    first = register(event, category)
    waiting = register(event, category)
    officer = make_user()
    services.update_registration(first, details(family_name="Changed"), actor=first.user)  # back to review
    services.reject_registration(first, actor=officer, message="Incomplete")
    assert (first.state, first.holds_place, waiting.state) == (S.rejected, False, S.approved)


def test_offer_mode_holds_the_freed_place_until_the_delegate_accepts(event):
    set_event_settings(event, waitlist_mode=WaitlistMode.offer)
    category = make_category(event, approval=ApprovalMode.auto, capacity=1)
    first = register(event, category)
    second = register(event, category)
    third = register(event, category)
    services.cancel_registration(first, actor=first.user)
    assert (second.state, second.holds_place, second.offered_at is not None) == (S.waitlisted, True, True)
    assert outbox()[-1].template == "registration_offer"
    # The offered place is not free for the third.
    assert services.approve_registration(third, actor=make_user()) == S.waitlisted
    services.accept_offer(second, actor=second.user)
    assert second.state == S.approved


def test_officer_approval_waitlists_when_the_category_is_full(event):
    category = make_category(event, capacity=1)
    officer = make_user()
    first, second = register(event, category), register(event, category)
    assert services.approve_registration(first, actor=officer) == S.approved
    assert services.approve_registration(second, actor=officer) == S.waitlisted


def test_event_capacity_limits_places_across_categories(event):
    set_event_settings(event, capacity=2)
    experts = make_category(event, "Experts", approval=ApprovalMode.auto)
    media = make_category(event, "Media", approval=ApprovalMode.auto)
    states = [register(event, experts).state, register(event, media).state, register(event, media).state]
    assert states == [S.approved, S.approved, S.waitlisted]


def test_event_capacity_freed_in_one_category_goes_to_another_categorys_waitlist(event):
    set_event_settings(event, capacity=1)
    experts = make_category(event, "Experts", approval=ApprovalMode.auto)
    media = make_category(event, "Media", approval=ApprovalMode.auto)
    expert = register(event, experts)
    journalist = register(event, media)
    services.cancel_registration(expert, actor=expert.user)
    assert journalist.state == S.approved


def test_approved_name_change_goes_back_to_review_keeping_the_place(event):
    category = make_category(event, approval=ApprovalMode.auto, capacity=1)
    registration = register(event, category)
    waiting = register(event, category)
    back = services.update_registration(registration, details(given_name="Alia"), actor=registration.user)
    assert (back, registration.state, registration.holds_place) == (True, S.submitted, True)
    assert (registration.badge_version, registration.badge_invalidated_at is not None) == (2, True)
    assert waiting.state == S.waitlisted
    assert services.approve_registration(registration, actor=make_user()) == S.approved


def test_approved_change_of_diet_stays_approved(event):
    category = make_category(event, approval=ApprovalMode.auto)
    registration = register(event, category)
    back = services.update_registration(registration, details(dietary="Vegetarian"), actor=registration.user)
    assert (back, registration.state, registration.badge_version) == (False, S.approved, 1)


def test_passport_fields_are_dropped_when_no_visa_letter_is_needed(event):
    category = make_category(event)
    registration = register(event, category, visa_letter_needed=False, passport_number="N1234567")
    assert registration.passport_number == ""


def test_one_live_registration_per_person_is_enforced_by_the_database(event, db):
    category = make_category(event)
    user = make_user()
    register(event, category, user)
    db.session.commit()
    db.session.add(Registration(event_id=event.id, user_id=user.id, category_id=category.id, state=S.submitted))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_second_registration_of_the_same_person_is_refused(event):
    category = make_category(event)
    user = make_user()
    register(event, category, user)
    with pytest.raises(services.AlreadyRegistered):
        register(event, category, user)


def test_cancelled_registration_does_not_block_a_new_one(event, db):
    category = make_category(event)
    user = make_user()
    first = register(event, category, user)
    services.cancel_registration(first, actor=user)
    second = register(event, category, user)
    db.session.commit()
    assert (first.state, second.state) == (S.cancelled, S.submitted)


def test_category_of_another_event_is_refused(event):
    from tests.factories import make_event

    other = make_category(make_event())
    with pytest.raises(services.RegistrationError):
        register(event, other)


def test_bulk_decision_skips_registrations_where_it_does_not_apply(event):
    category = make_category(event)
    officer = make_user()
    a, b = register(event, category), register(event, category)
    services.cancel_registration(b, actor=b.user)
    assert services.bulk_decide([a, b], "approve", actor=officer) == (1, 1)
    assert (a.state, b.state) == (S.approved, S.cancelled)


def test_duplicates_flag_same_email_and_same_names_with_birth_date(event, db):
    from datetime import date

    category = make_category(event)
    born = date(1980, 5, 1)
    a = register(event, category, visa_letter_needed=True, passport_number="N1", date_of_birth=born)
    b = register(event, category, visa_letter_needed=True, passport_number="N2", date_of_birth=born)
    c = register(event, category, given_name="Other")
    c.email = a.email
    db.session.flush()
    keys = services.duplicate_keys(event)
    assert [services.is_duplicate(r, keys) for r in (a, b, c)] == [True, True, True]
    d = register(event, category, given_name="Unique", family_name="Person")
    assert services.is_duplicate(d, services.duplicate_keys(event)) is False
    assert db.session.scalar(select(func.count(Registration.id))) == 4
