"""Demo registration data for the Astana summit: categories and custom questions (in
English, Russian and Kazakh), the privacy notice, a Pakistan government delegation, a
demo delegate and registrations in several states.

Idempotent: what exists is left alone, what is missing is added.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.accounts.models import User
from app.accounts.services import create_user
from app.extensions import db
from app.registration import services
from app.registration.models import ApprovalMode, Category, Question, QuestionKind as Q, Registration
from app.utils.translated import Translated, text_in

DEMO_PASSWORD = "summit-demo"
M, A = ApprovalMode.moderated, ApprovalMode.auto



def _t(en: str, ru: str, kk: str) -> Translated:
    """A text written in English first, then in Russian and Kazakh."""
    return Translated({"en": en, "ru": ru, "kk": kk}, "en")


# name, approval, invite only, capacity, protocol rank, description
CATEGORIES = [
    (_t("Government delegation", "Правительственная делегация", "Үкіметтік делегация"), M, True, 250, 10,
     _t("Ministers, officials and members of national delegations.",
        "Министры, должностные лица и члены национальных делегаций.",
        "Министрлер, лауазымды тұлғалар және ұлттық делегациялардың мүшелері.")),
    (_t("Diplomatic corps", "Дипломатический корпус", "Дипломатиялық корпус"), M, True, 120, 20,
     _t("Ambassadors and members of diplomatic missions.", "Послы и сотрудники дипломатических представительств.",
        "Елшілер мен дипломатиялық өкілдіктердің қызметкерлері.")),
    (_t("Climate expert / academia", "Эксперты по климату и научное сообщество",
        "Климат сарапшылары және ғылыми қауымдастық"), A, False, 300, 40,
     _t("Researchers, universities and independent experts.", "Исследователи, университеты и независимые эксперты.",
        "Зерттеушілер, университеттер және тәуелсіз сарапшылар.")),
    (_t("Environmental organisation", "Экологическая организация", "Экологиялық ұйым"), A, False, 200, 50,
     _t("NGOs and civil society working on the environment.",
        "НКО и гражданское общество, работающие в сфере охраны окружающей среды.",
        "Қоршаған ортаны қорғау саласында жұмыс істейтін ҮЕҰ мен азаматтық қоғам.")),
    (_t("Development partner", "Партнёр по развитию", "Даму жөніндегі серіктес"), A, False, 150, 30,
     _t("Development banks, UN agencies and donors.", "Банки развития, учреждения ООН и доноры.",
        "Даму банктері, БҰҰ агенттіктері және донорлар.")),
    (_t("Private sector", "Частный сектор", "Жеке сектор"), A, False, 150, 60,
     _t("Companies and business associations.", "Компании и деловые объединения.",
        "Компаниялар мен іскерлік бірлестіктер.")),
    (_t("Media", "СМИ", "БАҚ"), M, False, 80, 70,
     _t("Accredited journalists, photographers and camera crews.",
        "Аккредитованные журналисты, фотографы и съёмочные группы.",
        "Аккредиттелген журналистер, фотографтар және түсірілім топтары.")),
    (_t("Observer", "Наблюдатель", "Бақылаушы"), M, False, 60, 80,
     _t("Observers admitted by the secretariat.", "Наблюдатели, допущенные секретариатом.",
        "Хатшылық рұқсат берген бақылаушылар.")),
]

def _choice(en: str, ru: str, kk: str) -> dict[str, str]:
    """A choice of a question, kept in the question's list of choices: {language: text}."""
    return {"en": en, "ru": ru, "kk": kk}


