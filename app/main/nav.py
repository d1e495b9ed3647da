"""The public menu of an event. Domains add their pages here."""
from __future__ import annotations

from flask import g, url_for
from flask_babel import lazy_gettext as _l

from app.policy import can, participant_list_is_public, prefetch_menu_facts, registered_for

# (endpoint, label, who sees it: "all", "unregistered" (visitors and users without a
# registration for the event), "registered" (users with one), "speaker" (has the speaker
# portal), "bilaterals" (heads of delegation, their deputies and attendees of bilaterals)
# or "participants" (everyone, while the participant list is public))
EVENT_NAV = [
    ("events.home", _l("About"), "all"),
    ("agenda.public_agenda", _l("Agenda"), "all"),
    ("speakers.directory", _l("Speakers"), "all"),
    ("registration.participants", _l("Participants"), "participants"),
    ("registration.register", _l("Register"), "unregistered"),
    ("registration.my_registration", _l("My registration"), "registered"),
    ("personal.my_agenda", _l("My agenda"), "registered"),
    ("speakers.portal", _l("Speaker portal"), "speaker"),
    ("bilaterals.index", _l("Bilaterals"), "bilaterals"),
]


def _is_registered(user, event) -> bool:
    """Whether `user` has a live registration for the event (for users only; read with
    the menu's other facts, or not at all when the page has read it already:
    `registration_read`)."""
    if not getattr(user, "is_authenticated", False):
        return False
    known = g.get("nav_registrations", {})
    if (event.id, user.id) in known:
        return known[(event.id, user.id)]
    return registered_for(user, event)


def registration_read(event, user, registration) -> None:
    """The page has read `user`'s live registration for `event` (`live_registration`): the
    menu of this request uses it."""
    if "nav_registrations" not in g:
        g.nav_registrations = {}
    g.nav_registrations[(event.id, user.id)] = registration is not None


def event_nav(user, event) -> list[tuple[str, str, str]]:
    prefetch_menu_facts(user, event)  # the questions below, in one query
    items = []
    registered = None
    for endpoint, label, audience in EVENT_NAV:
        if audience in ("registered", "unregistered"):
            if registered is None:
                registered = _is_registered(user, event)
            if registered != (audience == "registered"):
                continue
        elif audience == "participants":
            # Shown when the public can open it: organisers previewing a list that is
            # switched off reach it from the registration settings, not from the menu.
            if not participant_list_is_public(event):
                continue
        elif audience != "all" and not getattr(user, "is_authenticated", False):
            continue
        if audience == "speaker" and not can(user, "speaker.portal", event):
            continue
        if audience == "bilaterals" and not can(user, "bilateral.portal", event):
            continue
        items.append((endpoint, url_for(endpoint, slug=event.slug), str(label)))
    return items
