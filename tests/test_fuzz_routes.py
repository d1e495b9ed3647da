"""Every route, as every kind of user, with what scripts send: numbers beyond any
database column, negative ids, NUL and other control characters in the path, the
query string and every form field. The answer may be a 404, a field error or the
page itself, never a 5xx.

The world is the demo summit (every role has its account there). In tests an
unexpected error is raised instead of answering 500; it is caught here and counted
as a failure, so one run lists every route that still breaks.
"""
from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import quote

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms.fields.core import UnboundField

from app.extensions import db
from app.seed import DEMO_SLUG, ROLE_ACCOUNTS, seed_demo
from tests.factories import login_session
from tests.test_policy import _route_map_app

pytestmark = pytest.mark.slow

# The smallest number beyond the integer columns of each database (PostgreSQL's integer,
# SQLite's 64 bits): anything at or past it that reaches a query is an error.
BEYOND = {"postgresql": str(2**31), "sqlite": str(2**63)}
# A value that is no number at all and carries the characters PostgreSQL refuses in text.
CONTROL_TEXT = "a\x00b\x01c\x1fd"
# Inputs whose value is chosen, not typed: a script sends a number there.
CHOSEN = {"number", "hidden", "select", "checkbox", "radio", "submit"}
# Query string names every list page may read (filters, paging, language, redirects);
# the names of the search forms found on the pages are added to them.
QUERY_NAMES = {"q", "state", "category", "delegation", "country", "visa", "sort", "page", "duplicates", "day",
               "room", "track", "sdg", "type", "start", "end", "session", "status", "action", "actor", "lang",
               "format", "next", "user", "role", "fmt", "kind"}
PERSONAS = ("anonymous", "admin@example.org", "delegate@example.org", "pk.focal@example.org",
            "speaker@example.org", *(email for email, *_ in ROLE_ACCOUNTS))
# These end what later requests need (the session, the grant, the object): done last.
DESTRUCTIVE = re.compile(r"logout|delete|revoke|remove|withdraw|cancel|decline")

_RULES = sorted(_route_map_app().url_map.iter_rules(),
                key=lambda rule: (bool(DESTRUCTIVE.search(rule.endpoint)), rule.rule))


def _int_arguments(rule) -> list[str]:
    return re.findall(r"<int(?:\([^)]*\))?:(\w+)>", rule.rule)


def _sample_values() -> dict[str, str]:
    """A real value for every URL argument, taken from the demo summit."""
    from app.accounts.models import User
    from app.agenda.models import AgendaSession, Room, Track
    from app.api.models import ApiToken, Webhook, WebhookDelivery
    from app.bilaterals.models import Bilateral
    from app.checkin import services as checkin
    from app.checkin.models import Desk, VisaLetter
    from app.events.models import EventRole
    from app.jobs.models import Job
    from app.mail.models import OutboxMessage
    from app.registration.models import Category, Delegation, Invitation, Question, Registration, RegistrationState
    from app.speakers.models import SessionProposal, SlideFile, SpeakerAssignment

    def first(column, *where):
        return db.session.scalar(select(column).where(*where).order_by(column).limit(1))

    speaker = User.by_email("speaker@example.org")
    delegation = first(Delegation.id)
    values = {
        "slug": DEMO_SLUG, "fmt": "csv", "action": "resend", "code": "ru", "filename": "css/app.css", "token": "x" * 20,
        "user_id": speaker.id, "message_id": first(OutboxMessage.id), "delegation_id": delegation,
        "registration_id": first(Registration.id, Registration.delegation_id == delegation)
        or first(Registration.id),
        "room_id": first(Room.id), "track_id": first(Track.id), "session_id": first(AgendaSession.id),
        "category_id": first(Category.id), "invitation_id": first(Invitation.id), "question_id": first(Question.id),
        "assignment_id": first(SpeakerAssignment.id, SpeakerAssignment.user_id == speaker.id),
        "proposal_id": first(SessionProposal.id), "slide_id": first(SlideFile.id),
        "grant_id": first(EventRole.id, EventRole.user_id != User.by_email("secretariat@example.org").id),
        "public_id": first(VisaLetter.public_id) or "x",
        "token_id": first(ApiToken.id), "webhook_id": first(Webhook.id), "delivery_id": first(WebhookDelivery.id),
        "change": "disable", "key": "registrations-by-state", "name": "sessions", "request_id": "1",
        "desk_id": first(Desk.id),
        "bilateral_id": first(Bilateral.id), "job_id": first(Job.id),
    }
    approved = db.session.scalar(select(Registration).where(Registration.state == RegistrationState.approved)
                                 .order_by(Registration.id).limit(1))
    values["pick"] = checkin.pick_token(approved)
    return {name: str(value if value is not None else 1) for name, value in values.items()}