# The demo's custom questions: label, help text, kind, choices (none are required, so a
# registration without answers stays complete).
QUESTIONS = [
    (_t("Which field visit would you like to join on 24 April?",
        "В какой ознакомительной поездке 24 апреля вы хотели бы участвовать?",
        "24 сәуірде қай танысу сапарына қатысқыңыз келеді?"),
     _t("Places are limited; the secretariat confirms by email.",
        "Количество мест ограничено; секретариат подтвердит участие по электронной почте.",
        "Орын саны шектеулі; хатшылық қатысуыңызды электрондық пошта арқылы растайды."),
     Q.choice, [
         _choice("Astana botanical garden and the Yesil river embankment",
            "Ботанический сад Астаны и набережная реки Есиль",
            "Астана ботаникалық бағы және Есіл өзенінің жағалауы"),
         _choice("Korgalzhyn nature reserve (a full day)", "Коргалжынский заповедник (на весь день)",
            "Қорғалжын қорығы (күні бойы)"),
         _choice("No field visit", "Без ознакомительной поездки", "Танысу сапарына қатыспаймын"),
     ]),
    (_t("Which topics matter most to your work?", "Какие темы наиболее важны для вашей работы?",
        "Жұмысыңыз үшін қай тақырыптар маңызды?"),
     _t("Choose any; the programme team uses the answers to size the rooms.",
        "Можно выбрать несколько; программная служба учитывает ответы при распределении залов.",
        "Бірнешеуін таңдауға болады; бағдарлама қызметі залдарды бөлгенде жауаптарды ескереді."),
     Q.multi, [
         _choice("Water security", "Водная безопасность", "Су қауіпсіздігі"),
         _choice("Climate adaptation", "Адаптация к изменению климата", "Климаттың өзгеруіне бейімделу"),
         _choice("AI for climate monitoring", "ИИ для мониторинга климата",
                 "Климат мониторингіндегі жасанды интеллект"),
         _choice("Green finance", "Зелёное финансирование", "Жасыл қаржыландыру"),
         _choice("E-governance", "Электронное управление", "Электрондық басқару"),
     ]),
    (_t("Will you attend the welcome reception on 21 April?",
        "Будете ли вы на приветственном приёме 21 апреля?",
        "21 сәуірдегі қарсы алу қабылдауына қатысасыз ба?"),
     _t("The reception starts at 19:00 at the Palace of Independence.",
        "Приём начинается в 19:00 во Дворце Независимости.",
        "Қабылдау Тәуелсіздік сарайында сағат 19:00-де басталады."),
     Q.yesno, []),
]

DELEGATE = dict(honorific="Dr", given_name="Aliya", family_name="Serikova", organisation="Nazarbayev University",
                position="Professor of Hydrology", country="KZ", nationality="KZ", phone="+7 701 555 01 02",
                languages=["kk", "ru", "en"], dietary="", accessibility="", arrival_date=date(2027, 4, 20),
                departure_date=date(2027, 4, 24), visa_letter_needed=False, public_listing=True)

