"""Demo speakers for the demo agenda: ministers, experts and partners from Central and
South Asia and international organisations, with answers in every state.

Idempotent: people are added when missing; assignments only while the event has
none. Rows are written directly (no invitation emails for demo people). The
people and organisations are invented for the demo; their biographies are written in
English, Russian and Kazakh.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from app.accounts.models import User
from app.accounts.services import create_user
from app.agenda.cache import invalidate_public_cache
from app.agenda.models import AgendaSession
from app.extensions import db
from app.speakers.models import AssignmentRole as R, AssignmentState as S, SpeakerAssignment, SpeakerProfile
from app.utils.time import utcnow
from app.utils.translated import Translated, text_in

DEMO_PASSWORD = "summit-demo"
SPEAKER_EMAIL = "speaker@example.org"


def _t(en: str, ru: str, kk: str) -> Translated:
    """A text written in English first, then in Russian and Kazakh."""
    return Translated({"en": en, "ru": ru, "kk": kk}, "en")


# email, form of address, given, family, position, organisation, country, bio
PEOPLE = [
    (SPEAKER_EMAIL, "Dr", "Dinara", "Sultanbekova", "Head of Water Programmes",
     "Regional Environmental Centre for Central Asia", "KZ",
     _t("Hydrologist working on **transboundary water cooperation** in the Aral Sea basin for fifteen years.",
        "Гидролог, пятнадцать лет занимается **трансграничным водным сотрудничеством** в бассейне Аральского моря.",
        "Гидролог, он бес жыл бойы Арал теңізі алабындағы **трансшекаралық су ынтымақтастығымен** айналысып келеді.")),
    ("a.zhaksylykov@example.org", "H.E.", "Aidos", "Zhaksylykov", "Minister of Ecology and Natural Resources",
     "Government of Kazakhstan", "KZ", _t("Leads Kazakhstan's climate and water policy.",
        "Руководит климатической и водной политикой Казахстана.",
        "Қазақстанның климат және су саясатына басшылық етеді.")),
    ("g.ismailova@example.org", "Prof.", "Gulnara", "Ismailova", "Director",
     "Kazakh Research Institute of Water Management", "KZ",
     _t("Works on irrigation efficiency and water accounting in the Syr Darya basin.",
        "Занимается повышением эффективности орошения и учётом воды в бассейне Сырдарьи.",
        "Сырдария алабында суару тиімділігін арттыру және суды есепке алу мәселелерімен айналысады.")),
    ("s.rehman@example.org", "H.E.", "Sadia", "Rehman", "Federal Minister for Climate Change",
     "Government of Pakistan", "PK", _t("Has led Pakistan's adaptation response after the 2022 floods.",
        "Руководила мерами Пакистана по адаптации после наводнений 2022 года.",
        "2022 жылғы су тасқынынан кейін Пәкістанның бейімделу шараларына басшылық етті.")),
    ("i.qureshi@example.org", "Dr", "Imran", "Qureshi", "Chief Scientist",
     "Pakistan Council of Research in Water Resources", "PK",
     _t("Glacier hydrologist studying the upper Indus basin.",
        "Гидролог-гляциолог, изучает верхнюю часть бассейна Инда.",
        "Гляциолог-гидролог, Инд өзенінің жоғарғы алабын зерттейді.")),
    ("b.rakhimov@example.org", "H.E.", "Bakhtiyor", "Rakhimov", "Minister of Water Resources",
     "Government of Uzbekistan", "UZ", _t("Oversees the modernisation of irrigation canals in Uzbekistan.",
        "Курирует модернизацию оросительных каналов в Узбекистане.",
        "Өзбекстандағы суару каналдарын жаңғырту жұмыстарын қадағалайды.")),
    ("n.yusupova@example.org", "Dr", "Nodira", "Yusupova", "Associate Professor",
     "Tashkent Institute of Irrigation and Agricultural Mechanization Engineers", "UZ",
     _t("Researches drought-resistant crops and water-saving technologies.",
        "Исследует засухоустойчивые культуры и водосберегающие технологии.",
        "Құрғақшылыққа төзімді дақылдар мен су үнемдейтін технологияларды зерттейді.")),
    ("a.toktogulova@example.org", "Ms", "Aizada", "Toktogulova", "Deputy Mayor for Urban Resilience",
     "Bishkek City Hall", "KG", _t("Responsible for Bishkek's heat and air quality action plan.",
        "Отвечает за план действий Бишкека по защите от жары и улучшению качества воздуха.",
        "Бішкектің аптап ыстықтан қорғану және ауа сапасын жақсарту жөніндегі іс-қимыл жоспарына жауапты.")),
    ("k.abdrakhmanov@example.org", "Dr", "Kubanychbek", "Abdrakhmanov", "Senior Researcher",
     "Central Asian Institute for Applied Geosciences", "KG",
     _t("Builds early-warning systems for mudflows and glacial lake outbursts.",
        "Создаёт системы раннего оповещения о селях и прорывах ледниковых озёр.",
        "Сел мен мұздық көлдерінің жарылуы туралы ерте ескерту жүйелерін жасайды.")),
    ("f.sharipov@example.org", "H.E.", "Farrukh", "Sharipov", "Chairman",
     "Committee for Environmental Protection, Tajikistan", "TJ",
     _t("Coordinates Tajikistan's national adaptation plan.",
        "Координирует национальный план адаптации Таджикистана.",
        "Тәжікстанның ұлттық бейімделу жоспарын үйлестіреді.")),
    ("z.nazarova@example.org", "Dr", "Zarina", "Nazarova", "Glaciologist",
     "Pamir Centre for Mountain Research", "TJ", _t("Monitors the Fedchenko glacier with satellite data.",
        "Следит за ледником Федченко по спутниковым данным.",
        "Федченко мұздығын жерсерік деректері арқылы бақылайды.")),
    ("e.lindqvist@example.org", "Ms", "Elin", "Lindqvist", "Regional Climate Finance Adviser",
     "United Nations Development Programme", "SE", _t("Advises governments on access to climate funds.",
        "Консультирует правительства по вопросам доступа к климатическим фондам.",
        "Үкіметтерге климаттық қорлардың қаражатына қол жеткізу мәселелері бойынша кеңес береді.")),
    ("r.mehta@example.org", "Mr", "Rohan", "Mehta", "Lead Water Specialist", "World Bank", "IN",
     _t("Has prepared irrigation and water supply projects across Central and South Asia.",
        "Готовил проекты орошения и водоснабжения в странах Центральной и Южной Азии.",
        "Орталық және Оңтүстік Азия елдерінде суару және сумен жабдықтау жобаларын әзірлеген.")),
    ("m.dubois@example.org", "Dr", "Marie", "Dubois", "Environmental Affairs Officer",
     "United Nations Economic Commission for Europe", "FR",
     _t("Works on the Water Convention and transboundary cooperation.",
        "Занимается Конвенцией по водам и трансграничным сотрудничеством.",
        "Су конвенциясы және трансшекаралық ынтымақтастық мәселелерімен айналысады.")),
    ("t.nakamura@example.org", "Mr", "Takeshi", "Nakamura", "Principal Climate Change Specialist",
     "Asian Development Bank", "JP", _t("Designs blended finance for adaptation projects.",
        "Разрабатывает схемы смешанного финансирования проектов по адаптации.",
        "Бейімделу жобаларын аралас қаржыландыру схемаларын әзірлейді.")),
]

# session title, [(email, role, state)] in order
ASSIGNMENTS = [
    ("Opening ceremony", [("a.zhaksylykov@example.org", R.keynote, S.accepted)]),
    ("Central Asia's climate and water future", [
        ("m.dubois@example.org", R.chair, S.accepted), ("a.zhaksylykov@example.org", R.panelist, S.accepted),
        ("b.rakhimov@example.org", R.panelist, S.accepted), ("s.rehman@example.org", R.panelist, S.accepted),
        ("f.sharipov@example.org", R.panelist, S.invited)]),
    ("Transboundary water cooperation in the Aral Sea basin", [
        (SPEAKER_EMAIL, R.chair, S.accepted), ("g.ismailova@example.org", R.panelist, S.accepted),
        ("m.dubois@example.org", R.panelist, S.accepted), ("r.mehta@example.org", R.rapporteur, S.invited)]),
    ("Satellites and AI for glacier monitoring", [
        ("z.nazarova@example.org", R.presenter, S.accepted), ("i.qureshi@example.org", R.presenter, S.accepted),
        ("k.abdrakhmanov@example.org", R.chair, S.declined)]),
    ("Climate-resilient cities: heat, floods and mudflows", [
        ("a.toktogulova@example.org", R.presenter, S.accepted), ("k.abdrakhmanov@example.org", R.panelist, S.invited)]),
    ("Irrigation efficiency and water-saving technologies", [
        ("n.yusupova@example.org", R.presenter, S.accepted), ("g.ismailova@example.org", R.chair, S.accepted),
        (SPEAKER_EMAIL, R.rapporteur, S.invited)]),
    ("Ministerial dialogue on green finance", [
        ("e.lindqvist@example.org", R.chair, S.accepted), ("s.rehman@example.org", R.panelist, S.accepted),
        ("t.nakamura@example.org", R.panelist, S.accepted), ("r.mehta@example.org", R.panelist, S.withdrawn)]),
    ("Keynote: financing the transition in Central Asia", [("t.nakamura@example.org", R.keynote, S.accepted)]),
    ("Glacier melt and the future of the Syr Darya and Amu Darya", [
        ("i.qureshi@example.org", R.panelist, S.accepted), ("z.nazarova@example.org", R.panelist, S.invited),
        (SPEAKER_EMAIL, R.panelist, S.invited)]),
    ("Blended finance for adaptation projects", [
        ("t.nakamura@example.org", R.presenter, S.accepted), ("e.lindqvist@example.org", R.panelist, S.invited)]),
    ("Towards a regional water security compact", [
        (SPEAKER_EMAIL, R.keynote, S.accepted), ("b.rakhimov@example.org", R.panelist, S.accepted),
        ("f.sharipov@example.org", R.panelist, S.accepted)]),
    ("Early-warning systems for mudflows and floods", [
        ("k.abdrakhmanov@example.org", R.presenter, S.accepted), ("a.toktogulova@example.org", R.chair, S.invited)]),
]


def _person(email, honorific, given, family, position, organisation, country) -> User:
    user = User.by_email(email)
    if user is None:
        user = create_user(email=email, password=DEMO_PASSWORD, honorific=honorific, given_name=given,
                           family_name=family, position=position, organisation=organisation, country=country)
    return user


def seed(event) -> list[tuple[str, str]]:
    """Give the demo agenda's sessions their speakers (once) and refresh the public agenda."""
    people = {}
    for email, honorific, given, family, position, organisation, country, bio in PEOPLE:
        user = _person(email, honorific, given, family, position, organisation, country)
        people[email] = user
        if db.session.scalar(select(SpeakerProfile.id).where(SpeakerProfile.event_id == event.id,
                                                             SpeakerProfile.user_id == user.id)) is None:
            db.session.add(SpeakerProfile(event_id=event.id, user_id=user.id, bio=bio, links=[]))
    db.session.flush()
    accounts = [(SPEAKER_EMAIL, "speaker with accepted and invited sessions")]
    if db.session.scalar(select(func.count(SpeakerAssignment.id)).where(SpeakerAssignment.event_id == event.id)):
        return accounts
    # Sessions are known by their English titles.
    sessions = {text_in(s.title, "en"): s
                for s in db.session.scalars(select(AgendaSession).where(AgendaSession.event_id == event.id))}
    now = utcnow()
    for title, speakers in ASSIGNMENTS:
        session = sessions.get(title)
        if session is None:
            continue
        for position, (email, role, state) in enumerate(speakers):
            answered = state != S.invited
            db.session.add(SpeakerAssignment(
                event_id=event.id, session_id=session.id, user_id=people[email].id, role=role, position=position,
                state=state, invited_at=now - timedelta(days=10 if state == S.invited else 20),
                answered_at=now - timedelta(days=12) if answered else None,
                decline_reason={S.declined: "Field work in the Pamirs that week.",
                                S.withdrawn: "Another mission was scheduled at the same time."}.get(state, "")))
    # The demo speaker can only come for the second half of the summit: one of her
    # invitations falls outside, so the conflicts page has something to show.
    profile = db.session.scalar(select(SpeakerProfile).where(SpeakerProfile.event_id == event.id,
                                                             SpeakerProfile.user_id == people[SPEAKER_EMAIL].id))
    if profile is not None and profile.available_from is None:
        start: date = event.start_date
        profile.available_from = start + timedelta(days=1)
        profile.available_until = event.end_date
    db.session.flush()
    invalidate_public_cache(event)
    return accounts
