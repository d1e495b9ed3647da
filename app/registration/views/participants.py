"""The public participant list."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

from app.policy import participant_list_is_public, requires
from app.registration import bp, services
from app.registration.views.common import PER_PAGE, current_locale
from app.utils.countries import country_name
from app.utils.paging import page_number


@bp.route("/e/<slug>/participants")
@requires("participants.view", load={}, on="event")
def participants(event):
    """Approved delegates who agreed to be listed, by family name, with a search and a
    country filter; a fixed number of queries however long the list. A list that is
    switched off does not exist for the public."""
    filters = services.ParticipantFilters.from_args(request.args)
    pagination = services.participants_page(event, filters, page=page_number(),
                                            per_page=PER_PAGE)
    codes = set(services.participant_countries(event))
    if filters.country:
        codes.add(filters.country)  # a real country nobody listed is from: kept in the filter, no match
    locale = current_locale()
    countries = sorted(((code, country_name(code, locale)) for code in codes), key=lambda c: c[1].casefold())
    return render_template("registration/participants.html", event=event, pagination=pagination, filters=filters,
                           countries=countries, is_public=participant_list_is_public(event),
                           title=_("Participants"))
