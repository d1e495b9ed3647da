"""The figures of the role dashboards, each a `Chart` (app/utils/charts.py) built from
one domain's aggregate queries: a drawn chart, a row of counts ("tiles") or a short
table, always with its numbers as a table and as CSV.

A builder takes (event, user, shared) and returns the Chart, or None when it has nothing to
show at all (a figure another domain provides and nobody registered). Links to the
list behind a number are given only when `user` may open that list.
"""
from __future__ import annotations

from collections.abc import Callable
from flask import url_for
from flask_babel import lazy_gettext as _l

from app.agenda import dashboard as agenda_figures
from app.agenda.models import SESSION_TYPE_LABELS
from app.agenda.sdgs import sdg_badge
from app.checkin import dashboard as checkin_figures
from app.events import figures as provided
from app.footprint import dashboard as footprint_figures
from app.mail.services import outbox_health
from app.policy import can
from app.registration import dashboard as registration_figures
from app.registration.labels import SHORT_LABELS
from app.registration.models import RegistrationState as RS
from app.speakers import dashboard as speaker_figures
from app.speakers.models import STATE_LABELS as SPEAKER_STATES, AssignmentState
from app.utils import worldmap
from app.utils.charts import Chart, bar_chart, line_chart, stacked_chart
from app.utils.countries import country_name
from app.utils.formatting import _locale, event_datetime
from app.utils.time import to_zone, utcnow

Builder = Callable[..., Chart | None]
BUILDERS: dict[str, Builder] = {}
# The figures drawn as a picture served at an address of their own (`Chart.image`).
PICTURES: set[str] = set()


class Shared(dict):
    """What the figures of one page share (one scan of the registrations for the state,
    category and country figures): computed by the first figure that asks."""

    def get_or(self, key: str, compute: Callable):
        if key not in self:
            self[key] = compute()
        return self[key]


def _summary(event, shared: Shared | None):
    shared = shared if shared is not None else Shared()
    return shared.get_or("registrations", lambda: registration_figures.summary(event))


def figure(key: str, *, picture: bool = False):
    def register(fn: Builder) -> Builder:
        BUILDERS[key] = fn
        if picture:
            PICTURES.add(key)
        return fn
    return register


def _link(user, action: str, event, endpoint: str, **values) -> str | None:
    return url_for(endpoint, slug=event.slug, **values) if can(user, action, event) else None


def tiles(key: str, title, items: list[tuple[str, object, str | None]], desc=None) -> Chart:
    """Counts shown side by side: (label, value, href) each."""
    chart = Chart(key=key, kind="tiles", title=str(title), desc=str(desc or title),
                  columns=[("label", str(_l("Figure"))), ("value", str(_l("Number")))],
                  rows=[[str(label), value] for label, value, _href in items],
                  hrefs=[href for _label, _value, href in items])
    return chart


def table(key: str, title, columns: list[tuple[str, object]], rows: list[list], hrefs=None, desc=None) -> Chart:
    """A short table of its own (a queue, a list in protocol order)."""
    return Chart(key=key, kind="table", title=str(title), desc=str(desc or title),
                 columns=[(k, str(t)) for k, t in columns], rows=rows, hrefs=list(hrefs or [None] * len(rows)))


# --- Registrations -----------------------------------------------------------------

@figure("registrations-by-state")
def registrations_by_state(event, user, shared=None) -> Chart:
    counts = registration_figures.state_counts(event, _summary(event, shared))
    return bar_chart("registrations-by-state", _l("Registrations by state"), [
        (str(SHORT_LABELS[state]), n, _link(user, "registration.view", event, "registration.manage_list",
                                            state=state.value))
        for state, n in counts.items() if n or state in (RS.submitted, RS.approved, RS.waitlisted)],
        label_title=_l("State"), value_title=_l("Registrations"))


@figure("registrations-by-category")
def registrations_by_category(event, user, shared=None) -> Chart:
    rows = registration_figures.category_state_counts(event, _summary(event, shared))
    states = (RS.approved, RS.submitted, RS.waitlisted)
    return stacked_chart(
        "registrations-by-category", _l("Registrations by category and state"), [name for _cid, name, _c in rows],
        [(str(SHORT_LABELS[s]), [counts[s] for _cid, _name, counts in rows]) for s in states],
        label_title=_l("Category"),
        hrefs=[_link(user, "registration.view", event, "registration.manage_list", category=cid)
               for cid, _name, _c in rows])


@figure("registrations-over-time")
def registrations_over_time(event, user, shared=None) -> Chart:
    deadline = event.registration_closes_at
    marker = (to_zone(deadline, event.timezone).date(), str(_l("Registration deadline"))) if deadline else None
    return line_chart("registrations-over-time", _l("Registrations over time (in all, by day sent)"),
                      registration_figures.registrations_per_day(event), cumulative=True, marker=marker,
                      value_title=_l("Registrations in all"))


