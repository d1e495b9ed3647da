"""Who may do what: the one place that decides.

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
from sqlalchemy import select

from app.events.models import Event, EventRole, EventRoleName as R

ALL_ROLES = tuple(R)

# Event-scoped actions and the organiser roles that hold them.
EVENT_ACTIONS: dict[str, frozenset[R]] = {
    # organiser area and event settings
    "manage.access": frozenset(ALL_ROLES),
    "dashboard.view": frozenset(ALL_ROLES),
    "event.edit": frozenset({R.secretariat}),
    "team.manage": frozenset({R.secretariat}),
    "audit.view": frozenset({R.secretariat}),
    # registration and accreditation
    "registration.view": frozenset({R.secretariat, R.accreditation, R.protocol}),
    "registration.review": frozenset({R.secretariat, R.accreditation}),
    "registration.export": frozenset({R.secretariat, R.accreditation, R.protocol}),
    "registration.view_passport": frozenset({R.secretariat, R.accreditation}),
    "registration.configure": frozenset({R.secretariat, R.accreditation}),
    "invitation.manage": frozenset({R.secretariat, R.accreditation}),
    "delegation.view": frozenset({R.secretariat, R.accreditation, R.protocol}),
    "delegation.manage": frozenset({R.secretariat, R.accreditation}),
    # agenda and speakers
    "agenda.view_draft": frozenset({R.secretariat, R.programme, R.viewer}),
    "agenda.edit": frozenset({R.secretariat, R.programme}),
    "agenda.publish": frozenset({R.secretariat, R.programme}),
    "speaker.manage": frozenset({R.secretariat, R.programme}),
    # on-site
    "checkin.operate": frozenset({R.secretariat, R.checkin}),
    "badge.print_bulk": frozenset({R.secretariat, R.accreditation}),
    "badge.print_desk": frozenset({R.secretariat, R.accreditation, R.checkin}),
    "visa_letter.manage": frozenset({R.secretariat, R.accreditation}),
}

# Platform-wide actions: platform admins only.
ADMIN_ACTIONS = frozenset({"admin.users", "admin.events", "admin.outbox", "admin.audit"})

# Object predicates: (action) -> fn(user, obj) -> bool. Registered by domains.
_OBJECT_RULES: dict[str, Callable[[Any, Any], bool]] = {}
# Public predicates: like object predicates, but asked for every visitor, logged in or
# not (what the public may read, e.g. the participant list of an event).
_PUBLIC_RULES: dict[str, Callable[[Any, Any], bool]] = {}


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


def roles_of(user, event: Event) -> frozenset[R]:
    """The organiser roles `user` holds in `event`, cached per request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cache = _request_cache()
    key = ("roles", user.id, event.id)
    if cache is not None and key in cache:
        return cache[key]
    from app.extensions import db

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


def matrix() -> dict[str, dict[str, bool]]:
    """Role x action table of the event-scoped rules, as tests and docs show it."""
    return {
        role.value: {action: role in allowed for action, allowed in sorted(EVENT_ACTIONS.items())}
        for role in ALL_ROLES
    }


# --- Route declarations ------------------------------------------------------------
# Every endpoint declares how it is protected; a test walks app.url_map and fails on
# any endpoint without a declaration.
ROUTE_RULES: dict[str, str] = {}
PUBLIC = "public"
AUTHENTICATED = "authenticated"


def declare(endpoint: str, rule: str) -> None:
    ROUTE_RULES[endpoint] = rule


def public(view):
    """Mark a view as open to everyone (possibly with its own owner checks inside)."""
    view._access_rule = PUBLIC
    return view


def authenticated(view):
    """A logged-in user; the view checks ownership of what it loads."""
    from flask_login import login_required

    wrapped = login_required(view)
    wrapped._access_rule = AUTHENTICATED
    return wrapped


def requires(action: str):
    """Protect an event view: the event comes from the `slug` URL argument.

    Anonymous users go to the login page; logged-in users without the permission
    get 403, or 404 if they hold no role in an unpublished event (they may not
    know it exists).
    """

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            from app.events.services import get_event_or_404

            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            slug = kwargs.get("slug")
            if slug is not None:
                event = get_event_or_404(slug, user=current_user)
                g.event = event
                target = event
            else:
                target = None
            if not can(current_user, action, target):
                current_app.logger.warning(
                    "authorisation refused: user=%s action=%s path=%s", current_user.id, action, request.path
                )
                abort(403)
            return view(*args, **kwargs)

        wrapper._access_rule = action
        return wrapper

    return decorate


