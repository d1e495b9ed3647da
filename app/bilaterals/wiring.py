"""How bilaterals serve other packages: connected once by the app factory."""
from __future__ import annotations

from flask import url_for

from app import policy
from app.agenda import providers as agenda_providers
from app.agenda.services import agenda_published
from app.bilaterals import personal_data, services
from app.bilaterals.models import STATE_LABELS, BilateralState
from app.events import figures
from app.personal import providers as personal_providers
from app.privacy import providers as privacy
from app.utils.time import to_zone


def _acts_for_a_delegation(user, event) -> bool:
    return bool(services.delegations_acted_for(event, user))


def _sees(user, bilateral) -> bool:
    return bool(services.sides_acted_for(user, bilateral)) or services.attends(user, bilateral)


def requests_by_state(event) -> list[tuple[str, int, str]]:
    """The secretariat's figure: requests per state, each linked to protocol's list of them."""
    shown = (BilateralState.requested, BilateralState.accepted, BilateralState.confirmed)
    return [(str(STATE_LABELS[state]), n, url_for("bilaterals.manage_list", slug=event.slug, state=state.value))
            for state, n in services.bilateral_counts(event).items() if n or state in shown]


def of_day(event, day) -> list[tuple[str, str, str, str]]:
    """Protocol's figure: the confirmed meetings of `day`, in time order (no topic: it is
    confidential to the sides)."""
    return [(f"{to_zone(b.starts_at, event.timezone):%H:%M}–{to_zone(b.ends_at, event.timezone):%H:%M}",
             f"{b.requester.name} – {b.counterpart.name}", b.room.room.name if b.room else "",
             url_for("bilaterals.detail", slug=event.slug, bilateral_id=b.id))
            for b in services.booked_on(event, day)]


def connect(app) -> None:
    """The access rules learn who stands for which delegation and who attends; the personal
    agenda and calendar feed show confirmed bilaterals; the public agenda names the meetings
    both sides announce; a publication of the agenda bumps the bilaterals it overruns; the
    meetings a person takes part in are in their copy of their data, and leave it on erasure;
    the dashboards count requests per state and list the day's meetings."""
    policy.provide("has_bilaterals_page", services.has_bilaterals_page, clause=services.has_bilaterals_page_clause)
    policy.provide("acts_for_a_delegation", _acts_for_a_delegation)
    policy.provide("sees_bilateral", _sees)
    policy.provide("acts_for_bilateral", lambda user, bilateral: bool(services.sides_acted_for(user, bilateral)))
    policy.provide("acts_for_delegation", lambda user, delegation: services.acts_for(user, delegation.id))
    personal_providers.provide_bilaterals(services.personal_entries)
    agenda_providers.register_announced_meetings(services.announced)
    agenda_published.connect(services.after_publication, weak=False)
    figures.register("bilaterals.requests_by_state", requests_by_state)
    figures.register("bilaterals.of_day", of_day)
    privacy.register_export("bilaterals", personal_data.export)
    privacy.register_erasure("bilaterals", personal_data.erase_person)
    privacy.register_event_anonymiser("bilaterals", personal_data.anonymise_event)
    privacy.register_people("bilaterals", personal_data.people)