# email, category, details, what happens after submission
OTHERS = [
    ("amina.diallo@example.org", "Environmental organisation",
     dict(honorific="Ms", given_name="Amina", family_name="Diallo", organisation="Green Steppe Alliance",
          position="Programme director", country="SN", nationality="SN", languages=["fr", "en"]), None),
    ("kenji.sato@example.org", "Media",
     dict(honorific="Mr", given_name="Kenji", family_name="Sato", organisation="Asia Climate Review",
          position="Correspondent", country="JP", nationality="JP", languages=["ja", "en"]), None),
    ("elena.petrova@example.org", "Observer",
     dict(honorific="Ms", given_name="Elena", family_name="Petrova", organisation="Independent",
          position="Consultant", country="RU", nationality="RU", languages=["ru"]), "waitlist"),
    ("tom.becker@example.org", "Private sector",
     dict(honorific="Mr", given_name="Tom", family_name="Becker", organisation="SolarGrid GmbH",
          position="CEO", country="DE", nationality="DE", languages=["de", "en"], visa_letter_needed=True,
          passport_number="C01X00T47", passport_expiry=date(2031, 6, 30), date_of_birth=date(1979, 2, 14),
          place_of_birth="Hamburg"), "cancel"),
    ("media.rejected@example.org", "Media",
     dict(honorific="Mr", given_name="Ivan", family_name="Ivanov", organisation="Unknown blog",
          position="Writer", country="KZ", nationality="KZ", languages=["ru"]), "reject"),
    # Approved at once (automatic categories), so the public participant list has people
    # from several countries; the last one did not agree to be listed.
    ("gulnora.karimova@example.org", "Development partner",
     dict(honorific="Ms", given_name="Gulnora", family_name="Karimova", organisation="Central Asia Water Fund",
          position="Senior water specialist", country="UZ", nationality="UZ", languages=["uz", "ru", "en"]), None),
    ("bakyt.osmonov@example.org", "Environmental organisation",
     dict(honorific="Mr", given_name="Bakyt", family_name="Osmonov", organisation="Tian Shan Glacier Watch",
          position="Field coordinator", country="KG", nationality="KG", languages=["ky", "ru"]), None),
    ("ingrid.halvorsen@example.org", "Climate expert / academia",
     dict(honorific="Prof.", given_name="Ingrid", family_name="Halvorsen", organisation="Nordic Climate Institute",
          position="Professor of Glaciology", country="NO", nationality="NO", languages=["en"]), None),
    ("arman.tokayev@example.org", "Private sector",
     dict(honorific="Mr", given_name="Arman", family_name="Tokayev", organisation="Steppe Solar LLP",
          position="Managing director", country="KZ", nationality="KZ", languages=["kk", "ru", "en"],
          public_listing=False), None),
]


def _account(email: str, **profile) -> User:
    return User.by_email(email) or create_user(email=email, password=DEMO_PASSWORD, **profile)


def _categories(event) -> dict[str, Category]:
    """The demo categories, by English name (added when missing)."""
    existing = {text_in(c.name, "en"): c
                for c in db.session.scalars(select(Category).where(Category.event_id == event.id))}
    for position, (name, approval, invite_only, capacity, rank, description) in enumerate(CATEGORIES):
        if name.get("en") not in existing:
            existing[name.get("en")] = services.save_category(event, None, dict(
                name=name, approval=approval, invite_only=invite_only, capacity=capacity, protocol_rank=rank,
                position=position, description=description, active=True), actor=None)
    return existing


def _questions(event) -> None:
    """The demo's custom questions, added while the event has none."""
    if db.session.scalar(select(Question.id).where(Question.event_id == event.id).limit(1)) is not None:
        return
    for position, (label, help_text, kind, choices) in enumerate(QUESTIONS):
        question = services.add_question(event, label=label, kind=kind, choices=choices, required=False,
                                         position=position, actor=None)
        question.help = help_text


def _register(event, user, category, data, *, actor=None):
    registration = services.live_registration(event, user)
    if registration is None:
        registration = services.create_registration(event, user, {**DELEGATE, **data}, category=category,
                                                    actor=actor or user)
    return registration