@figure("countries")
def countries(event, user, shared=None) -> Chart:
    locale = _locale()
    rows = registration_figures.countries(event, _summary(event, shared))
    return bar_chart("countries", _l("Countries represented (approved delegates)"), [
        (country_name(code, locale), n, _link(user, "registration.view", event, "registration.manage_list",
                                              country=code, state="approved")) for code, n in rows],
        desc=_l("%(count)s countries.", count=len(rows)), label_title=_l("Country"), value_title=_l("Delegates"))


@figure("countries-map", picture=True)
def countries_map(event, user, shared=None) -> Chart | None:
    """The countries on a world map, shaded by approved delegates, its legend as the table;
    none where the map's shapes are not installed."""
    if not worldmap.available():
        return None
    counts = dict(registration_figures.countries(event, _summary(event, shared)))
    steps = worldmap.legend(counts)
    title = _l("Countries represented on a world map")
    return Chart(key="countries-map", kind="map", title=str(title),
                 desc=str(_l("A world map: the darker a country, the more approved delegates represent it. "
                             "The steps are listed below; each country's number is in the chart of "
                             "countries represented.")),
                 columns=[("delegates", str(_l("Approved delegates per country"))), ("countries", str(_l("Countries")))],
                 rows=[[f"{low}" if low == high else f"{low}–{high}", n] for (low, high), _c, n in steps],
                 swatches=[colour for _s, colour, _n in steps],
                 image=lambda: worldmap.draw(counts, title=str(title)))


@figure("delegations")
def delegations(event, user, shared=None) -> Chart:
    rows = registration_figures.delegations(event)
    may_open = can(user, "delegation.view", event)
    return table("delegations", _l("Delegations: head and quota"), [
        ("delegation", _l("Delegation")), ("head", _l("Head of delegation")), ("quota", _l("Quota")),
        ("used", _l("Places used"))],
        [[d["name"], d["head"], d["quota"] if d["quota"] is not None else "—", d["used"]] for d in rows],
        [url_for("registration.manage_delegation", slug=event.slug, delegation_id=d["id"]) if may_open else None
         for d in rows])


@figure("delegations-protocol")
def delegations_protocol(event, user, shared=None) -> Chart:
    rows = registration_figures.delegations(event)
    may_open = can(user, "delegation.view", event)
    states = (RS.approved, RS.submitted, RS.waitlisted)
    return table("delegations-protocol", _l("Delegations in protocol order"), [
        ("delegation", _l("Delegation")), ("country", _l("Country")), ("head", _l("Head of delegation"))]
        + [(s.value, SHORT_LABELS[s]) for s in states],
        [[d["name"], country_name(d["country"], _locale()), d["head"]] + [d["states"][s] for s in states]
         for d in rows],
        [url_for("registration.manage_delegation", slug=event.slug, delegation_id=d["id"]) if may_open else None
         for d in rows])


@figure("invitations")
def invitations(event, user, shared=None) -> Chart:
    counts = registration_figures.invitation_counts(event)
    href = _link(user, "invitation.manage", event, "registration.manage_invitations")
    return bar_chart("invitations", _l("Invitations"), [
        (str(_l("Sent")), counts["sent"], href), (str(_l("Opened")), counts["opened"], href),
        (str(_l("Accepted")), counts["accepted"], href)], sort=False, label_title=_l("Invitations"))


@figure("review-queue")
def review_queue(event, user, shared=None) -> Chart:
    total, rows = registration_figures.review_queue(event)
    return table("review-queue", _l("Review queue, oldest first (%(count)s waiting)", count=total), [
        ("name", _l("Name")), ("category", _l("Category")), ("since", _l("Sent")), ("days", _l("Days waiting"))],
        [[r["name"], r["category"], event_datetime(r["since"], event, "short"), r["age_days"]] for r in rows],
        [_link(user, "registration.view", event, "registration.manage_detail", registration_id=r["id"])
         for r in rows])


@figure("waitlist")
def waitlist(event, user, shared=None) -> Chart:
    return bar_chart("waitlist", _l("Waitlist by category"), [
        (name, n, _link(user, "registration.view", event, "registration.manage_list", state="waitlisted",
                        category=cid)) for cid, name, n in registration_figures.waitlist_by_category(event)],
        label_title=_l("Category"), value_title=_l("Waiting"))


