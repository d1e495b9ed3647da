"""Demo data: the Regional Ecological Summit 2027 in Astana and one account per role.

Idempotent: running it again updates nothing that exists and adds what is missing.
Domains extend it with a module `app/<domain>/seed.py` defining `seed(event)`
(listed in DOMAIN_SEEDS), which returns (email, description) pairs of any demo accounts it adds.
"""
from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from app.accounts.models import User
from app.accounts.services import create_user
from app.agenda import seed as agenda_seed
from app.agenda.models import Room, Track
from app.bilaterals import seed as bilaterals_seed
from app.checkin import seed as checkin_seed
from app.events.models import Event, EventRole, EventRoleName
from app.extensions import db
from app.footprint import seed as footprint_seed
from app.registration import seed as registration_seed
from app.speakers import seed as speakers_seed
from app.utils.time import local_to_utc

DEMO_PASSWORD = "summit-demo"
DEMO_SLUG = "astana-2027"

ROOMS = [
    # name, capacity, location, equipment, interpretation
    ("Main Plenary Hall", 1200, "Ground floor", "Stage, 3 projectors, streaming", ["en", "ru", "kk"]),
    ("Hall A: Water", 300, "1st floor", "Projector, 4 microphones", ["en", "ru"]),
    ("Hall B: Climate", 300, "1st floor", "Projector, 4 microphones", ["en", "ru"]),
    ("Hall C: Innovation", 200, "2nd floor", "Projector, demo tables", ["en", "ru"]),
    ("Workshop Room 1", 60, "2nd floor", "Screen, whiteboard", []),
    ("Bilateral Meeting Room", 12, "3rd floor", "Round table, flags", ["en", "ru"]),
]

TRACKS = [
    ("Water security", "#1565c0", "Transboundary rivers, glaciers, irrigation efficiency.", [6, 15]),
    ("Climate adaptation", "#2e7d32", "Resilient cities and agriculture in Central and South Asia.", [11, 13]),
    ("AI for climate monitoring", "#6a1b9a", "Satellites, sensors and models for early warning.", [13]),
    ("Green finance", "#ef6c00", "Climate funds, green bonds, blended finance.", [13]),
    ("E-governance", "#00838f", "Open data and digital services for environmental policy.", [11]),
]

ROLE_ACCOUNTS = [
    ("secretariat@example.org", EventRoleName.secretariat, "Aigerim", "Nurlanovna", "Summit Secretariat"),
    ("programme@example.org", EventRoleName.programme, "Daniyar", "Seitkali", "Summit Secretariat"),
    ("accreditation@example.org", EventRoleName.accreditation, "Madina", "Omarova", "Summit Secretariat"),
    ("protocol@example.org", EventRoleName.protocol, "Yerlan", "Abenov", "Ministry of Foreign Affairs"),
    ("checkin@example.org", EventRoleName.checkin, "Saule", "Tulegenova", "Venue operations"),
    ("viewer@example.org", EventRoleName.viewer, "Gulnara", "Bekova", "Ministry of Ecology, Kazakhstan"),
]

# Each domain's demo data, in this order: registrations first, the agenda and its
# speakers next, on-site data, the travel footprint of the registrations, then the
# bilaterals between delegations.
DOMAIN_SEEDS = (registration_seed.seed, agenda_seed.seed, speakers_seed.seed, checkin_seed.seed,
                footprint_seed.seed, bilaterals_seed.seed)


def _account(email: str, **profile) -> User:
    user = User.by_email(email)
    if user is None:
        user = create_user(email=email, password=DEMO_PASSWORD, **profile)
    return user


def seed_event() -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == DEMO_SLUG))
    if event is None:
        event = Event(
            slug=DEMO_SLUG,
            title="Regional Ecological Summit 2027",
            description=("Governments, climate experts, environmental organisations and development partners "
                         "meet in Astana to work on water security, climate adaptation, AI for climate "
                         "monitoring, green finance and e-governance (UN SDGs 6, 11, 13 and 15)."),
            venue="Palace of Independence",
            city="Astana",
            country="KZ",
            timezone="Asia/Almaty",
            start_date=date(2027, 4, 21),
            end_date=date(2027, 4, 23),
            languages=["en", "ru", "kk"],
            registration_opens_at=local_to_utc(date(2026, 11, 1), time(9, 0), "Asia/Almaty"),
            registration_closes_at=local_to_utc(date(2027, 4, 10), time(18, 0), "Asia/Almaty"),
            published=True,
            contact_email="secretariat@example.org",
        )
        db.session.add(event)
        db.session.flush()
    for position, (name, capacity, location, equipment, interpretation) in enumerate(ROOMS):
        if db.session.scalar(select(Room).where(Room.event_id == event.id, Room.name == name)) is None:
            db.session.add(Room(event=event, name=name, capacity=capacity, location=location, equipment=equipment,
                                interpretation_languages=interpretation, opens_at=time(8, 0),
                                closes_at=time(20, 0), position=position))
    for position, (name, colour, description, sdgs) in enumerate(TRACKS):
        if db.session.scalar(select(Track).where(Track.event_id == event.id, Track.name == name)) is None:
            db.session.add(Track(event=event, name=name, colour=colour, description=description, sdgs=sdgs,
                                 position=position))
    db.session.flush()
    return event


def seed_demo() -> list[tuple[str, str]]:
    """Create the demo event and accounts; returns (email, what it is) for the README/console."""
    event = seed_event()
    accounts = []
    _account("admin@example.org", is_admin=True, given_name="Platform", family_name="Admin")
    User.by_email("admin@example.org").is_admin = True
    accounts.append(("admin@example.org", "platform admin"))
    for email, role, given, family, organisation in ROLE_ACCOUNTS:
        user = _account(email, given_name=given, family_name=family, organisation=organisation, country="KZ")
        exists = db.session.scalar(select(EventRole).where(
            EventRole.event_id == event.id, EventRole.user_id == user.id, EventRole.role == role))
        if exists is None:
            db.session.add(EventRole(event=event, user=user, role=role))
        accounts.append((email, f"{role.value} of {DEMO_SLUG}"))
    db.session.flush()
    for domain_seed in DOMAIN_SEEDS:
        accounts.extend(domain_seed(event) or [])
        db.session.flush()
    return accounts