PRIVACY_NOTICE = {"en": """\
The secretariat of the {title} (the organiser) uses the personal data you give when you
register only to organise the summit: to accredit you, print your badge, admit you on site,
write your visa-support letter if you ask for one, and plan rooms, meals and transport.

### What we collect
- **Your registration:** title, names as in your passport, organisation, position, the
  country you represent, nationality, email address, mobile phone, languages, dietary and
  accessibility needs, arrival and departure dates, and your answers to our questions.
- **A badge photo**, if you upload one.
- **Travel details** once you are approved: flights, hotel and whether you need an airport transfer.
- **Passport data**, only if you ask for a visa-support letter: passport number and expiry
  date, date and place of birth.
- **On site:** when your badge is scanned at an entrance.

### Passport data and how long we keep it
Passport data is used only to write your visa-support letter. Only you, the accreditation
service and the secretariat can see it; it is never in the participant list, on your badge or
in the programme. It is deleted **{days} days after the last day of the summit** (sooner if
your registration is cancelled or not accepted). The rest of your registration is kept for one
year after the summit for the report to our funders, then anonymised: the summit's figures keep
counting you without your name, and its published programme stays as it was.

### Who sees what
- **Accreditation and the secretariat** see your whole registration.
- **The protocol service** sees your name, title, position, organisation, country and
  delegation, to seat and greet delegations.
- **Check-in staff** see your name, photo, category and badge at the entrance.
- **A head of delegation** sees the registrations of their delegation's members.
- **Everyone else** sees nothing of you, unless you agree to the participant list.

### The participant list
If you tick "Show me in the public participant list", your title, name, position,
organisation, country and delegation appear on the summit's participant list once you are
approved. Your email address and phone number never do. You can change your mind at any time
on your registration page, and you disappear from the list at once.

### Your rights
You can see and correct your registration at any time on "My registration", cancel it,
download a copy of everything we hold about you from your account page, and ask there for your
account to be erased (it is done two weeks later, unless you cancel the request). We never sell your data or pass it to
anyone outside the organiser; a visa-support letter goes only to you, for the consulate you
show it to.

### Contact
Write to the secretariat at [{contact}](mailto:{contact}) with any question about your data.
""", "ru": """\
Секретариат мероприятия «{title}» (организатор) использует персональные данные, которые вы
указываете при регистрации, только для организации саммита: чтобы аккредитовать вас,
напечатать ваш бейдж, пропустить вас на площадку, подготовить письмо визовой поддержки, если
вы его запросите, а также спланировать залы, питание и транспорт.

### Какие данные мы собираем
- **Данные регистрации:** обращение, имя и фамилия как в паспорте, организация, должность,
  страна, которую вы представляете, гражданство, адрес электронной почты, мобильный телефон,
  языки, особенности питания и доступности, даты прибытия и отъезда, ответы на наши вопросы.
- **Фотография для бейджа**, если вы её загрузите.
- **Сведения о поездке** после одобрения заявки: рейсы, гостиница и нужен ли трансфер из аэропорта.
- **Паспортные данные** — только если вы запросите письмо визовой поддержки: номер паспорта
  и срок его действия, дата и место рождения.
- **На площадке:** время, когда ваш бейдж сканируют на входе.

### Паспортные данные и сроки хранения
Паспортные данные используются только для письма визовой поддержки. Их видите только вы,
служба аккредитации и секретариат; они никогда не попадают в список участников, на бейдж
или в программу. Они удаляются **через {days} после последнего дня саммита** (раньше,
если ваша заявка отменена или не принята). Остальные данные регистрации хранятся один год
после саммита для отчёта перед нашими донорами, а затем удаляются.

### Кто что видит
- **Служба аккредитации и секретариат** видят всю вашу заявку.
- **Протокольная служба** видит ваше имя, обращение, должность, организацию, страну и
  делегацию, чтобы рассадить и встретить делегации.
- **Сотрудники на входе** видят ваше имя, фотографию, категорию и бейдж.
- **Глава делегации** видит заявки членов своей делегации.
- **Все остальные** не видят о вас ничего, если вы не согласились на включение в список участников.

### Список участников
Если вы отметите «Показывать меня в открытом списке участников», ваше обращение, имя,
должность, организация, страна и делегация появятся в списке участников саммита после
одобрения заявки. Адрес электронной почты и номер телефона там не показываются никогда. Вы
можете передумать в любой момент на странице своей регистрации — и сразу исчезнете из списка.

### Ваши права
Вы можете в любой момент просмотреть и исправить свою заявку в разделе «Моя регистрация»,
отменить её, а также запросить у нас копию своих данных или их удаление. Мы никогда не
продаём ваши данные и не передаём их никому за пределами организатора; письмо визовой
поддержки получаете только вы — для консульства, в которое вы его предъявите.

### Контакты
С любыми вопросами о ваших данных пишите в секретариат: [{contact}](mailto:{contact}).
""", "kk": """\
«{title}» іс-шарасының хатшылығы (ұйымдастырушы) тіркелу кезінде сіз берген дербес деректерді
тек саммитті ұйымдастыру үшін пайдаланады: сізді аккредиттеу, бейджіңізді басып шығару, өтетін
орынға кіргізу, сұрасаңыз визалық қолдау хатын дайындау, сондай-ақ залдарды, тамақтану мен
көлікті жоспарлау үшін.

### Қандай деректер жинаймыз
- **Тіркеу деректері:** қаратпа сөз, паспорттағыдай аты-жөніңіз, ұйым, лауазым, сіз
  өкілдік ететін ел, азаматтық, электрондық пошта мекенжайы, ұялы телефон, тілдер, тамақтану
  және қолжетімділік бойынша қажеттіліктер, келу және кету күндері, біздің сұрақтарға жауаптарыңыз.
- **Бейджге арналған фотосурет**, егер оны жүктесеңіз.
- **Сапар туралы мәліметтер** өтінім мақұлданғаннан кейін: рейстер, қонақүй және әуежайдан
  трансфер қажет пе.
- **Паспорт деректері** — тек визалық қолдау хатын сұрасаңыз: паспорт нөмірі мен жарамдылық
  мерзімі, туған күні мен туған жері.
- **Өтетін орында:** бейджіңіз кіреберісте сканерленген уақыт.

### Паспорт деректері және сақтау мерзімі
Паспорт деректері тек визалық қолдау хатын дайындау үшін пайдаланылады. Оларды тек сіз,
аккредиттеу қызметі және хатшылық көреді; олар ешқашан қатысушылар тізіміне, бейджге немесе
бағдарламаға енбейді. Олар **саммиттің соңғы күнінен кейін {days} күн өткен соң** жойылады
(өтініміңіздің күші жойылса немесе ол қабылданбаса, ертерек). Тіркеудің қалған деректері
демеушілерімізге есеп беру үшін саммиттен кейін бір жыл сақталады, содан кейін жойылады.

### Кім нені көреді
- **Аккредиттеу қызметі мен хатшылық** өтініміңізді толық көреді.
- **Хаттама қызметі** делегацияларды орналастыру және қарсы алу үшін аты-жөніңізді, қаратпа
  сөзді, лауазымыңызды, ұйымыңызды, еліңізді және делегацияңызды көреді.
- **Кіреберістегі қызметкерлер** аты-жөніңізді, фотосуретіңізді, санатыңызды және бейджіңізді көреді.
- **Делегация басшысы** өз делегациясы мүшелерінің өтінімдерін көреді.
- **Басқалар** қатысушылар тізіміне енуге келісім бермесеңіз, сіз туралы ештеңе көрмейді.

### Қатысушылар тізімі
«Мені қатысушылардың ашық тізімінде көрсету» белгісін қойсаңыз, өтініміңіз мақұлданғаннан
кейін қаратпа сөз, аты-жөніңіз, лауазымыңыз, ұйымыңыз, еліңіз және делегацияңыз саммит
қатысушыларының тізімінде көрсетіледі. Электрондық пошта мекенжайыңыз бен телефон нөміріңіз
онда ешқашан көрсетілмейді. Тіркеу бетіңізде кез келген уақытта шешіміңізді өзгерте аласыз,
сонда тізімнен бірден шығасыз.

### Сіздің құқықтарыңыз
«Менің тіркеуім» бөлімінде өтініміңізді кез келген уақытта көріп, түзете аласыз, оның күшін
жоя аласыз, сондай-ақ деректеріңіздің көшірмесін немесе оларды жоюды сұрай аласыз. Біз
деректеріңізді ешқашан сатпаймыз және ұйымдастырушыдан тыс ешкімге бермейміз; визалық
қолдау хаты тек сізге, сіз оны көрсететін консулдық үшін беріледі.

### Байланыс
Деректеріңізге қатысты кез келген сұрақ бойынша хатшылыққа жазыңыз: [{contact}](mailto:{contact}).
"""}


