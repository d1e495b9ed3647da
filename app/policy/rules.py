"""The owner and public rules of each domain: a delegate and their registration, a
speaker and their assignment, the public participant list. Organiser access comes
from the role table (`EVENT_ACTIONS` in app/policy/__init__.py); these predicates
are asked through the same `can()`.
"""
from __future__ import annotations

from sqlalchemy import select

from app.events.models import Event, EventRole, EventRoleName
from app.extensions import db
from app.policy import (_OBJECT_RULES, EVENT_ACTIONS, _event_of, _fact, _is_team, _request_cache, can,
                        object_rule, prefetch_facts, public_rule, roles_of)


# --- Background jobs -----------------------------------------------------------------

@object_rule("job.view")
def see_job(user, job) -> bool:
    """A job's page and file: the organiser who started it (while still on the event's
    team), and the secretariat."""
    if job is None:
        return False
    started_it = job.requested_by_id is not None and job.requested_by_id == user.id
    return (started_it and can(user, "manage.access", job)) or can(user, "job.view_any", job)


# --- Registration ------------------------------------------------------------------
# Owner rules of the registration domain; organiser access comes from EVENT_ACTIONS above.

@object_rule("registration.own")
def own_registration(user, registration) -> bool:
    """A delegate may see, change and cancel their own registration (and nobody else's)."""
    return registration is not None and registration.user_id is not None and registration.user_id == user.id


@object_rule("registration.change")
def change_own_registration(user, registration) -> bool:
    """A delegate changes or cancels their own registration until it is rejected."""
    return own_registration(user, registration) and registration.state != "rejected"


@object_rule("registration.travel")
def give_travel_details(user, registration) -> bool:
    """An approved delegate gives their flights and hotel."""
    return _approved_own(user, registration)


@object_rule("delegation.lead")
def lead_delegation(user, delegation) -> bool:
    """The head of a delegation registers members, holds places and sees its status."""
    return delegation is not None and delegation.head_user_id is not None and delegation.head_user_id == user.id


@object_rule("delegation.see")
def see_delegation(user, delegation) -> bool:
    """A delegation's page: its head, and organisers who may view delegations."""
    return lead_delegation(user, delegation) or can(user, "delegation.view", delegation)


@object_rule("delegation.act")
def act_for_delegation(user, delegation) -> bool:
    """Register members, hold and give places: its head, and organisers who manage delegations."""
    return lead_delegation(user, delegation) or can(user, "delegation.manage", delegation)


@object_rule("delegation.give_place")
def give_delegation_place(user, place) -> bool:
    """A live place of a delegation (a member's registration) is named or given to someone
    else by those who act for the delegation; a cancelled or rejected one is not."""
    delegation = getattr(place, "delegation", None)
    return (delegation is not None and place.state not in ("cancelled", "rejected")
            and act_for_delegation(user, delegation))


@object_rule("footprint.trip")
@object_rule("registration.photo")
def see_badge_photo(user, registration) -> bool:
    """The badge photo and the trip's footprint: its owner, and organisers who may see registrations."""
    return own_registration(user, registration) or can(user, "registration.view", registration)


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
    switched_on = bool(_fact("participant_list_switched_on", event))
    if cache is not None:
        cache[key] = switched_on
    return switched_on


def prefetch_menu_facts(user, event: Event) -> None:
    """An event's menu asks, for a logged-in user, whether the participant list is public,
    whether the speaker portal and the bilaterals page open for them, and which organiser
    roles they hold: the facts behind those rules and the roles are read in one query
    (`prefetch_facts`) instead of one each."""
    if (not isinstance(event, Event) or user is None or not getattr(user, "is_authenticated", False)
            or not user.is_active or user.is_admin):
        return
    asked = [("speaks_at_event", (user, event)), ("has_bilaterals_page", (user, event)),
             ("has_live_registration", (user, event))]
    if event.published:
        asked.append(("participant_list_switched_on", (event,)))
    prefetch_facts(*asked, roles=(user, event))


def registered_for(user, event: Event) -> bool:
    """Whether `user` has a live (not cancelled) registration for `event`: what the event's
    menu offers them (read with the menu's other facts, `prefetch_menu_facts`)."""
    if not isinstance(event, Event) or user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(_fact("has_live_registration", user, event))


@public_rule("participants.view")
def view_participants(user, event) -> bool:
    """The public participant list: open to everyone while it is public (see
    `participant_list_is_public`); the event's team and platform admins always see it,
    as a preview before they switch it on."""
    if not isinstance(event, Event):
        return False
    return participant_list_is_public(event) or _is_team(user, event)


