"""Demo bilaterals of the Astana summit: Kazakhstan, Uzbekistan, Kyrgyzstan and UNDP join
the Pakistan delegation; two rooms are kept for bilaterals; an interpreter is on the team;
and there is a meeting in every state (requested, other times proposed, accepted,
confirmed with a room and an interpreter, bumped by the agenda, declined).

Idempotent: meetings are added only while the event has none."""
from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.services import create_user
from app.agenda.models import Room
from app.bilaterals import services
from app.bilaterals.models import Bilateral, BilateralState, Layout
from app.events.models import EventRole, EventRoleName
from app.extensions import db
from app.registration import services as registration
from app.registration.models import Category, Delegation
from app.registration.seed import DEMO_PASSWORD
from app.utils.time import local_to_utc
from app.utils.translated import text_in

# (name, country, head email, given, family, position); the names in Russian and Kazakh too.
DELEGATIONS = [
    ("Kazakhstan", "KZ", "kz.head@example.org", "Askar", "Zhumabekov", "Minister of Ecology"),
    ("Uzbekistan", "UZ", "uz.head@example.org", "Dilshod", "Rakhimov", "Deputy Minister of Water Resources"),
    ("Kyrgyzstan", "KG", "kg.head@example.org", "Aibek", "Toktogulov", "Ambassador"),
    ("UNDP", "", "undp.head@example.org", "Maria", "Lindqvist", "Resident Representative"),
]


def _account(email, **profile) -> User:
    return User.by_email(email) or create_user(email=email, password=DEMO_PASSWORD, **profile)


DELEGATION_NAMES = {
    "Kazakhstan": {"ru": "Казахстан", "kk": "Қазақстан"}, "Uzbekistan": {"ru": "Узбекистан", "kk": "Өзбекстан"},
    "Kyrgyzstan": {"ru": "Кыргызстан", "kk": "Қырғызстан"}, "UNDP": {"ru": "ПРООН", "kk": "БҰҰДБ"},
}


def _delegation(event, category, secretariat, name, country, email, given, family, position) -> Delegation:
    found = registration.delegation_named(event, name)
    if found is not None:
        return found
    head = _account(email, given_name=given, family_name=family, position=position, country=country)
    delegation = registration.save_delegation(event, None, dict(
        name={"en": name, **DELEGATION_NAMES.get(name, {})}, country=country, category_id=category.id,
        head_user_id=head.id, quota=5, protocol_rank=40),
        actor=secretariat)
    lead = registration.register_member(delegation, head.email, dict(
        honorific="H.E.", given_name=given, family_name=family, position=position, nationality=country or "KZ",
        organisation=name), actor=secretariat)
    registration.approve_registration(lead, actor=secretariat)
    return delegation


# The rooms this seed may add, in Russian and Kazakh (found again by their English names).
ROOM_NAMES = {
    "Bilateral Meeting Room": {"ru": "Зал двусторонних встреч", "kk": "Екіжақты кездесулер залы"},
    "Bilateral Suite B": {"ru": "Зал двусторонних встреч B", "kk": "Екіжақты кездесулер залы B"},
}


def _room(event, name, capacity) -> Room:
    room = next((r for r in db.session.scalars(select(Room).where(Room.event_id == event.id))
                 if text_in(r.name, "en") == name), None)
    if room is None:
        room = Room(event=event, name={"en": name, **ROOM_NAMES.get(name, {})}, capacity=capacity,
                    location={"en": "Ground floor, east wing", "ru": "Первый этаж, восточное крыло",
                              "kk": "Бірінші қабат, шығыс қанаты"},
                    opens_at=time(8), closes_at=time(20), position=20)
        db.session.add(room)
        db.session.flush()
    return room


def _window(event, day: int, start: int, end: int):
    on = event.start_date + timedelta(days=day)
    return (local_to_utc(on, time(start), event.timezone), local_to_utc(on, time(end), event.timezone))


ACCOUNTS = [("kz.head@example.org", "head of the Kazakhstan delegation (bilaterals)"),
            ("interpreter@example.org", "interpreter on the event team")]


def seed(event) -> list[tuple[str, str]]:
    if db.session.scalar(select(func.count(Bilateral.id)).where(Bilateral.event_id == event.id)):
        return ACCOUNTS
    if event.start_date <= date.today():
        return []  # the demo asks for times ahead of today
    secretariat = User.by_email("secretariat@example.org")
    protocol = User.by_email("protocol@example.org") or secretariat
    category = next((c for c in db.session.scalars(select(Category).where(Category.event_id == event.id))
                     if text_in(c.name, "en") == "Government delegation"), None)
    pakistan = registration.delegation_named(event, "Pakistan")
    if category is None or pakistan is None:
        return []
    kz, uz, kg, undp = (_delegation(event, category, secretariat, *row) for row in DELEGATIONS)
    interpreter = _account("interpreter@example.org", given_name="Dana", family_name="Akhmetova",
                           organisation="Summit interpretation service", country="KZ")
    if db.session.scalar(select(EventRole).where(EventRole.event_id == event.id,
                                                 EventRole.user_id == interpreter.id)) is None:
        db.session.add(EventRole(event=event, user=interpreter, role=EventRoleName.viewer, interpreter=True))
    kept = services.keep_room(event, _room(event, "Bilateral Meeting Room", 20).id, 12, Layout.square,
                              actor=protocol)
    services.keep_room(event, _room(event, "Bilateral Suite B", 30).id, 24, Layout.classroom, actor=protocol)
    db.session.flush()

    def ask(requester, counterpart, day, start, end, level="minister", **extra):
        data = {"level": level, "topic": extra.pop("topic", "Water sharing and glacier monitoring data"),
                "minutes": 45, "requester_size": 3, "counterpart_size": 3, "languages": ["en", "ru"],
                "interpretation": extra.pop("interpretation", []), "layout": "square", "equipment": "",
                "contact_name": "Protocol office", "contact_email": "protocol.office@example.org",
                "windows": [_window(event, day, start, end)]}
        return services.request_bilateral(event, requester, counterpart, data, actor=requester.head)

    def agree(bilateral):
        slot = services.suggestions(bilateral)[0]
        services.accept(bilateral, slot.starts_at, actor=bilateral.counterpart.head)
        return bilateral

    confirmed = agree(ask(pakistan, kz, 1, 12, 17, topic="Joint monitoring of the Indus and Syr Darya basins",
                          interpretation=["en-ru"]))
    services.confirm(confirmed, kept, actor=protocol)
    services.assign_interpreter(confirmed, interpreter.id, "en-ru", actor=protocol)
    bumped = agree(ask(kz, kg, 2, 11, 16, level="ambassador"))
    services.confirm(bumped, kept, actor=protocol)
    bumped.state, bumped.bump_reason = BilateralState.bumped, "room"
    bumped.sequence += 1
    agree(ask(pakistan, uz, 2, 9, 17, level="senior_official"))
    ask(uz, kz, 1, 9, 18, topic="Renewable energy trade")
    proposed = ask(kg, pakistan, 0, 14, 18, level="expert")
    services.propose(proposed, [_window(event, 2, 10, 13)], actor=pakistan.head)
    declined = ask(undp, uz, 1, 14, 16, level="senior_official", topic="Green finance facility")
    services.decline(declined, actor=uz.head)
    db.session.flush()
    return ACCOUNTS
