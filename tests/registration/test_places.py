"""Capacity and the waitlist: who holds a place, and who gets one when it is freed."""
from __future__ import annotations

from app.registration import services
from app.registration.models import ApprovalMode, RegistrationState as S, WaitlistMode
from tests.factories import make_category, make_user
from tests.registration.conftest import details, outbox, register, set_event_settings


def test_auto_category_approves_while_places_are_free_then_waitlists(event):
    category = make_category(event, approval=ApprovalMode.auto, capacity=2)
    states = [register(event, category).state for _ in range(3)]
    assert states == [S.approved, S.approved, S.waitlisted]
    assert services.places_taken(category) == 2



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
