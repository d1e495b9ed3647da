"""How bilaterals serve other packages: connected once by the app factory."""
from __future__ import annotations

from app import policy
from app.agenda import providers as agenda_providers
from app.agenda.services import agenda_published
from app.bilaterals import personal_data, services
from app.personal import providers as personal_providers
from app.privacy import providers as privacy


def _acts_for_a_delegation(user, event) -> bool:
    return bool(services.delegations_acted_for(event, user))


def _sees(user, bilateral) -> bool:
    return bool(services.sides_acted_for(user, bilateral)) or services.attends(user, bilateral)


def connect(app) -> None:
    """The access rules learn who stands for which delegation and who attends; the personal
    agenda and calendar feed show confirmed bilaterals; the public agenda names the meetings
    both sides announce; a publication of the agenda bumps the bilaterals it overruns; the
    meetings a person takes part in are in their copy of their data, and leave it on erasure."""
    policy.provide("has_bilaterals_page", services.has_bilaterals_page)
    policy.provide("acts_for_a_delegation", _acts_for_a_delegation)
    policy.provide("sees_bilateral", _sees)
    policy.provide("acts_for_bilateral", lambda user, bilateral: bool(services.sides_acted_for(user, bilateral)))
    policy.provide("acts_for_delegation", lambda user, delegation: services.acts_for(user, delegation.id))
    personal_providers.provide_bilaterals(services.personal_entries)
    agenda_providers.register_announced_meetings(services.announced)
    agenda_published.connect(services.after_publication, weak=False)
    privacy.register_export("bilaterals", personal_data.export)
    privacy.register_erasure("bilaterals", personal_data.erase_person)
    privacy.register_event_anonymiser("bilaterals", personal_data.anonymise_event)
    privacy.register_people("bilaterals", personal_data.people)
