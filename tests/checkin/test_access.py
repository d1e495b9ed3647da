"""Every on-site endpoint declares its protection; the owner rules in policy.py hold."""
from __future__ import annotations

from app.checkin import services
from app.extensions import db
from app.policy import can
from app.registration.models import RegistrationState as RS
from tests.checkin.conftest import make_delegate


def test_every_onsite_and_personal_agenda_endpoint_declares_its_access(app):
    undeclared = [rule.endpoint for rule in app.url_map.iter_rules()
                  if rule.endpoint.startswith(("checkin.", "personal."))
                  and getattr(app.view_functions[rule.endpoint], "_access_rule", None) is None]
    assert undeclared == []


def test_nav_endpoints_take_only_the_slug(app):
    for endpoint in ("personal.my_agenda", "checkin.desk"):
        rules = [r for r in app.url_map.iter_rules() if r.endpoint == endpoint]
        assert [set(r.arguments) for r in rules] == [{"slug"}]


def test_owner_rules_allow_the_approved_owner_only(app, summit):
    event, cats = summit
    approved = make_delegate(event, cats["expert"], given="Own", family="Er")
    pending = make_delegate(event, cats["expert"], given="Pen", family="Ding", state=RS.submitted)
    db.session.commit()
    assert [can(approved.user, action, approved) for action in ("agenda.personal", "badge.own")] == [True, True]
    assert [can(pending.user, action, pending) for action in ("agenda.personal", "badge.own")] == [False, False]
    assert [can(pending.user, action, approved) for action in ("agenda.personal", "badge.own")] == [False, False]


def test_pick_tokens_do_not_cross_events(app, summit):
    from tests.factories import make_category
    from tests.factories import make_event

    event, cats = summit
    other = make_event("other")
    stranger = make_delegate(other, make_category(other, "Guest"))
    db.session.commit()
    assert services.registration_from_pick(event, services.pick_token(stranger)) is None
    assert services.registration_from_pick(other, services.pick_token(stranger)) == stranger


def test_pick_tokens_are_signed_and_those_of_an_earlier_release_still_work(app, summit):
    """A page opened before an upgrade keeps working; a changed or made-up handle finds nobody."""
    from itsdangerous import URLSafeSerializer

    event, cats = summit
    person = make_delegate(event, cats["expert"], given="Pick", family="Ed")
    db.session.commit()
    token = services.pick_token(person)
    assert services.registration_from_pick(event, token) == person
    assert f"{person.id}" not in token.split(".")[0]  # the ids are not written as they are
    payload, signature = token.split(".")
    for forged in (payload + "." + signature[:-1] + ("A" if signature[-1] != "A" else "B"), "MS4x.abc", "", "...",
                   "MS4x"):
        assert services.registration_from_pick(event, forged) is None
    earlier = URLSafeSerializer(app.config["SECRET_KEY"], salt="kurultai.desk-pick.v1").dumps([event.id, person.id])
    assert services.registration_from_pick(event, earlier) == person
    wrong_key = URLSafeSerializer("another key", salt="kurultai.desk-pick.v1").dumps([event.id, person.id])
    assert services.registration_from_pick(event, wrong_key) is None
