"""Speaker figures on the organiser dashboard: one grouped query for all of them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.organiser.services import DASHBOARD_FIGURES
from app.speakers.models import AssignmentState as A


def speaker_figures(event) -> list[tuple[str, str, int]]:
    from app.speakers.services import state_counts

    counts = state_counts(event)
    return [("speakers.accepted", str(_l("Confirmed speakers")), counts[A.accepted]),
            ("speakers.invited", str(_l("Speakers yet to answer")), counts[A.invited])]


FIGURES = [("speakers.states", _l("Speakers"), speaker_figures)]


def install() -> None:
    """Add the figures once, however many apps are created."""
    keys = {key for key, _label, _fn in DASHBOARD_FIGURES}
    DASHBOARD_FIGURES.extend(f for f in FIGURES if f[0] not in keys)