def _russian_days(n: int) -> str:
    """«1 день», «3 дня», «30 дней»: the noun agrees with the number."""
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} день"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return f"{n} дня"
    return f"{n} дней"


def _privacy_notice(event) -> None:
    """The demo event's privacy notice in each of its languages, with the retention period
    its settings give and the event's name in that language; a notice organisers wrote is kept."""
    if not event.privacy_notice:
        days = services.settings_for(event).passport_retention_days
        contact = event.contact_email or "secretariat@example.org"
        event.privacy_notice = {
            lang: text.format(title=text_in(event.title, lang), contact=contact,
                              days=_russian_days(days) if lang == "ru" else days)
            for lang, text in PRIVACY_NOTICE.items()}


def seed(event) -> list[tuple[str, str]]:
    _privacy_notice(event)
    categories = _categories(event)
    _questions(event)
    secretariat = User.by_email("secretariat@example.org")

    delegate = _account("delegate@example.org", honorific="Dr", given_name="Aliya", family_name="Serikova",
                        organisation="Nazarbayev University", position="Professor of Hydrology", country="KZ")
    first_run = services.live_registration(event, delegate) is None
    registration = _register(event, delegate, categories["Climate expert / academia"], {})
    if registration.state.value == "submitted":
        services.approve_registration(registration, actor=secretariat)

    head = _account("pk.focal@example.org", honorific="Mr", given_name="Farrukh", family_name="Iqbal",
                    organisation="Ministry of Climate Change, Pakistan", position="Joint Secretary", country="PK")
    pakistan = services.delegation_named(event, "Pakistan")
    if pakistan is None:
        pakistan = services.save_delegation(event, None, dict(
            name={"en": "Pakistan", "ru": "Пакистан", "kk": "Пәкістан"}, country="PK",
            category_id=categories["Government delegation"].id,
            head_user_id=head.id, quota=6, protocol_rank=50), actor=secretariat)
        lead = services.register_member(pakistan, head.email, dict(
            honorific="Mr", given_name="Farrukh", family_name="Iqbal", position="Joint Secretary",
            nationality="PK", organisation="Ministry of Climate Change, Pakistan"), actor=secretariat)
        lead.protocol_rank = 1
        member = services.register_member(pakistan, "pk.adviser@example.org", dict(
            honorific="Ms", given_name="Sana", family_name="Mirza", position="Climate adviser", nationality="PK",
            organisation="Ministry of Climate Change, Pakistan"), actor=head)
        services.approve_registration(lead, actor=secretariat)
        services.approve_registration(member, actor=secretariat)
        # The head agrees to be listed from his own registration page; the adviser has not.
        services.update_registration(lead, {"public_listing": True}, actor=head)
        services.hold_places(pakistan, 2, actor=head)

    for email, category_name, data, outcome in OTHERS:
        user = _account(email, given_name=data["given_name"], family_name=data["family_name"],
                        organisation=data["organisation"], country=data["country"])
        exists = db.session.scalar(select(Registration.id).where(Registration.event_id == event.id,
                                                                 Registration.user_id == user.id))
        if exists is not None:
            continue
        registration = _register(event, user, categories[category_name], data)
        if outcome == "waitlist":
            services.waitlist_registration(registration, actor=secretariat, message="The observer list is full.")
        elif outcome == "reject":
            services.reject_registration(registration, actor=secretariat,
                                         message="We could not confirm your media accreditation.")
        elif outcome == "cancel":
            services.cancel_registration(registration, actor=user, reason="Schedule conflict")
    if first_run:
        # The demo opens its participant list; later runs leave the setting as organisers made it.
        services.update_settings(event, {"participant_list": True}, actor=secretariat)
    db.session.flush()
    # The head of the Pakistan delegation (pk.focal@example.org) also has the demo password.
    return [("delegate@example.org", "delegate with an approved registration")]