@figure("accreditation-tasks")
def accreditation_tasks(event, user, shared=None) -> Chart:
    return tiles("accreditation-tasks", _l("To do"), [
        (_l("Visa-support letters to issue"), checkin_figures.letters_to_issue(event),
         _link(user, "visa_letter.manage", event, "checkin.manage_letters")),
        (_l("Likely duplicates"), registration_figures.duplicate_count(event),
         _link(user, "registration.view", event, "registration.manage_list", duplicates="1")),
        (_l("Approved without complete travel details"), registration_figures.travel_incomplete(event),
         _link(user, "registration.view", event, "registration.manage_list", travel="missing")),
    ])


@figure("vip-arrivals")
def vip_arrivals(event, user, shared=None) -> Chart:
    rows = registration_figures.vip_arrivals(event)
    days = sorted({day for day, _kind, _n in rows})
    counts = {(day, kind): n for day, kind, n in rows}
    return stacked_chart("vip-arrivals", _l("Heads of delegation and VIP arrivals per day"),
                         [day.isoformat() for day in days],
                         [(str(_l("Heads of delegation")), [counts.get((d, "heads"), 0) for d in days]),
                          (str(_l("Other VIPs")), [counts.get((d, "vip"), 0) for d in days])],
                         label_title=_l("Arrival day"))


# --- Agenda and speakers -----------------------------------------------------------

@figure("agenda-readiness")
def agenda_readiness(event, user, shared=None) -> Chart:
    ids = agenda_figures.session_ids(event)
    ready = agenda_figures.readiness(event)
    unanswered = speaker_figures.state_counts(event)
    return tiles("agenda-readiness", _l("Agenda readiness"), [
        (_l("Sessions without speakers"), len(speaker_figures.sessions_without_speakers(ids)),
         _link(user, "speaker.manage", event, "speakers.manage_sessions")),
        (_l("Sessions without a room"), agenda_figures.sessions_without_room(event),
         _link(user, "agenda.view_draft", event, "agenda.manage_list")),
        (_l("Speakers who have not answered"), unanswered[AssignmentState.invited],
         _link(user, "speaker.manage", event, "speakers.manage_list", state="invited")),
        (_l("Open conflicts"), ready["conflicts"], _link(user, "agenda.view_draft", event, "agenda.manage_conflicts")),
        (_l("Changes not yet published"), ready["unpublished"],
         _link(user, "agenda.publish", event, "agenda.manage_publish")),
    ])


@figure("sessions-by-track")
def sessions_by_track(event, user, shared=None) -> Chart:
    href = _link(user, "agenda.view_draft", event, "agenda.manage_list")
    return bar_chart("sessions-by-track", _l("Sessions per track"), [
        (name or str(_l("No track")), n, href) for _tid, name, n in agenda_figures.sessions_per_track(event)],
        label_title=_l("Track"), value_title=_l("Sessions"))


@figure("sessions-by-type")
def sessions_by_type(event, user, shared=None) -> Chart:
    href = _link(user, "agenda.view_draft", event, "agenda.manage_list")
    return bar_chart("sessions-by-type", _l("Sessions per type"), [
        (str(SESSION_TYPE_LABELS[kind]), n, href) for kind, n in agenda_figures.sessions_per_type(event)],
        label_title=_l("Type"), value_title=_l("Sessions"))


@figure("sessions-by-sdg")
def sessions_by_sdg(event, user, shared=None) -> Chart:
    href = _link(user, "agenda.view_draft", event, "agenda.manage_list")
    return bar_chart("sessions-by-sdg", _l("Sessions per Sustainable Development Goal"), [
        (str(sdg_badge(goal)), n, href) for goal, n in agenda_figures.sessions_per_sdg(event)],
        sort=False, label_title=_l("Goal"), value_title=_l("Sessions"))


@figure("speakers-by-state")
def speakers_by_state(event, user, shared=None) -> Chart:
    return bar_chart("speakers-by-state", _l("Speakers by answer"), [
        (str(SPEAKER_STATES[state]), n, _link(user, "speaker.manage", event, "speakers.manage_list",
                                              state=state.value))
        for state, n in speaker_figures.state_counts(event).items()], sort=False,
        label_title=_l("Answer"), value_title=_l("Speakers"))


@figure("proposals")
def proposals(event, user, shared=None) -> Chart:
    return tiles("proposals", _l("Proposed abstract changes"), [
        (_l("Waiting for a decision"), speaker_figures.pending_proposal_count(event),
         _link(user, "speaker.manage", event, "speakers.manage_proposals"))])


@figure("room-use")
def room_use(event, user, shared=None) -> Chart:
    rooms, days, hours = agenda_figures.room_use(event)
    return stacked_chart("room-use", _l("Room use per day (hours booked)"), rooms,
                         [(day.isoformat(), [round(hours.get((room, day), 0), 1) for room in rooms]) for day in days],
                         label_title=_l("Room"), grouped=len(days) > 1,
                         hrefs=[_link(user, "agenda.view_draft", event, "agenda.manage_timetable")] * len(rooms))


