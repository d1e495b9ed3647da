"""Demo agenda of the Regional Ecological Summit: about 40 sessions over three days in six rooms.

Idempotent: sessions are added only while the event has none, then published once.
"""
from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import func, select

from app.agenda.models import AgendaSession, Room, SessionType as T, Track, Visibility
from app.agenda.services import create_session, publish_agenda
from app.extensions import db
from app.registration.models import Category
from app.utils.time import local_to_utc

PLENARY, WATER, CLIMATE, INNOVATION, WORKSHOP, BILATERAL = (
    "Main Plenary Hall", "Hall A: Water", "Hall B: Climate", "Hall C: Innovation", "Workshop Room 1",
    "Bilateral Meeting Room")
W, C, AI, GF, EG = ("Water security", "Climate adaptation", "AI for climate monitoring", "Green finance",
                    "E-governance")

# (day 0-2, start, end, room, type, track, sdgs, title, abstract, visibility)
SESSIONS = [
    (0, "08:00", "09:00", PLENARY, T.break_, None, [], "Registration and welcome coffee", "", "published"),
    (0, "09:00", "10:00", PLENARY, T.ceremony, None, [6, 11, 13, 15], "Opening ceremony",
     "Welcome by the host government and the summit secretariat.", "published"),
    (0, "10:00", "11:30", PLENARY, T.high_level_panel, C, [6, 13],
     "Central Asia's climate and water future",
     "Heads of delegation on **what the region must agree on** before COP32.", "published"),
    (0, "11:30", "12:00", PLENARY, T.break_, None, [], "Coffee break", "", "published"),
    (0, "12:00", "13:30", WATER, T.panel, W, [6], "Transboundary water cooperation in the Aral Sea basin",
     "Sharing the Syr Darya and Amu Darya: treaties, data exchange and joint monitoring.", "published"),
    (0, "12:00", "13:30", CLIMATE, T.panel, C, [11, 13], "Climate-resilient cities: heat, floods and mudflows",
     "Mayors and planners compare adaptation plans for Almaty, Bishkek, Dushanbe and Tashkent.", "published"),
    (0, "12:00", "13:30", INNOVATION, T.panel, AI, [6, 13], "Satellites and AI for glacier monitoring",
     "How machine learning on satellite imagery tracks the retreat of Tien Shan and Pamir glaciers.",
     "published"),
    (0, "12:00", "13:30", WORKSHOP, T.workshop, C, [13], "Workshop: building a national adaptation plan",
     "A hands-on session with the NAP Global Network. Places are limited.", "published"),
    (0, "13:30", "14:30", PLENARY, T.break_, None, [], "Lunch", "", "published"),
    (0, "14:30", "16:00", WATER, T.panel, W, [6, 15], "Irrigation efficiency and water-saving technologies",
     "Drip irrigation, canal lining and water pricing: what worked in the region.", "published"),
    (0, "14:30", "16:00", CLIMATE, T.roundtable, C, [13, 15], "Drought early warning for farmers",
     "Extension services, SMS alerts and index insurance.", "published"),
    (0, "14:30", "16:00", INNOVATION, T.panel, EG, [11, 13], "Open climate data platforms",
     "Publishing hydrometeorological data as open data.", "published"),
    (0, "14:30", "15:15", BILATERAL, T.bilateral, W, [6], "Bilateral meeting: water ministers of the region",
     "Closed meeting.", "restricted"),
    (0, "16:30", "18:00", PLENARY, T.high_level_panel, GF, [13], "Ministerial dialogue on green finance",
     "Finance and environment ministers with the multilateral development banks.", "published"),
    (0, "18:30", "20:00", INNOVATION, T.side_event, AI, [13], "Side event: youth climate innovation showcase",
     "Student teams present sensors, apps and models.", "published"),
    (1, "09:00", "10:30", PLENARY, T.plenary, GF, [13], "Keynote: financing the transition in Central Asia",
     "", "published"),
    (1, "10:30", "11:00", PLENARY, T.break_, None, [], "Coffee break", "", "published"),
    (1, "11:00", "12:30", WATER, T.panel, W, [6, 13], "Glacier melt and the future of the Syr Darya and Amu Darya",
     "", "published"),
    (1, "11:00", "12:30", CLIMATE, T.panel, C, [15], "Protecting steppe and mountain ecosystems",
     "Saiga, snow leopards and the rangelands they depend on.", "published"),
    (1, "11:00", "12:30", INNOVATION, T.panel, AI, [11, 13], "Machine learning for air quality forecasting",
     "Winter smog in the region's capitals and what forecasting can do about it.", "published"),
    (1, "11:00", "12:30", WORKSHOP, T.workshop, GF, [13], "Workshop: green bond frameworks for issuers",
     "From the framework to the second-party opinion, with the Astana International Financial Centre.",
     "published"),
    (1, "12:30", "13:30", PLENARY, T.break_, None, [], "Lunch", "", "published"),
    (1, "13:30", "15:00", WATER, T.roundtable, W, [6], "Roundtable: the water-energy-food nexus", "", "published"),
    (1, "13:30", "15:00", CLIMATE, T.panel, GF, [13], "Blended finance for adaptation projects", "", "published"),
    (1, "13:30", "15:00", INNOVATION, T.panel, EG, [11], "Digital twins for city resilience", "", "published"),
    (1, "13:30", "15:00", WORKSHOP, T.workshop, AI, [13, 15], "Workshop: satellite data with open-source tools",
     "Bring a laptop: Sentinel-2 imagery, QGIS and Python notebooks.", "published"),
    (1, "15:30", "17:00", PLENARY, T.high_level_panel, EG, [11, 13],
     "High-level panel: e-governance for environmental transparency", "", "published"),
    (1, "15:30", "16:15", BILATERAL, T.bilateral, GF, [13], "Bilateral meeting: development partners", "",
     "draft"),
    (1, "17:00", "18:30", CLIMATE, T.side_event, C, [13], "Side event: women leaders in climate action", "",
     "published"),
    (2, "09:00", "10:30", PLENARY, T.high_level_panel, W, [6], "Towards a regional water security compact", "",
     "published"),
    (2, "10:30", "11:00", PLENARY, T.break_, None, [], "Coffee break", "", "published"),
    (2, "11:00", "12:30", WATER, T.panel, W, [6], "Safe drinking water and sanitation in rural areas", "",
     "published"),
    (2, "11:00", "12:30", CLIMATE, T.panel, GF, [13], "Carbon markets and Article 6 cooperation", "", "published"),
    (2, "11:00", "12:30", INNOVATION, T.roundtable, AI, [13], "AI ethics and data sovereignty in climate monitoring",
     "", "published"),
    (2, "11:00", "12:30", WORKSHOP, T.workshop, EG, [11], "Workshop: e-permits and digital environmental licensing",
     "", "published"),
    (2, "12:30", "13:30", PLENARY, T.break_, None, [], "Lunch", "", "published"),
    (2, "13:30", "15:00", WATER, T.panel, W, [6, 15], "Restoring the Aral Sea region", "", "published"),
    (2, "13:30", "15:00", CLIMATE, T.panel, C, [13, 15], "Adaptation in agriculture: drought-resistant crops", "",
     "published"),
    (2, "13:30", "15:00", INNOVATION, T.panel, AI, [11, 13], "Early-warning systems for mudflows and floods", "",
     "published"),
    (2, "15:30", "16:30", PLENARY, T.plenary, None, [6, 11, 13, 15], "Presentation of the Astana Declaration", "",
     "published"),
    (2, "16:30", "17:15", PLENARY, T.ceremony, None, [], "Closing ceremony", "", "published"),
]


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def seed(event) -> list[tuple[str, str]]:
    """Add the demo sessions to `event` (once) and publish them."""
    if db.session.scalar(select(func.count(AgendaSession.id)).where(AgendaSession.event_id == event.id)):
        return []
    rooms = {r.name: r for r in db.session.scalars(select(Room).where(Room.event_id == event.id))}
    tracks = {t.name: t for t in db.session.scalars(select(Track).where(Track.event_id == event.id))}
    if not rooms:
        return []
    # The restricted bilateral meetings are for the event's first registration category
    # (government delegations in the demo); the registration seed runs first.
    first_category = db.session.scalar(select(Category.id).where(Category.event_id == event.id)
                                       .order_by(Category.position, Category.id).limit(1))
    restricted_to = [first_category] if first_category is not None else []
    first_day: date = event.start_date
    for day, start, end, room, kind, track, sdgs, title, abstract, visibility in SESSIONS:
        if room not in rooms:
            continue
        when = first_day + timedelta(days=day)
        create_session(event, {
            "title": title, "type": kind, "room": rooms[room], "track": tracks.get(track) if track else None,
            "sdgs": sdgs, "starts_at": local_to_utc(when, _clock(start), event.timezone),
            "ends_at": local_to_utc(when, _clock(end), event.timezone), "abstract": abstract,
            "languages": ["en", "ru"] if kind != T.break_ else [], "capacity": None,
            "signup_required": kind == T.workshop, "visibility": Visibility(visibility),
            "category_ids": restricted_to if visibility == "restricted" else [],
        }, actor=None)
    publish_agenda(event, actor=None)
    return []
