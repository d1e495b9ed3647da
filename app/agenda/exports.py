"""The published agenda in public formats: frab/c3voc schedule JSON and XML, iCalendar.

Each takes the event and a `PublicAgenda` (already filtered to what the public
may see, with confirmed speakers) and returns bytes. Links are built from the
configured server name, never from the request, so a cached body is the same
for every client.
"""
from __future__ import annotations

import json
import os
import re
import uuid
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from flask_babel import gettext as _
from icalendar import Calendar, Event as ICalEvent, Timezone, vText
from lxml import etree

from app.agenda.plaintext import markdown_to_text
from app.agenda.providers import speaker_profiles
from app.agenda.services.public import PublicAgenda, PublicSession
from app.agenda.services.publication import slugify
from app.utils.formatting import date_range, local_date
from app.utils.time import to_zone
from app.utils.urls import external_url
from app.utils.translated import Translated, current_language

GENERATOR = "Kurultai"
# Names of rooms, people and days in the feeds derive from this namespace, so they stay
# stable from one publication to the next.
NAMESPACE = uuid.UUID("6a3f1d2e-8f7b-4c1a-9d57-3b2e1c0f4a11")
_ZONE_NAME = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")
DAY_CHANGE = time(4, 0)  # frab days run from 04:00 to 03:59 the next morning, event time


def acronym(slug: str) -> str:
    """The event slug in the characters the schedule formats accept (astana-2027 -> astana_2027)."""
    text = re.sub(r"[^a-z0-9_]", "_", slug.lower())
    return text.ljust(4, "_")


def room_guid(event, room_id: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"event:{event.id}:room:{room_id}"))


def person_guid(event, person_id: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"event:{event.id}:person:{person_id}"))


def session_slug(event, s: PublicSession) -> str:
    tail = f"{s.id}-{slugify(s.title)[:48]}".strip("-")
    if len(tail) < 4:
        tail = f"{s.id:04d}-session"
    return f"{acronym(event.slug)}-{tail}"


