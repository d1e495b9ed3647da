"""Demo data: the Regional Ecological Summit 2027 in Astana and one account per role. What
delegates read (the event, rooms, tracks, sessions, categories, questions, biographies) is
written in English, Russian and Kazakh.

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
from app.utils.translated import Translated, text_in

DEMO_PASSWORD = "summit-demo"
DEMO_SLUG = "astana-2027"

def _t(en: str, ru: str, kk: str) -> Translated:
    """A text written in English first, then in Russian and Kazakh."""
    return Translated({"en": en, "ru": ru, "kk": kk}, "en")


# What a delegate reads about the summit, in each of its languages.
EVENT_TEXTS = dict(
    title=_t("Regional Ecological Summit 2027", "Региональный экологический саммит – 2027",
             "Өңірлік экологиялық саммит – 2027"),
    short_title=_t("Eco Summit 2027", "Экосаммит-2027", "Экосаммит-2027"),
    description=_t(
        "Governments, climate experts, environmental organisations and development partners meet in Astana to "
        "work on water security, climate adaptation, AI for climate monitoring, green finance and e-governance "
        "(UN SDGs 6, 11, 13 and 15).",
        "Правительства, эксперты по климату, экологические организации и партнёры по развитию собираются в "
        "Астане, чтобы работать над водной безопасностью, адаптацией к изменению климата, применением ИИ для "
        "мониторинга климата, зелёным финансированием и электронным управлением (ЦУР ООН 6, 11, 13 и 15).",
        "Үкіметтер, климат сарапшылары, экологиялық ұйымдар және даму жөніндегі серіктестер Астанада бас қосып, "
        "су қауіпсіздігі, климаттың өзгеруіне бейімделу, климат мониторингіндегі жасанды интеллект, жасыл "
        "қаржыландыру және электрондық басқару мәселелерін талқылайды (БҰҰ ТДМ 6, 11, 13 және 15)."),
    venue=_t("Palace of Independence", "Дворец Независимости", "Тәуелсіздік сарайы"),
    city=_t("Astana", "Астана", "Астана"),
    practical_info=_t(
        "### Getting there\n"
        "Astana International Airport (NQZ) is 20 minutes from the Palace of Independence by car. The secretariat "
        "meets approved delegates who ask for a transfer; taxis take bank cards.\n\n"
        "### Visas\n"
        "Citizens of many countries enter Kazakhstan without a visa for up to 30 days. If you need one, ask for a "
        "visa-support letter when you register.\n\n"
        "### Weather\n"
        "Late April in Astana is cool and windy: from 2 °C at night to 15 °C in the day. Bring a warm coat.\n\n"
        "### Money and phones\n"
        "The currency is the tenge (KZT); cards are accepted almost everywhere. Free Wi-Fi covers the venue.",
        "### Как добраться\n"
        "Международный аэропорт Астаны (NQZ) находится в 20 минутах езды от Дворца Независимости. Секретариат "
        "встречает одобренных делегатов, заказавших трансфер; в такси можно расплатиться банковской картой.\n\n"
        "### Визы\n"
        "Граждане многих стран могут находиться в Казахстане без визы до 30 дней. Если виза вам нужна, "
        "запросите письмо визовой поддержки при регистрации.\n\n"
        "### Погода\n"
        "В конце апреля в Астане прохладно и ветрено: от 2 °C ночью до 15 °C днём. Возьмите тёплую одежду.\n\n"
        "### Деньги и связь\n"
        "Валюта — тенге (KZT); банковские карты принимают почти везде. На площадке работает бесплатный Wi-Fi.",
        "### Қалай жетуге болады\n"
        "Астана халықаралық әуежайы (NQZ) Тәуелсіздік сарайынан көлікпен 20 минуттық жерде орналасқан. Трансфер "
        "сұраған мақұлданған делегаттарды хатшылық қарсы алады; таксиде банк картасымен төлеуге болады.\n\n"
        "### Виза\n"
        "Көптеген елдің азаматтары Қазақстанда 30 күнге дейін визасыз бола алады. Егер сізге виза қажет болса, "
        "тіркелу кезінде визалық қолдау хатын сұраңыз.\n\n"
        "### Ауа райы\n"
        "Сәуірдің соңында Астанада салқын әрі желді: түнде 2 °C, күндіз 15 °C-қа дейін. Жылы киім ала келіңіз.\n\n"
        "### Ақша және байланыс\n"
        "Валюта – теңге (KZT); банк карталары барлық жерде дерлік қабылданады. Өтетін орында тегін Wi-Fi бар."),
)

ROOMS = [
    # name, capacity, location (each in English, Russian and Kazakh), equipment (for the organisers), interpretation
    (_t("Main Plenary Hall", "Главный пленарный зал", "Басты пленарлық зал"), 1200,
     _t("Ground floor", "1-й этаж", "1-қабат"),
     "Stage, 3 projectors, streaming", ["en", "ru", "kk"]),
    (_t("Hall A: Water", "Зал A: Вода", "A залы: Су"), 300, _t("1st floor", "2-й этаж", "2-қабат"),
     "Projector, 4 microphones", ["en", "ru"]),
    (_t("Hall B: Climate", "Зал B: Климат", "B залы: Климат"), 300, _t("1st floor", "2-й этаж", "2-қабат"),
     "Projector, 4 microphones", ["en", "ru"]),
    (_t("Hall C: Innovation", "Зал C: Инновации", "C залы: Инновациялар"), 200,
     _t("2nd floor", "3-й этаж", "3-қабат"), "Projector, demo tables", ["en", "ru"]),
    (_t("Workshop Room 1", "Зал для семинаров № 1", "№ 1 семинар залы"), 60, _t("2nd floor", "3-й этаж", "3-қабат"),
     "Screen, whiteboard", []),
    (_t("Bilateral Meeting Room", "Зал двусторонних встреч", "Екіжақты кездесулер залы"), 12,
     _t("3rd floor", "4-й этаж", "4-қабат"), "Round table, flags", ["en", "ru"]),
]

TRACKS = [
    (_t("Water security", "Водная безопасность", "Су қауіпсіздігі"), "#1565c0",
     _t("Transboundary rivers, glaciers, irrigation efficiency.",
        "Трансграничные реки, ледники, эффективность орошения.",
        "Трансшекаралық өзендер, мұздықтар, суару тиімділігі."), [6, 15]),
    (_t("Climate adaptation", "Адаптация к изменению климата", "Климаттың өзгеруіне бейімделу"), "#2e7d32",
     _t("Resilient cities and agriculture in Central and South Asia.",
        "Устойчивые города и сельское хозяйство в Центральной и Южной Азии.",
        "Орталық және Оңтүстік Азиядағы төзімді қалалар мен ауыл шаруашылығы."), [11, 13]),
    (_t("AI for climate monitoring", "ИИ для мониторинга климата", "Климат мониторингіндегі жасанды интеллект"),
     "#6a1b9a",
     _t("Satellites, sensors and models for early warning.", "Спутники, датчики и модели для раннего оповещения.",
        "Ерте ескертуге арналған жерсеріктер, датчиктер мен модельдер."), [13]),
    (_t("Green finance", "Зелёное финансирование", "Жасыл қаржыландыру"), "#ef6c00",
     _t("Climate funds, green bonds, blended finance.", "Климатические фонды, зелёные облигации, смешанное "
        "финансирование.", "Климаттық қорлар, жасыл облигациялар, аралас қаржыландыру."), [13]),
    (_t("E-governance", "Электронное управление", "Электрондық басқару"), "#00838f",
     _t("Open data and digital services for environmental policy.",
        "Открытые данные и цифровые сервисы для экологической политики.",
        "Экология саясатына арналған ашық деректер мен цифрлық қызметтер."), [11]),
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
# speakers next, on-site data, the bilaterals between delegations (with the heads of
# delegation they register), then the travel footprint of all those registrations.
DOMAIN_SEEDS = (registration_seed.seed, agenda_seed.seed, speakers_seed.seed, checkin_seed.seed,
                bilaterals_seed.seed, footprint_seed.seed)


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
            **EVENT_TEXTS,
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
    # Rooms and tracks are known by their English names, so a second run adds only what is missing.
    rooms = {text_in(r.name, "en") for r in db.session.scalars(select(Room).where(Room.event_id == event.id))}
    for position, (name, capacity, location, equipment, interpretation) in enumerate(ROOMS):
        if name.get("en") not in rooms:
            db.session.add(Room(event=event, name=name, capacity=capacity, location=location, equipment=equipment,
                                interpretation_languages=interpretation, opens_at=time(8, 0),
                                closes_at=time(20, 0), position=position))
    tracks = {text_in(t.name, "en") for t in db.session.scalars(select(Track).where(Track.event_id == event.id))}
    for position, (name, colour, description, sdgs) in enumerate(TRACKS):
        if name.get("en") not in tracks:
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