# --- Agenda ------------------------------------------------------------------------
# A `programme` role may be limited to some tracks (EventRole.track_ids, empty = all): it edits their sessions
# only and reads the rest; rooms, tracks and publishing affect every track, so need an unlimited agenda role.

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
    grants = db.session.execute(
        select(EventRole.role, EventRole.track_ids).where(EventRole.user_id == user.id,
                                                          EventRole.event_id == event.id)).all()
    scope: frozenset[int] | None = frozenset()
    for role, track_ids in grants:
        if role not in EVENT_ACTIONS["agenda.edit"]:
            continue
        if role != EventRoleName.programme or not track_ids:
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
# Speaker is not an organiser role: it follows from assignments. Organisers hold `speaker.manage`; changing
# the speakers of a session also needs the right to edit it, so track-limited roles stay in their tracks.

@object_rule("speaker.portal")
def speaker_portal(user, event) -> bool:
    """The speaker portal of `event` opens for a user with at least one assignment in it."""
    if not isinstance(event, Event):
        return False
    cache = _request_cache()
    key = ("speaker_portal", user.id, event.id)
    if cache is not None and key in cache:
        return cache[key]
    found = bool(_fact("speaks_at_event", user, event))
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


@public_rule("speaker.view_photo")
def view_speaker_photo(user, profile) -> bool:
    """A speaker's photo (of their profile for one event): public once they are a
    confirmed speaker of the published agenda the visitor sees; before that, for the
    speaker and the organisers who manage speakers."""
    event = getattr(profile, "event", None)
    if not isinstance(event, Event) or not can(user, "event.view", event):
        return False
    if user is not None and getattr(user, "is_authenticated", False) and (
            profile.user_id == user.id or can(user, "speaker.manage", event)):
        return True
    return bool(_fact("speaker_is_listed", user, profile))


@object_rule("speaker.manage_session")
def manage_session_speakers(user, target) -> bool:
    """Assign, reorder, remind and remove the speakers of this session, and decide its
    proposed texts: `speaker.manage` on the event and the right to edit the session.
    `target` is the session, or a speaker assignment or proposed text of it."""
    session = target if hasattr(target, "track_id") else getattr(target, "session", None)
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
    if _fact("speaks_in_session", user, assignment.session_id):
        return True
    if not assignment.slides_public:
        return False
    return bool(_fact("is_approved_delegate", user, event))


# --- On-site -----------------------------------------------------------------------
# Owner rules of badges, visa-support letters and the personal agenda. Organiser access (desk, bulk
# printing, letters) comes from EVENT_ACTIONS: checkin.operate, badge.print_desk/print_bulk, visa_letter.manage.

# States are compared by value (the domains' enums are str enums): this module needs none of their models.
def _approved_own(user, registration) -> bool:
    return own_registration(user, registration) and registration.state == "approved"


@object_rule("agenda.personal")
def use_personal_agenda(user, registration) -> bool:
    """An approved delegate keeps a personal agenda and signs up for sessions, through
    their own registration only."""
    return _approved_own(user, registration)


@object_rule("badge.own")
def download_own_badge(user, registration) -> bool:
    """A delegate downloads their own badge once their registration is approved."""
    return _approved_own(user, registration)


# Asked like a public rule, so that the state condition holds for platform admins too.
@public_rule("badge.reprint_at_desk")
def reprint_badge_at_desk(user, registration) -> bool:
    """The desk prints a new badge for an approved registration only, with `badge.print_desk`."""
    event = getattr(registration, "event", None)
    return (event is not None and can(user, "badge.print_desk", event)
            and getattr(registration, "state", None) == "approved")


@object_rule("visa_letter.own")
def download_own_letter(user, letter) -> bool:
    """A delegate downloads their own visa-support letter while it is valid and they are approved."""
    return letter is not None and letter.state == "issued" and _approved_own(user, letter.registration)


# --- Bilateral meetings (confidential): the readers of EVENT_ACTIONS, and delegates through facts answered by
# app/bilaterals/wiring.py (the two delegations' heads, the members they allow, attendees). action: (grants, fact)
BILATERAL_RULES = {"bilateral.portal": ("bilateral.read", "has_bilaterals_page"),  # the delegate's page
                   "bilateral.request": ("bilateral.manage", "acts_for_a_delegation"),  # ask for one
                   "bilateral.view": ("bilateral.read", "sees_bilateral"),  # one bilateral
                   "bilateral.act": ("bilateral.manage", "acts_for_bilateral"),  # answer, withdraw, attendees
                   "bilateral.programme": ("bilateral.read", "acts_for_delegation")}  # a delegation's programme
_OBJECT_RULES.update({action: (lambda user, target, r=rule: _event_of(target) is not None and (
    can(user, r[0], _event_of(target)) or bool(_fact(r[1], user, target))))
    for action, rule in BILATERAL_RULES.items()})
