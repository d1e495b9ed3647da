"""A registration's life (creation, submission, changes, decisions), tested on the database without HTTP."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.services import create_token, reset_password, verify_email
from app.audit.models import AuditEntry
from app.extensions import db
from app.registration import services
from app.registration.models import ApprovalMode, Registration, RegistrationState as S
from tests.factories import image_bytes, make_category, make_user
from tests.registration.conftest import details, outbox, register


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


def test_a_photo_file_is_written_only_when_the_registration_commits(app, event, db):
    category = make_category(event)
    registration = register(event, category)
    db.session.commit()
    services.replace_photo(registration, image_bytes(), actor=registration.user)
    name = registration.photo_filename
    stored = app.config["UPLOAD_DIR"] / "photos" / name
    assert not stored.exists()
    db.session.rollback()
    assert not stored.exists()
    services.replace_photo(registration, image_bytes(), actor=registration.user)
    db.session.commit()
    assert (app.config["UPLOAD_DIR"] / "photos" / registration.photo_filename).is_file()


def test_a_replaced_photo_is_deleted_only_when_the_change_commits(app, event, db):
    category = make_category(event)
    registration = register(event, category)
    services.replace_photo(registration, image_bytes(), actor=registration.user)
    db.session.commit()
    first = app.config["UPLOAD_DIR"] / "photos" / registration.photo_filename
    services.replace_photo(registration, image_bytes(), actor=registration.user)
    db.session.rollback()
    assert first.is_file()
    services.replace_photo(registration, image_bytes(), actor=registration.user)
    db.session.commit()
    assert not first.exists()
