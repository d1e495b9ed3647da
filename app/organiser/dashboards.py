"""The dashboard of each organiser role: which figures (app/organiser/figures.py) it
shows and which action opens it. The secretariat may open every dashboard; the
viewer's summary holds counts only, never a person's name."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.organiser.figures import BUILDERS, Shared
from app.policy import can
from app.utils.charts import Chart


@dataclass(frozen=True)
class Dashboard:
    kind: str
    action: str
    label: object
    figures: tuple[str, ...]


DASHBOARDS = (
    Dashboard("secretariat", "dashboard.secretariat", _l("Secretariat"), (
        "registrations-by-state", "registrations-over-time", "registrations-by-category", "countries",
        "countries-map", "delegations", "invitations", "agenda-readiness", "bilaterals-by-state", "checkins-per-hour",
        "outbox", "travel-footprint", "footprint-by-delegation")),
    Dashboard("accreditation", "dashboard.accreditation", _l("Accreditation"), (
        "review-queue", "accreditation-tasks", "waitlist")),
    Dashboard("programme", "dashboard.programme", _l("Programme"), (
        "agenda-readiness", "speakers-by-state", "proposals", "sessions-by-track", "sessions-by-type",
        "sessions-by-sdg", "room-use")),
    Dashboard("protocol", "dashboard.protocol", _l("Protocol"), (
        "vip-arrivals", "delegations-protocol", "bilaterals-today")),
    Dashboard("checkin", "dashboard.checkin", _l("Check-in"), ("today-per-hour", "today-per-door")),
    Dashboard("viewer", "dashboard.view", _l("Summary"), (
        "registrations-by-state", "registrations-by-category", "countries", "sessions-by-track",
        "speakers-by-state")),
)
BY_KIND = {d.kind: d for d in DASHBOARDS}


def dashboards_for(user, event) -> list[Dashboard]:
    """The dashboards `user` may open in `event`, the one closest to their work first."""
    return [d for d in DASHBOARDS if can(user, d.action, event)]


def figures_of(dashboard: Dashboard, event, user) -> list[Chart]:
    """The dashboard's figures, leaving out those nobody provides."""
    shared = Shared()
    charts = (BUILDERS[key](event, user, shared) for key in dashboard.figures)
    return [chart for chart in charts if chart is not None]


def one_figure(dashboard: Dashboard, key: str, event, user) -> Chart | None:
    """A figure of `dashboard` (for its CSV), or None if it has no such figure."""
    if key not in dashboard.figures:
        return None
    return BUILDERS[key](event, user)
