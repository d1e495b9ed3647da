"""`policy.requires`: an endpoint's whole access rule in one decorator, which loads the
event and the objects its URL names and hands them to the view."""
from __future__ import annotations

import pytest
from flask import g
from flask_login import login_user, logout_user
from werkzeug.exceptions import Forbidden, NotFound

from app import policy
from app.events.models import EventRole
from app.extensions import db
from tests.factories import grant, make_event, make_user


def call(app, user, view, **values):
    with app.test_request_context("/"):
        if user is None:
            logout_user()
        else:
            login_user(user)
        return view(**values)


@policy.requires("team.manage", load={"role": policy.in_event(EventRole, "grant_id")})
def show_grant(event, role, page=1):
    return event, role, page


@policy.requires("dashboard.view", load={})
def event_only(event):
    return event


@policy.requires("dashboard.view")
def older_form(slug):
    return slug, g.event  # the older form finds the event in g


def test_the_view_gets_the_event_and_the_loaded_object_instead_of_their_url_values(app):
    secretary = make_user()
    event = make_event(published=False)
    grant(secretary, event, "secretariat")
    role = grant(make_user(), event, "viewer")
    db.session.flush()
    assert call(app, secretary, show_grant, slug=event.slug, grant_id=role.id, page=2) == (event, role, 2)
    assert call(app, secretary, event_only, slug=event.slug) is event
    assert call(app, secretary, older_form, slug=event.slug) == (event.slug, event)


def test_an_object_of_another_event_or_none_is_not_found(app):
    secretary = make_user()
    event, other = make_event(), make_event()
    grant(secretary, event, "secretariat")
    elsewhere = grant(make_user(), other, "viewer")
    db.session.flush()
    with pytest.raises(NotFound):
        call(app, secretary, show_grant, slug=event.slug, grant_id=elsewhere.id)
    with pytest.raises(NotFound):
        call(app, secretary, show_grant, slug=event.slug, grant_id=10**6)
    with pytest.raises(NotFound):
        call(app, secretary, show_grant, slug="no-such-summit", grant_id=elsewhere.id)


def test_refusals_come_before_loading_and_an_unpublished_event_hides_from_outsiders(app):
    viewer, outsider = make_user(), make_user()
    event = make_event(published=True)
    hidden = make_event(published=False)
    grant(viewer, event, "viewer")
    role = grant(viewer, event, "checkin")
    db.session.flush()
    with pytest.raises(Forbidden):  # a team member without the right, even for a missing id
        call(app, viewer, show_grant, slug=event.slug, grant_id=10**6)
    with pytest.raises(Forbidden):
        call(app, viewer, show_grant, slug=event.slug, grant_id=role.id)
    with pytest.raises(NotFound):
        call(app, outsider, event_only, slug=hidden.slug)
    response = call(app, None, event_only, slug=event.slug)
    assert response.status_code == 302 and "/account/login" in response.location


def test_an_object_rule_is_asked_of_the_object_named_by_on_and_refuses_with_404(app):
    owner, other = make_user(), make_user()
    event = make_event()
    mine = grant(owner, event, "viewer")
    db.session.flush()
    policy.register_object_rule("test_role.own", lambda user, role: role.user_id == user.id)
    try:
        view = policy.requires("test_role.own", load={"role": policy.in_event(EventRole, "grant_id")},
                               on="role")(lambda event, role: role)
        assert call(app, owner, view, slug=event.slug, grant_id=mine.id) is mine
        with pytest.raises(NotFound):
            call(app, other, view, slug=event.slug, grant_id=mine.id)
    finally:
        policy._OBJECT_RULES.pop("test_role.own")
    with pytest.raises(ValueError):
        policy.requires("team.manage", load={}, on="role")


def test_event_view_is_one_rule_for_everyone(app):
    member, outsider = make_user(), make_user()
    draft, public = make_event(published=False), make_event(published=True)
    grant(member, draft, "viewer")
    db.session.flush()
    assert policy.can(None, "event.view", public) and policy.can(outsider, "event.view", public)
    assert policy.can(member, "event.view", draft)
    assert not policy.can(outsider, "event.view", draft) and not policy.can(None, "event.view", draft)