def ensure(action: str, target) -> None:
    """Abort with 404 unless the current user may do `action` on `target`.

    Used for single objects loaded from the URL: a user who may not see the
    object is not told it exists.
    """
    if not can(current_user, action, target):
        current_app.logger.warning(
            "authorisation refused: user=%s action=%s path=%s",
            getattr(current_user, "id", None), action, request.path,
        )
        abort(404)


# --- Registration ------------------------------------------------------------------
# Owner rules of the registration domain. Organiser access to registrations and
# delegations comes from EVENT_ACTIONS above; these decide single objects.

@object_rule("registration.own")
def own_registration(user, registration) -> bool:
    """A delegate may see, change and cancel their own registration (and nobody else's)."""
    return registration is not None and registration.user_id is not None and registration.user_id == user.id


@object_rule("delegation.lead")
def lead_delegation(user, delegation) -> bool:
    """The head of a delegation registers members, holds places and sees its status."""
    return delegation is not None and delegation.head_user_id is not None and delegation.head_user_id == user.id


def participant_list_is_public(event: Event) -> bool:
    """Everyone may read the event's participant list: the event is published and its
    organisers have switched the list on (a registration setting, off by default).
    Read once per request: the menu and the page both ask."""
    if not isinstance(event, Event) or not event.published:
        return False
    cache = _request_cache()
    key = ("participant_list", event.id)
    if cache is not None and key in cache:
        return cache[key]
    from app.extensions import db
    from app.registration.models import RegistrationSettings

    switched_on = bool(db.session.scalar(select(RegistrationSettings.participant_list)
                                         .where(RegistrationSettings.event_id == event.id)))
    if cache is not None:
        cache[key] = switched_on
    return switched_on


@public_rule("participants.view")
def view_participants(user, event) -> bool:
    """The public participant list: open to everyone while it is public (see
    `participant_list_is_public`); the event's team and platform admins always see it,
    as a preview before they switch it on."""
    if not isinstance(event, Event):
        return False
    return participant_list_is_public(event) or _is_team(user, event)


# --- Agenda ------------------------------------------------------------------------
# A `programme` role may be limited to some tracks (EventRole.track_ids, empty = all).
# Such a holder edits the sessions of those tracks only and reads the rest; rooms,
# tracks and publishing affect every track, so they need an unlimited agenda role.

