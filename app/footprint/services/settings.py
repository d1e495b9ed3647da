"""An event's footprint choices: the factor set, radiative forcing, where trips end
and the optional contribution per tonne."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.footprint.models import FactorSet, FootprintSettings
from app.utils import places
from app.utils.refusals import Refusal

SETTINGS_FIELDS = ("factor_set_id", "radiative_forcing", "destination", "contribution_per_tonne", "currency")
# Changing one of these changes every figure: the event is computed again.
RECOMPUTE_FIELDS = ("factor_set_id", "radiative_forcing", "destination")


class FootprintError(Refusal):
    """A footprint rule said no."""


def settings_for(event) -> FootprintSettings:
    """The event's settings row, or unsaved defaults (the latest set, with radiative forcing)."""
    found = db.session.scalar(select(FootprintSettings).where(FootprintSettings.event_id == event.id))
    if found is not None:
        return found
    return FootprintSettings(event_id=event.id, factor_set_id=None, radiative_forcing=True, destination="",
                             contribution_per_tonne=None, currency="EUR")


def saved_settings(event) -> FootprintSettings:
    found = settings_for(event)
    if found.id is None:
        db.session.add(found)
        db.session.flush()
    return found


def check_settings(event, data: dict) -> None:
    """Refuse what cannot be computed with: an unknown set or a place nobody knows."""
    set_id = data.get("factor_set_id")
    if set_id and db.session.get(FactorSet, set_id) is None:
        raise FootprintError(_l("Choose one of the factor sets listed."), field="factor_set_id")
    destination = data.get("destination") or ""
    if places.resolve(destination or event.city, event.country) is None:
        raise FootprintError(_l("We do not know this place: type a city or a three-letter airport code, e.g. NQZ."),
                             field="destination")
    amount = data.get("contribution_per_tonne")
    if amount is not None and Decimal(amount) < 0:
        raise FootprintError(_l("Enter an amount of zero or more."), field="contribution_per_tonne")