def test_an_event_action_is_asked_first_with_403_then_the_object_rule_with_404(app):
    secretary, viewer, outsider_secretary = make_user(), make_user(), make_user()
    event = make_event()
    grant(secretary, event, "secretariat")
    grant(viewer, event, "viewer")
    grant(outsider_secretary, event, "secretariat")
    mine = grant(secretary, event, "checkin")
    db.session.flush()
    policy.register_object_rule("test_role.own", lambda user, role: role.user_id == user.id)
    try:
        view = policy.requires("test_role.own", load={"role": policy.in_event(EventRole, "grant_id")},
                               on="role", event_action="team.manage")(lambda event, role: role)
        assert view._access_rule == "team.manage"
        assert call(app, secretary, view, slug=event.slug, grant_id=mine.id) is mine
        with pytest.raises(Forbidden):  # no right on the event: refused before loading
            call(app, viewer, view, slug=event.slug, grant_id=10**6)
        with pytest.raises(NotFound):  # the right on the event, but not on this object
            call(app, outsider_secretary, view, slug=event.slug, grant_id=mine.id)
    finally:
        policy._OBJECT_RULES.pop("test_role.own")
    with pytest.raises(ValueError):
        policy.requires("team.manage", load={}, event_action="team.manage")


def test_a_public_rule_is_asked_of_anonymous_visitors_without_sending_them_to_log_in(app):
    event = make_event(published=True)
    hidden = make_event(published=False)
    db.session.flush()
    view = policy.requires("event.view", load={})(lambda event: event)
    assert view._access_rule == policy.PUBLIC
    assert call(app, None, view, slug=event.slug) is event
    with pytest.raises(NotFound):
        call(app, None, view, slug=hidden.slug)


def test_a_platform_page_loads_its_object_by_id_or_answers_404(app):
    admin, someone = make_user(), make_user()
    admin.is_admin = True
    db.session.flush()
    view = policy.requires("admin.users", load={"user": policy.by_id(type(someone), "user_id")})(lambda user: user)
    assert call(app, admin, view, user_id=someone.id) is someone
    with pytest.raises(NotFound):
        call(app, admin, view, user_id=10**6)
    with pytest.raises(Forbidden):
        call(app, someone, view, user_id=someone.id)


def post(app, user, view, **values):
    with app.test_request_context("/", method="POST"):
        login_user(user)
        return view(**values)


def test_a_page_that_fewer_may_change_refuses_their_posts_with_403_and_still_shows_itself(app):
    protocol, accreditation = make_user(), make_user()
    event = make_event()
    grant(protocol, event, "protocol")
    grant(accreditation, event, "accreditation")
    mine = grant(protocol, event, "viewer")
    db.session.flush()
    page = policy.requires("delegation.view", load={}, post="delegation.manage")(lambda event: event)
    assert page._access_rule == "delegation.view"
    assert call(app, protocol, page, slug=event.slug) is event
    assert post(app, accreditation, page, slug=event.slug) is event
    with pytest.raises(Forbidden):
        post(app, protocol, page, slug=event.slug)
    policy.register_object_rule("test_role.own", lambda user, role: role.user_id == user.id)
    try:
        own = policy.requires("dashboard.view",
                              load={"role": policy.in_event(EventRole, "grant_id")},
                              post="test_role.own", post_on="role")(lambda event, role: role)
        assert post(app, protocol, own, slug=event.slug, grant_id=mine.id) is mine
        with pytest.raises(Forbidden):  # the rule is asked of the loaded object, not the event
            post(app, accreditation, own, slug=event.slug, grant_id=mine.id)
    finally:
        policy._OBJECT_RULES.pop("test_role.own")
    with pytest.raises(ValueError):
        policy.requires("delegation.view", post="delegation.manage")
    with pytest.raises(ValueError):
        policy.requires("delegation.view", load={}, post="delegation.manage", post_on="role")


def test_a_rule_on_the_event_is_asked_before_anything_is_loaded(app):
    outsider = make_user()
    event = make_event()
    db.session.flush()
    loaded = []
    view = policy.requires("speaker.portal", load={"thing": lambda event, values: loaded.append(1) or 1},
                           on="event")(lambda event, thing: thing)
    with pytest.raises(NotFound):
        call(app, outsider, view, slug=event.slug)
    assert loaded == []
