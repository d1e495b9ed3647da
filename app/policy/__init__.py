"""Who may do what: the one place that decides.

This package is the policy: the role table, `can`, the route declarations (here)
and the owner and public rules of each domain (`app/policy/rules.py`, registered
when this package loads).

Every view asks `can(user, action, target)`; templates use the same function to
hide links. Organiser permissions come from per-event roles; a platform admin
may do everything. Owner rules (a delegate and their registration, a speaker
and their assignment) are object predicates registered by the domain that
owns the object, still answered through `can()`. Public rules (the participant
list) are predicates asked for every visitor, anonymous ones included.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, current_app, g, request
from flask_login import current_user
from sqlalchemy import Integer, String, bindparam, cast, func, select

from app.events.models import Event, EventRole, EventRoleName
from app.extensions import db
from app.utils.access import AUTHENTICATED, PUBLIC, ROUTE_RULES, authenticated, declare, public  # noqa: F401

ALL_ROLES = tuple(EventRoleName)

# Event-scoped actions and the organiser roles that hold them.
EVENT_ACTIONS: dict[str, frozenset[EventRoleName]] = {
    # organiser area and event settings
    "manage.access": frozenset(ALL_ROLES),
    "dashboard.view": frozenset(ALL_ROLES),
    # each role's dashboard (the secretariat sees them all); erasure and anonymisation
    "dashboard.secretariat": frozenset({EventRoleName.secretariat}),
    "dashboard.accreditation": frozenset({EventRoleName.secretariat, EventRoleName.accreditation}),
    "dashboard.programme": frozenset({EventRoleName.secretariat, EventRoleName.programme}),
    "dashboard.protocol": frozenset({EventRoleName.secretariat, EventRoleName.protocol}),
    "dashboard.checkin": frozenset({EventRoleName.secretariat, EventRoleName.checkin}),
    "privacy.manage": frozenset({EventRoleName.secretariat}),
    "event.edit": frozenset({EventRoleName.secretariat}),
    "team.manage": frozenset({EventRoleName.secretariat}),
    "audit.view": frozenset({EventRoleName.secretariat}),
    "translation.manage": frozenset({EventRoleName.secretariat}),
    # every background job of the event (each organiser sees the jobs they started: rules.py)
    "job.view_any": frozenset({EventRoleName.secretariat}),
    # registration and accreditation
    "registration.view": frozenset({EventRoleName.secretariat, EventRoleName.accreditation, EventRoleName.protocol}),
    "registration.review": frozenset({EventRoleName.secretariat, EventRoleName.accreditation}),
    "registration.export": frozenset({EventRoleName.secretariat, EventRoleName.accreditation, EventRoleName.protocol}),
    "registration.view_passport": frozenset({EventRoleName.secretariat, EventRoleName.accreditation}),
    "registration.configure": frozenset({EventRoleName.secretariat, EventRoleName.accreditation}),
    "invitation.manage": frozenset({EventRoleName.secretariat, EventRoleName.accreditation}),
    "delegation.view": frozenset({EventRoleName.secretariat, EventRoleName.accreditation, EventRoleName.protocol}),
    "delegation.manage": frozenset({EventRoleName.secretariat, EventRoleName.accreditation}),
    # agenda and speakers
    "agenda.view_draft": frozenset({EventRoleName.secretariat, EventRoleName.programme, EventRoleName.viewer}),
    "agenda.edit": frozenset({EventRoleName.secretariat, EventRoleName.programme}),
    "agenda.publish": frozenset({EventRoleName.secretariat, EventRoleName.programme}),
    "speaker.manage": frozenset({EventRoleName.secretariat, EventRoleName.programme}),
    # on-site
    "checkin.operate": frozenset({EventRoleName.secretariat, EventRoleName.checkin}),
    "checkin.supervise": frozenset({EventRoleName.secretariat, EventRoleName.checkin}),
    "badge.print_bulk": frozenset({EventRoleName.secretariat, EventRoleName.accreditation}),
    "badge.print_desk": frozenset({EventRoleName.secretariat, EventRoleName.accreditation, EventRoleName.checkin}),
    "visa_letter.manage": frozenset({EventRoleName.secretariat, EventRoleName.accreditation}),
    # travel footprint (groups under 5 trips only for those with registration.view)
    "footprint.view": frozenset(ALL_ROLES) - {EventRoleName.programme, EventRoleName.checkin},
    "footprint.configure": frozenset({EventRoleName.secretariat}),
    # bilateral meetings
    "bilateral.read": frozenset({EventRoleName.secretariat, EventRoleName.protocol, EventRoleName.accreditation}),
    "bilateral.manage": frozenset({EventRoleName.secretariat, EventRoleName.protocol}),
}

ADMIN_ACTIONS = frozenset({"admin.users", "admin.events", "admin.outbox", "admin.audit"})  # platform admins only

# Object predicates: (action) -> fn(user, obj) -> bool. Registered by domains.
_OBJECT_RULES: dict[str, Callable[[Any, Any], bool]] = {}
# Public predicates: like object predicates, asked for every visitor, anonymous ones too (the participant list).
_PUBLIC_RULES: dict[str, Callable[[Any, Any], bool]] = {}


# Facts the rules need from the domains above (is the participant list on, is this user a speaker...): name -> fn,
# registered by each domain's wiring through `provide`, so that this module never imports a domain's models.
_FACTS: dict[str, Callable[..., Any]] = {}
# The same facts as SQL conditions, for those a domain can state so: name -> fn(*args) -> a boolean
# SQL expression. A page that needs several of them (an event's menu) reads them in one query
# (`prefetch_facts`).
_CLAUSES: dict[str, Callable[..., Any]] = {}


def provide(name: str, fn: Callable[..., Any], *, clause: Callable[..., Any] | None = None) -> None:
    """Register the function answering the fact `name` (see the rules that ask for it), and
    optionally the one stating it as an SQL condition on the same arguments, of which it may
    read only the `id` (the statement is built once, with parameters in their place)."""
    _FACTS[name] = fn
    if clause is not None:
        _CLAUSES[name] = clause


def _fact_key(name: str, args: tuple) -> tuple:
    # __class__, not type(): `current_user` is a proxy of the user.
    return ("fact", name, *((a.__class__.__name__, getattr(a, "id", a)) for a in args))


class _Placeholder:
    """Stands for an argument of a fact in a statement built once and run many times: its
    `id` is a bound parameter (the conditions read nothing else of their arguments)."""

    def __init__(self, name: str):
        self.id = bindparam(name, type_=Integer)


# (fact names and arities, whether the roles are read) -> the statement asking them all.
_PREFETCH_STATEMENTS: dict[tuple, Any] = {}


def _prefetch_statement(shape: tuple, with_roles: bool):
    """The SELECT answering the facts of `shape` ((name, arity) pairs) and maybe the roles,
    built once per shape: building SQLAlchemy statements costs more than running them."""
    key = (shape, with_roles)
    statement = _PREFETCH_STATEMENTS.get(key)
    if statement is None:
        columns = [_CLAUSES[name](*(_Placeholder(f"fact_{n}_{i}") for i in range(arity))).label(f"fact_{n}")
                   for n, (name, arity) in enumerate(shape)]
        if with_roles:
            columns.append(select(func.aggregate_strings(cast(EventRole.role, String), ",")).where(
                EventRole.user_id == bindparam("roles_user", type_=Integer),
                EventRole.event_id == bindparam("roles_event", type_=Integer)).scalar_subquery().label("roles"))
        statement = _PREFETCH_STATEMENTS[key] = select(*columns)
    return statement


def prefetch_facts(*asked: tuple[str, tuple], roles: tuple | None = None) -> None:
    """Answer the facts `asked` ((name, args) pairs), and `roles_of(*roles)` when given a
    (user, event) pair, for the rest of this request in one query; facts with no SQL
    condition, or answered already, are left to be asked as usual."""
    cache = _request_cache()
    if cache is None:
        return
    wanted = [(name, args) for name, args in asked if name in _CLAUSES and _fact_key(name, args) not in cache]
    roles_key = ("roles", roles[0].id, roles[1].id) if roles else None
    if roles_key is not None and roles_key in cache:
        roles_key = None
    if not wanted and roles_key is None:
        return
    params = {f"fact_{n}_{i}": arg.id for n, (_name, args) in enumerate(wanted) for i, arg in enumerate(args)}
    if roles_key is not None:
        params.update(roles_user=roles_key[1], roles_event=roles_key[2])
    statement = _prefetch_statement(tuple((name, len(args)) for name, args in wanted), roles_key is not None)
    row = db.session.execute(statement, params).one()
    for (name, args), value in zip(wanted, row, strict=False):
        cache[_fact_key(name, args)] = bool(value)
    if roles_key is not None:
        cache[roles_key] = _roles_from(row[-1])


def _fact(name: str, *args) -> Any:
    cache = _request_cache() if name in _CLAUSES else None
    if cache is not None:
        known = cache.get(_fact_key(name, args))
        if known is not None:
            return known
    try:
        answer = _FACTS[name]
    except KeyError:
        raise LookupError(f"no provider registered for the policy fact {name!r}") from None
    return answer(*args)


def register_object_rule(action: str, fn: Callable[[Any, Any], bool]) -> None:
    """Register the predicate deciding `action` on a single object (from a domain's wiring)."""
    _OBJECT_RULES[action] = fn


def register_public_rule(action: str, fn: Callable[[Any, Any], bool]) -> None:
    """Register a predicate asked for every visitor, anonymous ones included."""
    _PUBLIC_RULES[action] = fn


def object_rule(action: str):
    """Register the predicate deciding `action` on a single object."""

    def register(fn: Callable[[Any, Any], bool]):
        _OBJECT_RULES[action] = fn
        return fn

    return register


def public_rule(action: str):
    """Register the predicate deciding `action` for anyone, anonymous visitors included."""

    def register(fn: Callable[[Any, Any], bool]):
        _PUBLIC_RULES[action] = fn
        return fn

    return register


def roles_of(user, event: Event) -> frozenset[EventRoleName]:
    """The organiser roles `user` holds in `event`, cached per request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cache = _request_cache()
    key = ("roles", user.id, event.id)
    if cache is not None and key in cache:
        return cache[key]
    roles = frozenset(
        db.session.scalars(
            select(EventRole.role).where(EventRole.user_id == user.id, EventRole.event_id == event.id)
        )
    )
    if cache is not None:
        cache[key] = roles
    return roles


def _request_cache() -> dict | None:
    try:
        if "policy_cache" not in g:
            g.policy_cache = {}
        return g.policy_cache
    except RuntimeError:  # outside an app context (pure unit tests)
        return None


def _event_of(target) -> Event | None:
    if isinstance(target, Event):
        return target
    return getattr(target, "event", None)


def can(user, action: str, target=None) -> bool:
    """True if `user` may perform `action` on `target` (an Event, or an object of one)."""
    if action in _PUBLIC_RULES:
        return bool(_PUBLIC_RULES[action](user, target))
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_admin:
        return True
    if action in ADMIN_ACTIONS:
        return False
    if action in _OBJECT_RULES:
        return bool(_OBJECT_RULES[action](user, target))
    allowed = EVENT_ACTIONS.get(action)
    if allowed is None:
        raise KeyError(f"unknown action {action!r}")
    event = _event_of(target)
    if event is None:
        return False
    return bool(roles_of(user, event) & allowed)


def has_any_role(user, event: Event) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_admin or roles_of(user, event)))


def _is_team(user, event: Event) -> bool:
    """An active platform admin or holder of any organiser role in `event`."""
    return bool(user is not None and getattr(user, "is_active", False) and has_any_role(user, event))


@public_rule("event.view")
def view_event(user, event) -> bool:
    """A published event is open to everyone; an unpublished one exists only for its
    team and platform admins (others are told it does not exist)."""
    if not isinstance(event, Event):
        return False
    return event.published or (user is not None and has_any_role(user, event))


def known_actions() -> frozenset[str]:
    """Every action `can()` answers: the event-scoped and admin ones, and those decided by
    an object or public rule."""
    return frozenset(EVENT_ACTIONS) | ADMIN_ACTIONS | frozenset(_OBJECT_RULES) | frozenset(_PUBLIC_RULES)


def matrix() -> dict[str, dict[str, bool]]:
    """Role x action table of the event-scoped rules, as tests and docs show it."""
    return {
        role.value: {action: role in allowed for action, allowed in sorted(EVENT_ACTIONS.items())}
        for role in ALL_ROLES
    }


# --- Route declarations ------------------------------------------------------------
# Every endpoint declares how it is protected (app/utils/access.py holds the two declarations that need no
# event, so the account pages can use them too); a test fails on any endpoint without a declaration.


def _roles_from(names: str | None) -> frozenset[EventRoleName]:
    """Roles as `aggregate_strings` hands them back (comma-separated names, or None)."""
    return frozenset(EventRoleName[n] for n in names.split(",")) if names else frozenset()


# An event by its slug with the roles a user holds in it: every organiser page asks both.
_EVENT_WITH_ROLES = select(Event, select(func.aggregate_strings(cast(EventRole.role, String), ",")).where(
    EventRole.user_id == bindparam("roles_user", type_=Integer), EventRole.event_id == Event.id)
    .scalar_subquery()).where(Event.slug == bindparam("slug"))


def get_event_or_404(slug: str, *, user=None) -> Event:
    """The event named by `slug`, if `user` may see it (`event.view`); otherwise 404.
    A logged-in user's roles in it are read in the same query (`roles_of` then has them)."""
    cache = _request_cache()
    if cache is None or user is None or not getattr(user, "is_authenticated", False):
        event = db.session.scalar(select(Event).where(Event.slug == slug))
    else:
        row = db.session.execute(_EVENT_WITH_ROLES, {"slug": slug, "roles_user": user.id}).first()
        event = row[0] if row is not None else None
        if event is not None:
            cache[("roles", user.id, event.id)] = _roles_from(row[1])
    if event is None or not can(user, "event.view", event):
        abort(404)
    return event


def in_event(model, arg: str, *, by=None) -> Callable[[Event | None, dict], Any]:
    """A loader for `requires(load=...)`: the `model` row whose primary key (or unique
    column `by`) is the URL value `arg`, if it belongs to the event; else nothing (404).
    Another event's id is simply not found, so nobody learns it exists."""

    def load(event: Event | None, values: dict):
        key = values.get(arg)
        if key is None or event is None:
            return None
        obj = db.session.get(model, key) if by is None else db.session.scalar(select(model).where(by == key))
        if obj is None or obj.event_id != event.id:
            return None
        return obj

    load.consumes = (arg,)
    return load


def by_id(model, arg: str) -> Callable[[Event | None, dict], Any]:
    """A loader for `requires(load=...)` outside any event (platform pages): the `model`
    row whose primary key is the URL value `arg`, or nothing (404)."""

    def load(event: Event | None, values: dict):
        key = values.get(arg)
        return db.session.get(model, key) if key is not None else None

    load.consumes = (arg,)
    return load


def _refuse(action: str, status: int, *, quietly: bool = False):
    if quietly:
        abort(status)
    current_app.logger.warning("authorisation refused: user=%s action=%s path=%s",
                               getattr(current_user, "id", None), action, request.path)
    abort(status)


def requires(action: str, load: dict[str, Callable] | None = None, *, on: str | None = None,
             event_action: str | None = None, post: str | None = None, post_on: str | None = None):
    """An endpoint's whole access rule. The event comes from the `slug` URL argument
    (404 if it does not exist or `event.view` refuses it); anonymous users go to the
    login page.

    Without `load` (the older form), the view gets its URL arguments and finds the
    event in `g.event`; a user without `action` on the event gets 403.

    With `load` (a dict of view argument name -> loader, such as `in_event(Model, "x_id")`),
    the view gets `event` and the loaded objects as arguments instead of the URL values
    they were loaded from (and of `slug`). A loader that finds nothing gives 404. The
    action is asked of the loaded object named by `on` (404 when refused: the user is not
    told it exists; `on="event"` names the event), or else of the event (403 when refused,
    before anything is loaded).
    `load={}` hands over the event alone.

    With `on`, `event_action` is asked of the event first, before anything is loaded
    (403 when refused): an organiser page whose object has a rule of its own. An action
    with a public rule (see `public_rule`) is asked of anonymous visitors too, who are
    then not sent to the login page, and a refusal is not logged as an attack (a visitor
    following an old link). With `on="event"` the rule is asked before anything is loaded.

    With `post`, a page that everyone with `action` reads but fewer may change: a request
    other than GET or HEAD also needs `post`, asked after loading of the object named by
    `post_on` (or of the event), and is refused with 403.
    """
    if on is not None and (load is None or (on not in load and on != "event")):
        raise ValueError(f"requires({action!r}): on={on!r} names nothing that is loaded")
    if event_action is not None and on is None:
        raise ValueError(f"requires({action!r}): event_action is asked only with on=...")
    if post is not None and load is None:
        raise ValueError(f"requires({action!r}): post is asked only with load=...")
    if post_on is not None and (post is None or post_on not in load):
        raise ValueError(f"requires({action!r}): post_on={post_on!r} names nothing that is loaded")
    open_to_all = action in _PUBLIC_RULES
    event_check = action if on is None else event_action
    # What the route declares (tests list them): the event's action; "public" for a public
    # rule; "authenticated" for an owner rule asked of what is loaded.
    declared = event_action or (PUBLIC if open_to_all else action if on is None else AUTHENTICATED)

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = current_user._get_current_object()  # not the proxy: asked several times below
            if not open_to_all and not user.is_authenticated:
                return current_app.login_manager.unauthorized()
            slug = kwargs.get("slug")
            event = None
            if slug is not None:
                event = g.event = get_event_or_404(slug, user=user)
            if event_check is not None and not can(user, event_check, event):
                _refuse(event_check, 403)
            if on == "event" and not can(user, action, event):
                _refuse(action, 404, quietly=open_to_all)
            if load is None:
                return view(*args, **kwargs)
            loaded = {}
            consumed = {"slug"}
            for name, loader in load.items():
                obj = loader(event, kwargs)
                if obj is None:
                    abort(404)
                loaded[name] = obj
                consumed.update(getattr(loader, "consumes", ()))
            if on not in (None, "event") and not can(user, action, loaded[on]):
                _refuse(action, 404, quietly=open_to_all)
            if post is not None and request.method not in ("GET", "HEAD") and not can(
                    user, post, loaded[post_on] if post_on is not None else event):
                _refuse(post, 403)
            rest = {k: v for k, v in kwargs.items() if k not in consumed}
            if event is not None:
                rest["event"] = event
            return view(*args, **rest, **loaded)

        wrapper._access_rule = declared
        return wrapper

    return decorate


def ensure(action: str, target) -> None:
    """Abort with 404 unless the current user may do `action` on `target` (an object
    loaded from the URL: a user who may not see it is not told it exists)."""
    if not can(current_user, action, target):
        _refuse(action, 404)


# The owner and public rules register themselves with the decorators above.
from app.policy import rules  # noqa: E402,F401
from app.policy.rules import participant_list_is_public, prefetch_menu_facts, registered_for  # noqa: E402,F401