def _hhmm(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _days(event, agenda: PublicAgenda) -> list[tuple[int, date, datetime, datetime, list[PublicSession]]]:
    """(index, date, day start, day end, sessions) for every event day and any day holding a session."""
    grouped = dict(agenda.days())
    dates = set(grouped)
    day = event.start_date
    while day <= event.end_date:
        dates.add(day)
        day += timedelta(days=1)
    result = []
    for index, day in enumerate(sorted(dates), start=1):
        start = datetime.combine(day, DAY_CHANGE, tzinfo=event.tz)
        end = start + timedelta(days=1) - timedelta(minutes=1)
        result.append((index, day, start, end, grouped.get(day, [])))
    return result


def _session_url(event, s: PublicSession) -> str:
    # Built once per event and filled in: binding the URL map for each of hundreds
    # of sessions costs more than the rest of the feed.
    template = _url_templates.get(event.slug)
    if template is None:
        template = external_url("agenda.public_session", slug=event.slug, session_id=987654321)
        _url_templates.clear()
        _url_templates[event.slug] = template
    return template.replace("987654321", str(s.id))


_url_templates: dict[str, str] = {}


def _text(value, lang: str):
    """A multilingual text in the feed's language `lang`; anything else as it is. A feed
    names its language once: picking it for each of thousands of texts asked Babel for
    the locale every time."""
    return value.in_(lang) if isinstance(value, Translated) else value


# --- frab JSON ---------------------------------------------------------------------

def schedule_json(event, agenda: PublicAgenda) -> bytes:
    """The c3voc schedule JSON (validates against the voc schedule schema)."""
    zone = agenda.timezone
    lang = current_language()
    conference = {
        "acronym": acronym(event.slug),
        "title": event.title,
        "description": event.description or "",
        "start": event.start_date.isoformat(),
        "end": event.end_date.isoformat(),
        "daysCount": 0,
        "timeslot_duration": "00:05",
        "url": external_url("agenda.public_agenda", slug=event.slug),
        "tracks": [{"name": _text(t["name"], lang), "slug": t["slug"], "color": t["colour"]} for t in agenda.tracks],
        "rooms": [{"name": _text(r["name"], lang), "guid": room_guid(event, r["id"]), "capacity": r.get("capacity"),
                   "description": _text(r.get("location"), lang) or None} for r in agenda.rooms],
        "days": [],
    }
    # The schema has no place field for a conference; `meta` is its open object.
    place = {k: v for k, v in (("venue", event.venue), ("city", event.city)) if v}
    if place:
        conference["meta"] = place
    if _ZONE_NAME.match(zone):
        conference["time_zone_name"] = zone
    profiles = _public_profiles(event, agenda, lang)
    for index, day, start, end, sessions in _days(event, agenda):
        rooms: dict[str, list] = {str(_text(r["name"], lang)): [] for r in agenda.rooms}
        for s in sessions:
            rooms.setdefault(str(_text(s.room["name"], lang)), []).append(_json_event(event, s, zone, profiles, lang))
        conference["days"].append({"index": index, "date": day.isoformat(), "day_start": start.isoformat(),
                                   "day_end": end.isoformat(), "rooms": rooms})
    conference["daysCount"] = len(conference["days"])
    document = {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": GENERATOR, "version": "1"},
        "schedule": {
            "version": f"{agenda.publication.version}",
            "base_url": external_url("agenda.public_agenda", slug=event.slug),
            "conference": conference,
        },
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=_json_text).encode()


def language(s: PublicSession) -> str:
    """Every language of a session in the one field the formats have: "en, ru"."""
    return ", ".join(s.languages or [])


def _public_profiles(event, agenda: PublicAgenda, lang: str) -> dict[int, tuple[str | None, str | None]]:
    """{speaker id: (biography as plain text, photo URL)} of the agenda's confirmed speakers,
    whose profiles the public speaker directory shows: one query."""
    ids = {p.id for s in agenda.sessions for p in s.speakers}
    result = {}
    for user_id, profile in speaker_profiles(event, ids).items():
        avatar = external_url("speakers.photo", slug=event.slug, user_id=user_id) if profile.has_photo else None
        result[user_id] = (markdown_to_text(_text(profile.bio or "", lang)) or None, avatar)
    return result


def _json_person(event, p, profiles: dict) -> dict:
    person = {"id": p.id, "guid": person_guid(event, p.id), "public_name": p.name, "role": p.role}
    biography, avatar = profiles.get(p.id, (None, None))
    if biography:
        person["biography"] = biography
    if avatar:
        person["avatar"] = avatar
    return person


def _json_event(event, s: PublicSession, zone: str, profiles: dict | None = None, lang: str | None = None) -> dict:
    lang = lang or current_language()
    start = to_zone(s.starts_at, zone)
    return {
        "id": s.id,
        "guid": s.uid,
        "date": start.isoformat(),
        "start": start.strftime("%H:%M"),
        "end": to_zone(s.ends_at, zone).isoformat(),
        "duration": _hhmm(s.duration),
        "room": _text(s.room["name"], lang),
        "slug": session_slug(event, s),
        "url": _session_url(event, s),
        "title": _text(s.title, lang),
        "subtitle": "",
        "track": _text((s.track or {}).get("name"), lang),
        "type": s.type,
        "language": language(s) or None,
        "abstract": _text(s.abstract, lang),
        "description": None,
        "logo": None,
        "persons": [_json_person(event, p, profiles or {}) for p in s.speakers],
        "links": [],
        "attachments": [],
    }


# --- frab XML ----------------------------------------------------------------------

def _json_text(value):
    """A multilingual text in a JSON feed: the version of the feed's language."""
    if isinstance(value, Translated):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _sub(parent, tag: str, text=None, **attrs):
    element = etree.SubElement(parent, tag, {k: str(v) for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = str(text)
    return element


def schedule_xml(event, agenda: PublicAgenda) -> bytes:
    """The frab schedule XML (validates against the voc schedule XSD)."""
    zone = agenda.timezone
    lang = current_language()
    root = etree.Element("schedule")
    _sub(root, "generator", name=GENERATOR, version="1")
    _sub(root, "url", external_url("agenda.schedule_xml", slug=event.slug))
    _sub(root, "version", agenda.publication.version)
    conference = _sub(root, "conference")
    days = _days(event, agenda)
    _sub(conference, "title", event.title)
    _sub(conference, "acronym", acronym(event.slug))
    _sub(conference, "start", event.start_date.isoformat())
    _sub(conference, "end", event.end_date.isoformat())
    _sub(conference, "days", len(days))
    _sub(conference, "timeslot_duration", "00:05")
    _sub(conference, "base_url", external_url("agenda.public_agenda", slug=event.slug))
    _sub(conference, "url", external_url("agenda.public_agenda", slug=event.slug))
    _sub(conference, "time_zone_name", zone)
    for t in agenda.tracks:
        name = _text(t["name"], lang)
        _sub(conference, "track", name, name=name, color=t["colour"],
             slug=t["slug"] if re.fullmatch(r"[a-z][a-z0-9-]+", t["slug"]) else None)
    for index, day, start, end, sessions in days:
        day_el = _sub(root, "day", date=day.isoformat(), start=start.isoformat(), end=end.isoformat(), index=index)
        by_room: dict[int, list[PublicSession]] = {}
        for s in sessions:
            by_room.setdefault(s.room["id"], []).append(s)
        for r in agenda.rooms:
            room_el = _sub(day_el, "room", name=_text(r["name"], lang), guid=room_guid(event, r["id"]))
            for s in by_room.get(r["id"], []):
                _xml_event(room_el, event, s, zone, lang)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _xml_event(parent, event, s: PublicSession, zone: str, lang: str) -> None:
    start = to_zone(s.starts_at, zone)
    el = _sub(parent, "event", id=s.id, guid=s.uid)
    _sub(el, "room", _text(s.room["name"], lang))
    _sub(el, "title", _text(s.title, lang))
    _sub(el, "subtitle", "")
    _sub(el, "type", s.type)
    _sub(el, "date", start.isoformat())
    _sub(el, "start", start.strftime("%H:%M"))
    _sub(el, "duration", _hhmm(s.duration))
    _sub(el, "abstract", _text(s.abstract, lang))
    _sub(el, "slug", session_slug(event, s))
    _sub(el, "track", _text((s.track or {}).get("name", ""), lang))
    persons = _sub(el, "persons")
    for p in s.speakers:
        _sub(persons, "person", p.name, id=p.id, guid=person_guid(event, p.id))
    _sub(el, "language", language(s))
    _sub(el, "description", "")
    _sub(el, "links")
    _sub(el, "url", _session_url(event, s))


# --- iCalendar ---------------------------------------------------------------------

def _description(s: PublicSession) -> str:
    """Speakers, then the abstract as plain text (calendars show Markdown marks as typed)."""
    description = markdown_to_text(str(s.abstract))
    if s.speakers:
        description = (", ".join(f"{p.name} ({p.role_label})" if p.role_label else p.name for p in s.speakers)
                       + "\n\n" + description).strip()
    return description


def _vevent(event, s: PublicSession) -> ICalEvent:
    item = ICalEvent()
    item.add("uid", f"{s.uid}@kurultai")
    item.add("sequence", s.sequence)
    # The session's last revision: stable while it does not change, so calendars and
    # the per-event memo below see the same VEVENT from one publication to the next.
    item.add("dtstamp", s.updated_at)
    item.add("last-modified", s.updated_at)
    item.add("dtstart", s.starts_at)   # UTC ("...Z"): right in every calendar, whatever its zone
    item.add("dtend", s.ends_at)
    item.add("summary", str(s.title))
    location = ", ".join(str(p) for p in (s.room.get("name"), s.room.get("location"), event.venue) if p)
    if location:
        item.add("location", location)
    description = _description(s)
    if description:
        item.add("description", description)
    if s.track:
        item.add("categories", [str(s.track["name"])])
    item.add("url", _session_url(event, s))
    item.add("status", "CANCELLED" if s.cancelled else "CONFIRMED")
    return item


@lru_cache(maxsize=32)
def _vtimezone(zone: str, first: date, last: date) -> bytes:
    # Working out a zone's transitions is slow and its answer never changes.
    return Timezone.from_tzid(zone, first_date=first, last_date=last).to_ical()


_vevent_memo: dict[tuple, bytes] = {}


def _calendar_key(event) -> tuple:
    """The language and the event's texts that a VEVENT shows, in that language."""
    lang = current_language()
    return lang, event.id, _text(event.title, lang), _text(event.venue, lang)


def _vevent_bytes(event, s: PublicSession, shared: tuple | None = None) -> bytes:
    """One VEVENT, remembered by everything it shows, so a new publication re-renders
    only the sessions that changed (folding long lines is the slow part). `shared`: what
    every VEVENT of one calendar shares (see `_calendar_key`), worked out once."""
    shared = shared or _calendar_key(event)
    lang = shared[0]
    key = (shared, s.uid, s.sequence, s.cancelled, _text(s.title, lang), s.starts_at, s.ends_at,
           _text(s.abstract, lang), s.updated_at, tuple(sorted((k, _text(v, lang)) for k, v in s.room.items())),
           _text((s.track or {}).get("name"), lang), tuple((p.id, p.name, p.role_label) for p in s.speakers))
    body = _vevent_memo.get(key)
    if body is None:
        body = _vevent(event, s).to_ical()
        if len(_vevent_memo) > 20000:
            _vevent_memo.clear()
        _vevent_memo[key] = body
    return body


def calendar_ics(event, agenda: PublicAgenda, sessions: list[PublicSession] | None = None,
                 cancelled: list[PublicSession] | None = None, *, name: str | None = None,
                 extra: list[bytes] = ()) -> bytes:
    """An iCalendar with one VEVENT per session: stable UIDs, SEQUENCE raised on every
    published change, times in UTC and the event's zone named in full (VTIMEZONE and
    X-WR-TIMEZONE). Sessions recently taken off the agenda (all of them when `sessions`
    is not given, else `cancelled`) follow with STATUS:CANCELLED, so calendars that
    imported them strike them out. `name` is the calendar's name (the event's title);
    `extra` are more VEVENTs to add (a personal feed's bilateral meetings)."""
    if sessions is None:
        sessions = agenda.sessions
        cancelled = agenda.cancelled if cancelled is None else cancelled
    cal = Calendar()
    cal.add("prodid", "-//Kurultai//Agenda//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", vText(str(name or event.title)))
    cal.add("x-wr-timezone", vText(agenda.timezone))
    head = cal.to_ical()
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    parts = [head[: -len(end)], _vtimezone(agenda.timezone, event.start_date - timedelta(days=1),
                                          event.end_date + timedelta(days=1))]
    shared = _calendar_key(event)
    parts += [_vevent_bytes(event, s, shared) for s in [*sessions, *(cancelled or [])]]
    parts += list(extra)
    parts.append(end)
    return b"".join(parts)


# --- PDF ---------------------------------------------------------------------------

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts/dejavu")


class FontMissing(RuntimeError):
    """No Unicode font to write Cyrillic and Kazakh letters with (install fonts-dejavu-core)."""


def _font_paths() -> tuple[str, str]:
    for folder in FONT_DIRS:
        regular, bold = os.path.join(folder, "DejaVuSans.ttf"), os.path.join(folder, "DejaVuSans-Bold.ttf")
        if os.path.exists(regular) and os.path.exists(bold):
            return regular, bold
    raise FontMissing("DejaVuSans.ttf not found in " + ", ".join(FONT_DIRS))


def agenda_pdf(event, agenda: PublicAgenda) -> bytes:
    """The published agenda as an A4 PDF, day by day, in the reader's language."""
    # fpdf is loaded only when a PDF is asked for: it is heavy, and the other feeds never need it.
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    regular, bold = _font_paths()
    page_label = _("Page")

    class AgendaPDF(FPDF):
        def footer(self):
            self.set_y(-12)
            self.set_font("DejaVu", "", 8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 6, f"{event.title} · {page_label} {self.page_no()}", align="C")

    pdf = AgendaPDF(format="A4")
    pdf.set_title(f"{event.title}: {_('Agenda')}")
    pdf.set_creator(GENERATOR)
    pdf.add_font("DejaVu", "", regular)
    pdf.add_font("DejaVu", "B", bold)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 8, str(event.title), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 10)
    place = ", ".join(str(p) for p in (event.venue, event.city) if p)
    dates = date_range(event.start_date, event.end_date)
    pdf.multi_cell(0, 5, f"{_('Agenda')} · {dates}{' · ' + place if place else ''}", align="L",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.multi_cell(0, 5, _("Times are in the event's time zone, %(zone)s.", zone=agenda.timezone), align="L",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for day, sessions in agenda.days():
        pdf.ln(4)
        pdf.set_font("DejaVu", "B", 13)
        pdf.set_text_color(11, 93, 59)
        pdf.cell(0, 8, local_date(day, "day_year"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
        for s in sessions:
            if pdf.will_page_break(14):
                pdf.add_page()
            y = pdf.get_y()
            pdf.set_font("DejaVu", "B", 9.5)
            pdf.set_xy(pdf.l_margin, y)
            pdf.cell(24, 5, f"{s.local_start:%H:%M}–{s.local_end:%H:%M}")
            pdf.set_xy(pdf.l_margin + 26, y)
            pdf.multi_cell(width - 26, 5, str(s.title), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_font("DejaVu", "", 8.5)
            details = " · ".join(str(p) for p in (s.room.get("name"), (s.track or {}).get("name"), s.type_label)
                                 if p)
            if s.speakers:
                details += "\n" + ", ".join(p.name for p in s.speakers)
            pdf.set_x(pdf.l_margin + 26)
            pdf.multi_cell(width - 26, 4.2, details, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1.5)
    return bytes(pdf.output())