def _form_field_names() -> set[str]:
    """Every field name of every form class in the app."""
    from flask_wtf import FlaskForm

    names, pending = set(), [FlaskForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        for klass in cls.__mro__:
            names.update(name for name, value in vars(klass).items() if isinstance(value, UnboundField))
    return names


def _url(rule, values: dict[str, str], **replaced: str) -> str:
    def part(match):
        name = match.group("name")
        return replaced[name] if name in replaced else quote(values[name], safe="")

    return re.sub(r"<(?:[^:<>]+:)?(?P<name>[^<>]+)>", part, rule.rule)


class Form(NamedTuple):
    method: str
    action: str
    sent: list[tuple[str, str]]  # what the page's form sends as it is filled in
    fields: dict[str, str]  # name -> what kind of input it is ("number", "text", "select", ...)


def _forms_on(response) -> list[Form]:
    import lxml.html

    if response is None or response.status_code != 200 or response.mimetype != "text/html":
        return []
    document = lxml.html.fromstring(response.get_data(), base_url=response.request.path)
    return [Form((form.method or "GET").upper(), form.action or response.request.path, list(form.form_values()),
                 {element.name: element.get("type", element.tag) for element in form.inputs
                  if element.name and element.name != "csrf_token"})
            for form in document.forms]


class Walker:
    """Sends the requests, as one persona, and notes every 5xx or error."""

    def __init__(self, client, user):
        self.client, self.user = client, user
        self.failures: list[str] = []
        self.count = 0

    def send(self, method: str, url: str, **kwargs):
        if self.user is not None:
            login_session(self.client, self.user)  # a request may have ended the session
        self.count += 1
        try:
            response = self.client.open(url, method=method, **kwargs)
        except Exception as error:  # the app raises in tests what it would answer with a 500
            db.session.rollback()
            self.failures.append(f"{method} {url} {kwargs.get('data') or kwargs.get('json') or ''}: {error!r:.300}")
            return None
        # /readyz answers 503 by design here: the test database is built from the models,
        # not by the migrations (tests/main/test_health.py checks it).
        if response.status_code >= 500 and not (response.status_code == 503 and url.startswith("/readyz")):
            self.failures.append(f"{method} {url}: {response.status_code}")
        return response


def _user(persona: str):
    from app.accounts.models import User

    if persona == "anonymous":
        return None
    user = User.by_email(persona)
    assert user is not None, f"the demo summit has no account {persona}"
    return user


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_route_answers_a_server_error(app, client, persona):
    seed_demo()
    db.session.commit()
    values = _sample_values()
    beyond = BEYOND[db.engine.dialect.name]
    walker = Walker(client, _user(persona))
    routes = app.url_map.bind("summit.test")
    query_names, post_names, forms = set(QUERY_NAMES), _form_field_names(), {}

    # The pages themselves, to learn their forms.
    for rule in _RULES:
        if "GET" in rule.methods:
            for form in _forms_on(walker.send("GET", _url(rule, values))):
                (query_names if form.method == "GET" else post_names).update(form.fields)
                if form.method == "POST":
                    # A list page repeats one form per row: it is tried once.
                    endpoint = _endpoint(routes, form.action)
                    forms.setdefault((endpoint, tuple(sorted(form.fields))), form)

    for rule in _RULES:
        method = "GET" if "GET" in rule.methods else "POST"
        # Ids beyond the database's integers, one URL argument at a time.
        for name in _int_arguments(rule):
            walker.send(method, _url(rule, values, **{name: beyond}))
        # Control characters in every other URL argument.
        for name in rule.arguments - set(_int_arguments(rule)):
            walker.send(method, _url(rule, values, **{name: quote(CONTROL_TEXT, safe="")}))
        # Control characters and huge numbers in every query parameter a page may read.
        if method == "GET":
            for bad in (beyond, CONTROL_TEXT):
                walker.send("GET", _url(rule, values), query_string={name: bad for name in query_names})

    # Every POST route with every field name at once...
    for rule in _RULES:
        if "POST" in rule.methods:
            url = _url(rule, values)
            for bad in (beyond, CONTROL_TEXT):
                walker.send("POST", url, data={name: bad for name in post_names})
            if rule.rule.endswith(".json"):
                for bad in (int(beyond), -1, CONTROL_TEXT):
                    walker.send("POST", url, json={"room_id": bad, "start": bad, "end": bad})
    # ...and every form on the pages as the page fills it in, with one field spoilt at a time:
    # a number where a number or a choice is sent, control characters in what is typed.
    for (endpoint, _names), form in sorted(forms.items(), key=lambda item: bool(DESTRUCTIVE.search(item[0][0]))):
        for name, kind in form.fields.items():
            bad = beyond if kind in CHOSEN else CONTROL_TEXT
            walker.send("POST", form.action, data=MultiDict([(key, value) for key, value in form.sent if key != name]
                                                            + [(name, bad)]))

    assert len(forms) >= 3  # the walk saw real pages (the login form at least)
    assert walker.failures == [], f"{len(walker.failures)} of {walker.count} requests failed:\n" + "\n".join(
        walker.failures)


def _endpoint(routes, path: str) -> str:
    from werkzeug.exceptions import HTTPException

    try:
        return routes.match(path, method="POST")[0]
    except HTTPException:
        return path


@pytest.mark.parametrize("huge", ["2147483648", "9223372036854775808", str(10**30), "-1", "0"])
def test_ids_beyond_the_database_are_not_found_on_every_route(app, client, huge):
    """An id no row can have is a 404 on every route with an id in its path, before any
    view runs (so for every kind of user alike; the platform admin may open them all)."""
    seed_demo()
    db.session.commit()
    values = _sample_values()
    walker = Walker(client, _user("admin@example.org"))
    answers = {}
    for rule in _RULES:
        for name in _int_arguments(rule):
            url = _url(rule, values, **{name: huge})
            response = walker.send("GET" if "GET" in rule.methods else "POST", url)
            answers[url] = response.status_code if response is not None else walker.failures[-1]
    assert len(answers) > 40
    assert {url: code for url, code in answers.items() if code != 404} == {}