# --- On site and email -------------------------------------------------------------

@figure("checkins-per-hour")
def checkins_per_hour(event, user, shared=None) -> Chart:
    rows = checkin_figures.venue_checkins_per_hour(event)
    days = sorted({day for day, _h, _n in rows})
    hours = sorted({hour for _d, hour, _n in rows})
    counts = {(day, hour): n for day, hour, n in rows}
    # Behind each hour: the check-in desk and its live counts, as behind the day's figures.
    desk = _link(user, "checkin.operate", event, "checkin.desk")
    return stacked_chart("checkins-per-hour", _l("Check-ins at the entrance per hour, by event day"),
                         [f"{hour:02d}:00" for hour in hours],
                         [(day.isoformat(), [counts.get((day, h), 0) for h in hours]) for day in days],
                         label_title=_l("Hour"), grouped=True, hrefs=[desk] * len(hours))


@figure("today-per-hour")
def today_per_hour(event, user, shared=None) -> Chart:
    day = checkin_figures.today(event)
    desk = _link(user, "checkin.operate", event, "checkin.desk")
    return bar_chart("today-per-hour", _l("Admissions today per hour (%(day)s)", day=day.isoformat()), [
        (f"{hour:02d}:00", n, desk) for hour, n in checkin_figures.admissions_per_hour(event, day)], sort=False,
        label_title=_l("Hour"), value_title=_l("Admissions"))


@figure("today-per-door")
def today_per_door(event, user, shared=None) -> Chart:
    day = checkin_figures.today(event)
    desk = _link(user, "checkin.operate", event, "checkin.desk")
    return bar_chart("today-per-door", _l("Admissions today per entrance"), [
        (title or str(_l("Venue entrance")), n, desk) for title, n in checkin_figures.admissions_per_door(event, day)],
        label_title=_l("Entrance"), value_title=_l("Admissions"))


@figure("outbox")
def outbox(event, user, shared=None) -> Chart:
    health = outbox_health(event)
    oldest = health["oldest_queued"]
    waited = f"{int((utcnow() - oldest).total_seconds() // 60)}" if oldest else "—"
    href = url_for("admin.outbox") if can(user, "admin.outbox") else None
    return tiles("outbox", _l("Email"), [
        (_l("Queued"), health["queued"], href), (_l("Failed"), health["failed"], href),
        (_l("Oldest queued, minutes waiting"), waited, href)])


@figure("travel-footprint")
def travel_footprint(event, user, shared=None) -> Chart | None:
    """The event's travel in tonnes of CO2e with its range and how many trips are
    declared or estimated, once it aggregates enough trips to name no one."""
    rows = footprint_figures.event_tonnes(event)
    if not rows:
        return None
    href = _link(user, "footprint.view", event, "footprint.report")
    chart = tiles("travel-footprint", _l("Travel footprint"), [(label, value, href) for _key, label, value in rows])
    chart.note = footprint_figures.radiative_forcing_note(event)
    return chart


@figure("footprint-by-delegation")
def footprint_by_delegation(event, user, shared=None) -> Chart | None:
    """The travel by delegation, in tonnes of CO2e (groups under five folded for those
    who may not see registrations)."""
    rows = footprint_figures.by_delegation(event, user)
    if not rows:
        return None
    href = _link(user, "footprint.view", event, "footprint.report")
    chart = bar_chart("footprint-by-delegation", _l("Travel footprint by delegation, t CO₂e"),
                      [(label, value, href) for label, value in rows], label_title=_l("Delegation"),
                      value_title=_l("t CO₂e"))
    chart.note = footprint_figures.radiative_forcing_note(event)
    return chart


# --- Figures other domains provide ---------------------------------------------------

@figure("bilaterals-by-state")
def bilaterals_by_state(event, user, shared=None) -> Chart | None:
    rows = provided.answer("bilaterals.requests_by_state", event)
    if rows is None:
        return None
    return bar_chart("bilaterals-by-state", _l("Bilateral meeting requests by state"),
                     list(rows), sort=False, label_title=_l("State"), value_title=_l("Requests"))


@figure("bilaterals-today")
def bilaterals_today(event, user, shared=None) -> Chart | None:
    day = to_zone(utcnow(), event.timezone).date()
    rows = provided.answer("bilaterals.of_day", event, day)
    if rows is None:
        return None
    return table("bilaterals-today", _l("Bilateral meetings today"), [
        ("time", _l("Time")), ("title", _l("Meeting")), ("place", _l("Room"))],
        [[t, title, place] for t, title, place, _href in rows], [href for *_rest, href in rows])
