"""The printable participant list: the officer list's filters, fewer columns, a PDF."""
from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l, lazy_pgettext

from app.accounts.labels import honorific_label
from app.extensions import db
from app.registration.labels import SHORT_LABELS
from app.registration.services.review import registration_query
from app.utils.countries import country_name
from app.utils.formatting import date_range
from app.utils.pdf import table_pdf
from app.utils.tabular import build_table, reader_locale

PRINT_COLUMNS = (
    ("number", _l("No."), 4),
    ("honorific", lazy_pgettext("honorific", "Title"), 5),
    ("family_name", _l("Family name"), 12),
    ("given_name", _l("Given name"), 12),
    ("position", _l("Position"), 16),
    ("organisation", _l("Organisation"), 18),
    ("country", _l("Country"), 11),
    ("delegation", _l("Delegation"), 11),
    ("category", _l("Category"), 11),
    ("state", _l("State"), 8),
)


def participant_list_pdf(event, filters: dict) -> tuple[bytes, int]:
    """(the PDF, how many rows) of the registrations the filters select, in their order."""
    locale = reader_locale()
    rows = []
    for n, r in enumerate(db.session.scalars(registration_query(event, filters)).unique(), start=1):
        rows.append([n, honorific_label(r.honorific or ""), r.family_name, r.given_name, r.position, r.organisation,
                     country_name(r.country, locale), str(r.delegation.name) if r.delegation else "", r.category.name,
                     SHORT_LABELS[r.state]])
    table = build_table([(key, title) for key, title, _w in PRINT_COLUMNS], rows, zone=event.timezone)
    subtitle = " · ".join(str(p) for p in (date_range(event.start_date, event.end_date), event.city,
                                      _("%(count)d participants", count=len(rows))) if p)
    data = table_pdf(table, title=f"{event.title}: {_('Participant list')}", subtitle=subtitle,
                     footer=event.title, widths=[w for _k, _t, w in PRINT_COLUMNS])
    return data, len(rows)