def agenda_track_scope(user, event: Event) -> frozenset[int] | None:
    """The track ids `user` may edit in `event`: None means every track.

    Secretariat and any unlimited programme role give every track; limited
    programme roles add up. Users without `agenda.edit` get an empty set.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    if user.is_admin:
        return None
    cache = _request_cache()
    key = ("agenda_scope", user.id, event.id)
    if cache is not None and key in cache:
        return cache[key]
    from app.extensions import db

    grants = db.session.execute(
        select(EventRole.role, EventRole.track_ids).where(EventRole.user_id == user.id,
                                                          EventRole.event_id == event.id)).all()
    scope: frozenset[int] | None = frozenset()
    for role, track_ids in grants:
        if role not in EVENT_ACTIONS["agenda.edit"]:
            continue
        if role != R.programme or not track_ids:
            scope = None
            break
        scope = scope | frozenset(int(t) for t in track_ids)
    if cache is not None:
        cache[key] = scope
    return scope


@object_rule("agenda.edit_session")
def can_edit_session(user, session) -> bool:
    """May `user` create, change, move or delete this agenda session?

    Yes with `agenda.edit` on the event, unless their programme role is limited to
    tracks: then only sessions of those tracks (a session without a track belongs
    to nobody's track and needs an unlimited role).
    """
    event = getattr(session, "event", None)
    if event is None:
        return False
    scope = agenda_track_scope(user, event)
    if scope is None:
        return True
    return session.track_id is not None and session.track_id in scope


@object_rule("agenda.edit_structure")
def can_edit_agenda_structure(user, event) -> bool:
    """Rooms, tracks and publishing concern every track: an unlimited agenda role only."""
    if not isinstance(event, Event):
        return False
    return agenda_track_scope(user, event) is None


# --- Speakers ----------------------------------------------------------------------
# Speaker is not an organiser role: it follows from assignments. Organisers hold
# `speaker.manage` (EVENT_ACTIONS); changing the speakers of a session also needs the
# right to edit that session, so track-limited programme roles stay in their tracks.

def _speaker_models():
    from app.speakers import models

    return models


@object_rule("speaker.portal")
def speaker_portal(user, event) -> bool:
    """The speaker portal of `event` opens for a user with at least one assignment in it."""
    if not isinstance(event, Event):
        return False
    cache = _request_cache()
    key = ("speaker_portal", user.id, event.id)
    if cache is not None and key in cache:
        return cache[key]
    from app.extensions import db

    assignment = _speaker_models().SpeakerAssignment
    found = db.session.scalar(select(assignment.id).where(assignment.event_id == event.id,
                                                          assignment.user_id == user.id).limit(1)) is not None
    if cache is not None:
        cache[key] = found
    return found


@object_rule("speaker.own_assignment")
def own_assignment(user, assignment) -> bool:
    """A speaker sees and answers their own assignments, nobody else's."""
    return assignment is not None and assignment.user_id == user.id


@object_rule("speaker.own_profile")
def own_speaker_profile(user, profile) -> bool:
    """A speaker edits their own profile, nobody else's."""
    return profile is not None and profile.user_id == user.id


@object_rule("speaker.manage_session")
def manage_session_speakers(user, session) -> bool:
    """Assign, reorder, remind and remove the speakers of this session, and decide its
    proposed texts: `speaker.manage` on the event and the right to edit the session."""
    event = getattr(session, "event", None)
    if event is None or not can(user, "speaker.manage", event):
        return False
    return can_edit_session(user, session)


@object_rule("speaker.download_slides")
def download_slides(user, slide) -> bool:
    """Slides go to the organisers who may read the agenda or manage speakers, to the
    speakers of the same session and, when the speaker allows it, to the event's
    approved delegates."""
    assignment = getattr(slide, "assignment", None)
    if assignment is None:
        return False
    event = assignment.event
    if roles_of(user, event) & (EVENT_ACTIONS["speaker.manage"] | EVENT_ACTIONS["agenda.view_draft"]):
        return True
    from app.extensions import db

    models = _speaker_models()
    if db.session.scalar(select(models.SpeakerAssignment.id).where(
            models.SpeakerAssignment.session_id == assignment.session_id,
            models.SpeakerAssignment.user_id == user.id).limit(1)) is not None:
        return True
    if not assignment.slides_public:
        return False
    from app.registration.models import Registration, RegistrationState

    return db.session.scalar(select(Registration.id).where(
        Registration.event_id == event.id, Registration.user_id == user.id,
        Registration.state == RegistrationState.approved).limit(1)) is not None


# --- On-site -----------------------------------------------------------------------
# Owner rules of badges, visa-support letters and the personal agenda. Organiser
# access (desk, bulk printing, letters) comes from EVENT_ACTIONS above: checkin.operate,
# badge.print_desk, badge.print_bulk, visa_letter.manage.

def _approved_own(user, registration) -> bool:
    from app.registration.models import RegistrationState

    return (own_registration(user, registration)
            and registration.state == RegistrationState.approved)


@object_rule("agenda.personal")
def use_personal_agenda(user, registration) -> bool:
    """An approved delegate keeps a personal agenda and signs up for sessions, through
    their own registration only."""
    return _approved_own(user, registration)


@object_rule("badge.own")
def download_own_badge(user, registration) -> bool:
    """A delegate downloads their own badge once their registration is approved."""
    return _approved_own(user, registration)


@object_rule("visa_letter.own")
def download_own_letter(user, letter) -> bool:
    """A delegate downloads their own visa-support letter while it is valid and they are approved."""
    from app.checkin.models import LetterState

    return (letter is not None and letter.state == LetterState.issued
            and _approved_own(user, letter.registration))
