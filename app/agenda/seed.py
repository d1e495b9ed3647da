"""Demo agenda of the Regional Ecological Summit: about 40 sessions over three days in six rooms,
each title and abstract in English, Russian and Kazakh.

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
from app.utils.translated import Translated, text_in

PLENARY, WATER, CLIMATE, INNOVATION, WORKSHOP, BILATERAL = (
    "Main Plenary Hall", "Hall A: Water", "Hall B: Climate", "Hall C: Innovation", "Workshop Room 1",
    "Bilateral Meeting Room")
W, C, AI, GF, EG = ("Water security", "Climate adaptation", "AI for climate monitoring", "Green finance",
                    "E-governance")


def _t(en: str, ru: str, kk: str) -> Translated:
    """A text written in English first, then in Russian and Kazakh."""
    return Translated({"en": en, "ru": ru, "kk": kk}, "en")


NO_TEXT = _t("", "", "")
CLOSED = _t("Closed meeting.", "Закрытая встреча.", "Жабық кездесу.")
COFFEE = _t("Coffee break", "Кофе-брейк", "Кофе үзілісі")
LUNCH = _t("Lunch", "Обед", "Түскі ас")

# (day 0-2, start, end, room, type, track, sdgs, title, abstract, visibility)
SESSIONS = [
    (0, "08:00", "09:00", PLENARY, T.break_, None, [],
     _t("Registration and welcome coffee", "Регистрация участников и приветственный кофе",
        "Қатысушыларды тіркеу және қарсы алу кофесі"), NO_TEXT, "published"),
    (0, "09:00", "10:00", PLENARY, T.ceremony, None, [6, 11, 13, 15],
     _t("Opening ceremony", "Церемония открытия", "Ашылу салтанаты"),
     _t("Welcome by the host government and the summit secretariat.",
        "Приветственное слово правительства принимающей страны и секретариата саммита.",
        "Қабылдаушы ел үкіметі мен саммит хатшылығының құттықтау сөзі."), "published"),
    (0, "10:00", "11:30", PLENARY, T.high_level_panel, C, [6, 13],
     _t("Central Asia's climate and water future", "Климат и вода Центральной Азии: взгляд в будущее",
        "Орталық Азияның климаты мен суы: болашаққа көзқарас"),
     _t("Heads of delegation on **what the region must agree on** before COP32.",
        "Главы делегаций о том, **о чём странам региона нужно договориться** до COP32.",
        "Делегация басшылары COP32-ге дейін **өңір елдері неге келісуі керек** екенін талқылайды."),
     "published"),
    (0, "11:30", "12:00", PLENARY, T.break_, None, [], COFFEE, NO_TEXT, "published"),
    (0, "12:00", "13:30", WATER, T.panel, W, [6],
     _t("Transboundary water cooperation in the Aral Sea basin",
        "Трансграничное водное сотрудничество в бассейне Аральского моря",
        "Арал теңізі алабындағы трансшекаралық су ынтымақтастығы"),
     _t("Sharing the Syr Darya and Amu Darya: treaties, data exchange and joint monitoring.",
        "Совместное использование Сырдарьи и Амударьи: договоры, обмен данными и совместный мониторинг.",
        "Сырдария мен Әмударияның суын бөлісу: келісімдер, деректер алмасу және бірлескен мониторинг."),
     "published"),
    (0, "12:00", "13:30", CLIMATE, T.panel, C, [11, 13],
     _t("Climate-resilient cities: heat, floods and mudflows",
        "Климатически устойчивые города: жара, наводнения и сели",
        "Климатқа төзімді қалалар: аптап ыстық, су тасқыны және сел"),
     _t("Mayors and planners compare adaptation plans for Almaty, Bishkek, Dushanbe and Tashkent.",
        "Мэры и градостроители сравнивают планы адаптации Алматы, Бишкека, Душанбе и Ташкента.",
        "Қала әкімдері мен сәулетшілер Алматы, Бішкек, Душанбе және Ташкенттің бейімделу жоспарларын "
        "салыстырады."), "published"),
    (0, "12:00", "13:30", INNOVATION, T.panel, AI, [6, 13],
     _t("Satellites and AI for glacier monitoring", "Спутники и ИИ для мониторинга ледников",
        "Мұздықтарды бақылауға арналған жерсеріктер мен жасанды интеллект"),
     _t("How machine learning on satellite imagery tracks the retreat of Tien Shan and Pamir glaciers.",
        "Как машинное обучение на спутниковых снимках помогает следить за отступанием ледников Тянь-Шаня "
        "и Памира.",
        "Жерсерік түсірілімдеріне қолданылатын машиналық оқыту Тянь-Шань мен Памир мұздықтарының шегінуін "
        "қалай бақылайды."), "published"),
    (0, "12:00", "13:30", WORKSHOP, T.workshop, C, [13],
     _t("Workshop: building a national adaptation plan",
        "Практический семинар: как разработать национальный план адаптации",
        "Практикалық семинар: ұлттық бейімделу жоспарын әзірлеу"),
     _t("A hands-on session with the NAP Global Network. Places are limited.",
        "Практическое занятие с Глобальной сетью НПА (NAP Global Network). Количество мест ограничено.",
        "NAP Global Network желісімен бірге өтетін практикалық сабақ. Орын саны шектеулі."), "published"),
    (0, "13:30", "14:30", PLENARY, T.break_, None, [], LUNCH, NO_TEXT, "published"),
    (0, "14:30", "16:00", WATER, T.panel, W, [6, 15],
     _t("Irrigation efficiency and water-saving technologies", "Эффективность орошения и водосберегающие технологии",
        "Суару тиімділігі және су үнемдейтін технологиялар"),
     _t("Drip irrigation, canal lining and water pricing: what worked in the region.",
        "Капельное орошение, облицовка каналов и тарифы на воду: что сработало в регионе.",
        "Тамшылатып суару, арналарды қаптау және су тарифтері: өңірде не нәтиже берді."), "published"),
    (0, "14:30", "16:00", CLIMATE, T.roundtable, C, [13, 15],
     _t("Drought early warning for farmers", "Раннее оповещение фермеров о засухе",
        "Фермерлерге құрғақшылық туралы ерте ескерту"),
     _t("Extension services, SMS alerts and index insurance.",
        "Сельскохозяйственное консультирование, SMS-оповещения и индексное страхование.",
        "Ауыл шаруашылығы бойынша кеңес беру, SMS-хабарламалар және индекстік сақтандыру."), "published"),
    (0, "14:30", "16:00", INNOVATION, T.panel, EG, [11, 13],
     _t("Open climate data platforms", "Платформы открытых климатических данных",
        "Ашық климаттық деректер платформалары"),
     _t("Publishing hydrometeorological data as open data.",
        "Публикация гидрометеорологических данных в виде открытых данных.",
        "Гидрометеорологиялық деректерді ашық деректер ретінде жариялау."), "published"),
    (0, "14:30", "15:15", BILATERAL, T.bilateral, W, [6],
     _t("Bilateral meeting: water ministers of the region",
        "Двусторонняя встреча министров водного хозяйства региона",
        "Өңір елдерінің су шаруашылығы министрлерінің екіжақты кездесуі"), CLOSED, "restricted"),
    (0, "16:30", "18:00", PLENARY, T.high_level_panel, GF, [13],
     _t("Ministerial dialogue on green finance", "Министерский диалог по зелёному финансированию",
        "Жасыл қаржыландыру жөніндегі министрлер диалогы"),
     _t("Finance and environment ministers with the multilateral development banks.",
        "Министры финансов и экологии с представителями многосторонних банков развития.",
        "Қаржы және экология министрлері көпжақты даму банктерінің өкілдерімен бірге."), "published"),
    (0, "18:30", "20:00", INNOVATION, T.side_event, AI, [13],
     _t("Side event: youth climate innovation showcase",
        "Параллельное мероприятие: выставка молодёжных климатических инноваций",
        "Қатарлас іс-шара: жастардың климаттық инновациялар көрмесі"),
     _t("Student teams present sensors, apps and models.",
        "Студенческие команды представляют датчики, приложения и модели.",
        "Студенттер командалары өздері жасаған датчиктерді, қосымшалар мен модельдерді таныстырады."),
     "published"),
    (1, "09:00", "10:30", PLENARY, T.plenary, GF, [13],
     _t("Keynote: financing the transition in Central Asia",
        "Ключевой доклад: финансирование энергетического перехода в Центральной Азии",
        "Негізгі баяндама: Орталық Азиядағы энергетикалық көшуді қаржыландыру"),
     _t("Where the money for low-carbon energy, water and resilient infrastructure will come from.",
        "Откуда возьмутся средства на низкоуглеродную энергетику, водное хозяйство и устойчивую инфраструктуру.",
        "Төмен көміртекті энергетикаға, су шаруашылығына және төзімді инфрақұрылымға қаражат қайдан "
        "табылады."), "published"),
    (1, "10:30", "11:00", PLENARY, T.break_, None, [], COFFEE, NO_TEXT, "published"),
    (1, "11:00", "12:30", WATER, T.panel, W, [6, 13],
     _t("Glacier melt and the future of the Syr Darya and Amu Darya",
        "Таяние ледников и будущее Сырдарьи и Амударьи",
        "Мұздықтардың еруі және Сырдария мен Әмударияның болашағы"),
     _t("What shrinking glaciers mean for river flow, hydropower and irrigation by 2050.",
        "Что сокращение ледников будет означать для стока рек, гидроэнергетики и орошения к 2050 году.",
        "Мұздықтардың азаюы 2050 жылға қарай өзен ағынына, гидроэнергетикаға және суаруға қалай әсер етеді."),
     "published"),
    (1, "11:00", "12:30", CLIMATE, T.panel, C, [15],
     _t("Protecting steppe and mountain ecosystems", "Сохранение степных и горных экосистем",
        "Дала және тау экожүйелерін қорғау"),
     _t("Saiga, snow leopards and the rangelands they depend on.",
        "Сайгаки, снежные барсы и пастбища, без которых им не выжить.",
        "Ақбөкен, барыс және олардың тіршілігі тәуелді жайылымдар."), "published"),
    (1, "11:00", "12:30", INNOVATION, T.panel, AI, [11, 13],
     _t("Machine learning for air quality forecasting", "Машинное обучение для прогноза качества воздуха",
        "Ауа сапасын болжауға арналған машиналық оқыту"),
     _t("Winter smog in the region's capitals and what forecasting can do about it.",
        "Зимний смог в столицах региона и чем здесь может помочь прогнозирование.",
        "Өңір астаналарындағы қысқы түтінді тұман және болжау бұл мәселеде қалай көмектесе алады."),
     "published"),
    (1, "11:00", "12:30", WORKSHOP, T.workshop, GF, [13],
     _t("Workshop: green bond frameworks for issuers",
        "Практический семинар: концепция зелёных облигаций для эмитентов",
        "Практикалық семинар: эмитенттерге арналған жасыл облигациялар тұжырымдамасы"),
     _t("From the framework to the second-party opinion, with the Astana International Financial Centre.",
        "От концепции выпуска до заключения второй стороны, вместе с Международным финансовым центром «Астана».",
        "Шығарылым тұжырымдамасынан екінші тараптың қорытындысына дейін, «Астана» халықаралық қаржы "
        "орталығымен бірге."), "published"),
    (1, "12:30", "13:30", PLENARY, T.break_, None, [], LUNCH, NO_TEXT, "published"),
    (1, "13:30", "15:00", WATER, T.roundtable, W, [6],
     _t("Roundtable: the water-energy-food nexus", "Круглый стол: взаимосвязь воды, энергии и продовольствия",
        "Дөңгелек үстел: су, энергия және азық-түлік арасындағы байланыс"),
     _t("Hydropower upstream, irrigation downstream: how the countries of a basin share the benefits.",
        "Гидроэнергетика в верховьях, орошение в низовьях: как странам одного бассейна делить выгоды.",
        "Жоғарғы ағыста гидроэнергетика, төменгі ағыста суару: бір алаптағы елдер пайданы қалай бөліседі."),
     "published"),
    (1, "13:30", "15:00", CLIMATE, T.panel, GF, [13],
     _t("Blended finance for adaptation projects", "Смешанное финансирование проектов по адаптации",
        "Бейімделу жобаларын аралас қаржыландыру"),
     _t("Public and private money together, so that adaptation projects find lenders.",
        "Как сочетать государственные и частные средства, чтобы проекты по адаптации получали кредиты.",
        "Бейімделу жобалары несие ала алуы үшін мемлекеттік және жеке қаражатты қалай ұштастыруға болады."),
     "published"),
    (1, "13:30", "15:00", INNOVATION, T.panel, EG, [11],
     _t("Digital twins for city resilience", "Цифровые двойники для устойчивости городов",
        "Қалалардың төзімділігіне арналған цифрлық егіздер"),
     _t("City models that test heat, flood and traffic scenarios before any money is spent.",
        "Цифровые модели городов, на которых сценарии жары, паводков и транспорта проверяют до того, как "
        "потрачены деньги.",
        "Қаражат жұмсалмай тұрып, аптап ыстық, су тасқыны және көлік сценарийлерін сынап көретін қала "
        "модельдері."), "published"),
    (1, "13:30", "15:00", WORKSHOP, T.workshop, AI, [13, 15],
     _t("Workshop: satellite data with open-source tools",
        "Практический семинар: спутниковые данные и открытые инструменты",
        "Практикалық семинар: жерсерік деректері және ашық бастапқы кодты құралдар"),
     _t("Bring a laptop: Sentinel-2 imagery, QGIS and Python notebooks.",
        "Возьмите с собой ноутбук: снимки Sentinel-2, QGIS и блокноты Python.",
        "Ноутбугіңізді ала келіңіз: Sentinel-2 түсірілімдері, QGIS және Python блокноттары."), "published"),
    (1, "15:30", "17:00", PLENARY, T.high_level_panel, EG, [11, 13],
     _t("High-level panel: e-governance for environmental transparency",
        "Дискуссия высокого уровня: электронное управление ради экологической прозрачности",
        "Жоғары деңгейдегі талқылау: экологиялық ашықтыққа қызмет ететін электрондық басқару"),
     _t("Public registers of emissions, permits and inspections: what citizens can already see.",
        "Открытые реестры выбросов, разрешений и проверок: что граждане могут увидеть уже сегодня.",
        "Шығарындылардың, рұқсаттар мен тексерулердің ашық тізілімдері: азаматтар бүгін не көре алады."),
     "published"),
    (1, "15:30", "16:15", BILATERAL, T.bilateral, GF, [13],
     _t("Bilateral meeting: development partners", "Двусторонняя встреча с партнёрами по развитию",
        "Даму жөніндегі серіктестермен екіжақты кездесу"), CLOSED, "draft"),
    (1, "17:00", "18:30", CLIMATE, T.side_event, C, [13],
     _t("Side event: women leaders in climate action",
        "Параллельное мероприятие: женщины-лидеры в борьбе с изменением климата",
        "Қатарлас іс-шара: климат саласындағы әйел көшбасшылар"),
     _t("Ministers, scientists and entrepreneurs on leading climate work in the region.",
        "Министры, учёные и предприниматели рассказывают, как они руководят климатической работой в регионе.",
        "Министрлер, ғалымдар мен кәсіпкерлер өңірдегі климаттық жұмысты басқару тәжірибесімен бөліседі."),
     "published"),
    (2, "09:00", "10:30", PLENARY, T.high_level_panel, W, [6],
     _t("Towards a regional water security compact", "На пути к региональному пакту о водной безопасности",
        "Су қауіпсіздігі жөніндегі өңірлік пактіге қарай"),
     _t("What a compact the region's governments could sign in Astana would contain.",
        "Каким может быть пакт, который правительства стран региона могли бы подписать в Астане.",
        "Өңір елдерінің үкіметтері Астанада қол қоя алатын пакт қандай болуы мүмкін."), "published"),
    (2, "10:30", "11:00", PLENARY, T.break_, None, [], COFFEE, NO_TEXT, "published"),
    (2, "11:00", "12:30", WATER, T.panel, W, [6],
     _t("Safe drinking water and sanitation in rural areas",
        "Безопасная питьевая вода и санитария в сельской местности",
        "Ауылдық жерлердегі қауіпсіз ауыз су және санитария"),
     _t("Village water supply that keeps working after the project ends.",
        "Сельское водоснабжение, которое продолжает работать и после завершения проекта.",
        "Жоба аяқталғаннан кейін де жұмысын тоқтатпайтын ауылдық сумен жабдықтау."), "published"),
    (2, "11:00", "12:30", CLIMATE, T.panel, GF, [13],
     _t("Carbon markets and Article 6 cooperation", "Углеродные рынки и сотрудничество по статье 6",
        "Көміртек нарықтары және 6-бап бойынша ынтымақтастық"),
     _t("How Article 6 of the Paris Agreement lets countries trade emission reductions.",
        "Как статья 6 Парижского соглашения позволяет странам торговать сокращениями выбросов.",
        "Париж келісімінің 6-бабы елдерге шығарындыларды қысқарту нәтижелерін сатуға қалай мүмкіндік береді."),
     "published"),
    (2, "11:00", "12:30", INNOVATION, T.roundtable, AI, [13],
     _t("AI ethics and data sovereignty in climate monitoring",
        "Этика ИИ и суверенитет данных в мониторинге климата",
        "Климат мониторингіндегі жасанды интеллект этикасы және деректер егемендігі"),
     _t("Who owns the data that sensors and satellites collect over a country, and who may train models on it.",
        "Кому принадлежат данные, которые датчики и спутники собирают над территорией страны, и кто вправе "
        "обучать на них модели.",
        "Ел аумағында датчиктер мен жерсеріктер жинайтын деректер кімге тиесілі және оларға модельдерді кім "
        "оқыта алады."), "published"),
    (2, "11:00", "12:30", WORKSHOP, T.workshop, EG, [11],
     _t("Workshop: e-permits and digital environmental licensing",
        "Практический семинар: электронные разрешения и цифровое экологическое лицензирование",
        "Практикалық семинар: электрондық рұқсаттар және цифрлық экологиялық лицензиялау"),
     _t("An environmental permit issued online, step by step from the application to the inspection.",
        "Экологическое разрешение онлайн: шаг за шагом от заявки до проверки.",
        "Онлайн берілетін экологиялық рұқсат: өтінімнен тексеруге дейін кезең-кезеңімен."), "published"),
    (2, "12:30", "13:30", PLENARY, T.break_, None, [], LUNCH, NO_TEXT, "published"),
    (2, "13:30", "15:00", WATER, T.panel, W, [6, 15],
     _t("Restoring the Aral Sea region", "Восстановление Приаралья", "Арал өңірін қалпына келтіру"),
     _t("The Kokaral dam, saxaul planted on the dry seabed and the return of fishing.",
        "Кокаральская плотина, посадки саксаула на осушенном дне и возвращение рыболовства.",
        "Көкарал бөгеті, құрғаған теңіз табанына егілген сексеуіл және балық кәсібінің қайта оралуы."),
     "published"),
    (2, "13:30", "15:00", CLIMATE, T.panel, C, [13, 15],
     _t("Adaptation in agriculture: drought-resistant crops",
        "Адаптация в сельском хозяйстве: засухоустойчивые культуры",
        "Ауыл шаруашылығындағы бейімделу: құрғақшылыққа төзімді дақылдар"),
     _t("Seed varieties, crop rotation and what farmers need to make the switch.",
        "Сорта семян, севооборот и что нужно фермерам, чтобы перейти на новые культуры.",
        "Тұқым сорттары, ауыспалы егіс және фермерлерге жаңа дақылдарға көшу үшін не қажет."), "published"),
    (2, "13:30", "15:00", INNOVATION, T.panel, AI, [11, 13],
     _t("Early-warning systems for mudflows and floods", "Системы раннего оповещения о селях и паводках",
        "Сел мен су тасқыны туралы ерте ескерту жүйелері"),
     _t("Sensors in mountain valleys, forecast models and the last mile to the people at risk.",
        "Датчики в горных долинах, прогнозные модели и «последняя миля» до людей в зоне риска.",
        "Тау аңғарларындағы датчиктер, болжам модельдері және қауіп аймағындағы адамдарға жететін "
        "«соңғы шақырым»."), "published"),
    (2, "15:30", "16:30", PLENARY, T.plenary, None, [6, 11, 13, 15],
     _t("Presentation of the Astana Declaration", "Представление Астанинской декларации",
        "Астана декларациясының таныстырылымы"),
     _t("The summit's outcome document, presented by the host country and open for endorsement.",
        "Итоговый документ саммита: его представляет принимающая страна, и к нему может присоединиться "
        "каждая делегация.",
        "Саммиттің қорытынды құжаты: оны қабылдаушы ел таныстырады, оған әр делегация қосыла алады."),
     "published"),
    (2, "16:30", "17:15", PLENARY, T.ceremony, None, [],
     _t("Closing ceremony", "Церемония закрытия", "Жабылу салтанаты"),
     _t("Closing words by the host government and the summit secretariat.",
        "Заключительное слово правительства принимающей страны и секретариата саммита.",
        "Қабылдаушы ел үкіметі мен саммит хатшылығының қорытынды сөзі."), "published"),
]


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def seed(event) -> list[tuple[str, str]]:
    """Add the demo sessions to `event` (once) and publish them."""
    if db.session.scalar(select(func.count(AgendaSession.id)).where(AgendaSession.event_id == event.id)):
        return []
    # Rooms and tracks are known by their English names.
    rooms = {text_in(r.name, "en"): r for r in db.session.scalars(select(Room).where(Room.event_id == event.id))}
    tracks = {text_in(t.name, "en"): t for t in db.session.scalars(select(Track).where(Track.event_id == event.id))}
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
