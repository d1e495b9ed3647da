"""Footprint rules: the calculation (calculation.py, the one place figures are made),
factor sets, trips and their running totals, the event's choices and the report.

Every name other code uses is re-exported here. Functions flush but never commit, except
the job workers' periodic `recompute_waiting`, which commits each event it computes.
"""
from __future__ import annotations

from app.footprint.services.calculation import (Alternative, CABINS, FactorTable, Figures, Journey,  # noqa: F401
                                                MODES, RAIL_INSTEAD_BELOW_KM)
from app.footprint.services.configure import (follow_latest_set, INLINE_TRIPS, pending_events,  # noqa: F401
                                              recompute_on_request, recompute_pending, recompute_waiting,  # noqa: F401
                                              RECOMPUTE_MINUTES, request_recompute, update_settings)
from app.footprint.services.factors import (factor_sets, install_bundled, latest_set,  # noqa: F401
                                            load_factor_set, next_version, read_data_file, stored_set,
                                            table_for)
from app.footprint.services.published import differences, PublishedTableError, read_published  # noqa: F401
from app.footprint.services.report import (event_report, EXPORT_COLUMNS, export_rows, MIN_GROUP,  # noqa: F401
                                           OwnTrip, Report, Row, trip_view)
from app.footprint.services.settings import FootprintError, settings_for, SETTINGS_FIELDS  # noqa: F401
from app.footprint.services.trips import (context_for, on_travel_facts_changed, recompute_event,  # noqa: F401
                                          refresh, trip_of)
