"""Kurultai in Russian and Kazakh: pages, forms, dates, email, and catalogs that
keep up with the English sources."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from pathlib import Path

import lxml.html
import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from flask_babel import refresh
from sqlalchemy import select

from app.accounts.models import User
from app.agenda import cache
from app.agenda import services as agenda_services
from app.agenda.models import AgendaSession, Room, SessionType, Track, Visibility
from app.checkin import services as onsite
from app.mail.models import OutboxMessage
from app.registration.services import cancel_registration, create_registration
from app.speakers.models import AssignmentRole, AssignmentState
from app.utils.time import local_to_utc
from tests.checkin.conftest import make_delegate
from tests.factories import grant, login, make_category, make_event, make_user
from tests.registration.conftest import details
from tests.speakers.conftest import assign

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ("ru", "kk")
UPDATE_HINT = (
    "Update the catalogs from the repository root, then translate every new or fuzzy entry:\n"
    "  pybabel extract -F babel.cfg -o messages.pot . && "
    "pybabel update -i messages.pot -d app/translations\n"
    "and check they compile: pybabel compile -d app/translations"
)


# Each test runs inside one app context that the test client's requests share, and
# Flask-Babel keeps the chosen language in that context: forget it before each request
# so every request chooses its language as a real one would.
def get(client, url, **kwargs):
    refresh()
    return client.get(url, **kwargs)


def post(client, url, **kwargs):
    refresh()
    return client.post(url, **kwargs)


def page(response):
    assert response.status_code in (200, 403, 404), response.status_code
    return lxml.html.fromstring(response.get_data(as_text=True))


def text_of(doc, xpath: str) -> str:
    """The whitespace-normalised text of the one element at `xpath`."""
    (element,) = doc.xpath(xpath)
    return " ".join(element.text_content().split())


def texts_of(doc, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in doc.xpath(xpath)]


def visible_text(doc) -> str:
    return " ".join(doc.text_content().split())


# --- pages -----------------------------------------------------------------------

def test_login_page_in_russian(client):
    doc = page(get(client, "/account/login?lang=ru"))

    assert doc.get("lang") == "ru"
    assert text_of(doc, "//main//h1") == "Войти"
    assert texts_of(doc, "//main//form//label") == ["Адрес электронной почты", "Пароль"]
    assert doc.xpath("//main//form//input[@type='submit']/@value") == ["Войти"]
    assert texts_of(doc, "//main//p/a") == ["Забыли пароль?", "Создайте учётную запись"]
    # A visitor's language switch is a group of links named by aria-label; each language is named in itself.
    (switch,) = doc.xpath("//div[contains(@class, 'lang-switch')]")
    assert (switch.get("role"), switch.get("aria-label")) == ("group", "Язык")
    assert texts_of(switch, "./a") == ["EN English", "RU Русский", "KK Қазақша"]
    assert switch.xpath("./a/@data-lang") == ["en", "ru", "kk"]
    assert switch.xpath("./a[@aria-current='true']/@data-lang") == ["ru"]
    assert doc.xpath("//form[contains(@class, 'lang-switch')]") == []
    text = visible_text(doc)
    for english in ("Email address", "Password", "Forgotten your password?", "New here?",
                    "Create an account", "Skip to main content", "Log in", "Language"):
        assert english not in text


def test_login_page_in_kazakh(client):
    doc = page(get(client, "/account/login?lang=kk"))

    assert doc.get("lang") == "kk"
    assert text_of(doc, "//main//h1") == "Кіру"
    assert texts_of(doc, "//main//form//label") == ["Электрондық пошта мекенжайы", "Құпиясөз"]
    assert texts_of(doc, "//main//p/a") == ["Құпиясөзді ұмыттыңыз ба?", "Есептік жазба ашыңыз"]
    text = visible_text(doc)
    for english in ("Email address", "Password", "Forgotten your password?", "Log in"):
        assert english not in text


def test_event_page_in_russian_shows_dates_and_country_in_russian(client, db):
    event = make_event(slug="astana-2027", title="Regional Ecological Summit 2027", venue="",
                       registration_opens_at=None,
                       registration_closes_at=local_to_utc(date(2099, 4, 10), time(18, 0), "Asia/Almaty"))
    db.session.commit()

    doc = page(get(client, f"/e/{event.slug}/?lang=ru"))

    assert text_of(doc, "//p[@class='lead']") == "21—23 апреля 2027 г. · Astana, Казахстан"
    assert text_of(doc, "//main//h2") == "Регистрация"
    # 18:00 in Astana is 13:00 UTC: the time is shown in the event's zone.
    assert texts_of(doc, "//main//div[@class='card-body']/p") == [
        "Регистрация открыта до 10 апреля 2099 г., 18:00 (часовой пояс Asia/Almaty).",
        "Время указано по часовому поясу мероприятия: Asia/Almaty.",
    ]
    assert texts_of(doc, "//nav//ul[contains(@class, 'me-auto')]/li/a") == [
        "О мероприятии", "Программа", "Спикеры", "Зарегистрироваться"]
    text = visible_text(doc)
    for english in ("April", "Kazakhstan", "Registration", "Times are shown", "Events", "Log in", "About",
                    "Agenda", "Speakers", "Register"):
        assert english not in text


def test_event_page_in_kazakh_shows_dates_and_country_in_kazakh(client, db):
    event = make_event(venue="", registration_opens_at=local_to_utc(date(2099, 4, 1), time(9, 0), "Asia/Almaty"),
                       registration_closes_at=None)
    db.session.commit()

    doc = page(get(client, f"/e/{event.slug}/?lang=kk"))

    assert text_of(doc, "//p[@class='lead']") == "2027 ж. 21–23 сәуір · Astana, Қазақстан"
    assert text_of(doc, "//main//h2") == "Тіркеу"
    assert texts_of(doc, "//main//div[@class='card-body']/p") == [
        "Тіркеудің басталу уақыты: 2099 ж. 1 сәуір, 09:00.",
        "Уақыт іс-шараның уақыт белдеуі бойынша көрсетілген: Asia/Almaty.",
    ]
    assert texts_of(doc, "//nav//ul[contains(@class, 'me-auto')]/li/a") == [
        "Іс-шара туралы", "Бағдарлама", "Спикерлер", "Тіркелу"]
    text = visible_text(doc)
    for english in ("April", "Kazakhstan", "Registration", "Times are shown", "About", "Agenda", "Speakers",
                    "Register"):
        assert english not in text


def test_event_page_in_english_keeps_english_dates(client, db):
    event = make_event(venue="")
    db.session.commit()

    doc = page(get(client, f"/e/{event.slug}/?lang=en"))

    assert text_of(doc, "//p[@class='lead']") == "21 – 23 April 2027 · Astana, Kazakhstan"


def test_required_field_message_from_wtforms_in_russian(client):
    doc = page(post(client, "/account/login?lang=ru", data={"email": "", "password": ""}))

    assert text_of(doc, "//div[@id='email-error']") == "Обязательное поле."
    assert text_of(doc, "//div[@id='password-error']") == "Обязательное поле."
    assert text_of(doc, "//div[@role='alert']") == "Пожалуйста, исправьте отмеченные ниже поля."
    assert "This field is required." not in visible_text(doc)


def test_our_own_validator_messages_in_kazakh(client):
    doc = page(post(client, "/account/signup?lang=kk", data={
        "email": "not-an-address", "password": "short", "confirm": "other", "given_name": "Aigerim",
        "family_name": "Nurlanovna", "country": "XX", "locale": "kk", "honorific": ""}))

    assert text_of(doc, "//div[@id='email-error']") == "Дұрыс электрондық пошта мекенжайын енгізіңіз."
    assert text_of(doc, "//div[@id='password-error']") == "Құпиясөз кемінде 10 таңбадан тұруы керек."
    assert text_of(doc, "//div[@id='confirm-error']") == "Құпиясөздер сәйкес келмейді."
    assert text_of(doc, "//div[@id='country-error']") == "Тізімнен елді таңдаңыз."


def test_signup_lists_titles_and_countries_in_russian(client):
    doc = page(get(client, "/account/signup?lang=ru"))

    assert text_of(doc, "//label[@for='honorific']") == "Обращение"
    assert doc.xpath("//select[@id='honorific']/option/text()")[:4] == ["—", "Г-н", "Г-жа (Ms)", "Mx (без указания пола)"]
    assert doc.xpath("//select[@id='country']/option[@value='KZ']/text()") == ["Казахстан"]
    assert doc.xpath("//select[@id='country']/option[@value='DE']/text()") == ["Германия"]


def test_not_found_page_in_russian(client):
    doc = page(get(client, "/no-such-page?lang=ru"))

    assert text_of(doc, "//main//p[@class='lead']") == "Страница не найдена."
    assert text_of(doc, "//main//a[contains(@class, 'btn')]") == "Перейти на главную страницу"


def test_forbidden_page_in_kazakh(client, db):
    event = make_event()
    user = make_user(locale="kk")
    db.session.commit()
    login(client, user)

    response = get(client, f"/e/{event.slug}/manage/")

    assert response.status_code == 403
    doc = page(response)
    assert text_of(doc, "//main//p[@class='lead']") == "Бұл бетті көруге сізде рұқсат жоқ."


def test_browser_language_is_used_when_nothing_was_chosen(client):
    doc = page(get(client, "/account/login", headers={"Accept-Language": "kk-KZ,kk;q=0.9,ru;q=0.8"}))

    assert doc.get("lang") == "kk"
    assert text_of(doc, "//main//h1") == "Кіру"


def test_flash_message_and_role_labels_in_russian(client, db):
    event = make_event()
    lead = make_user(locale="ru")
    colleague = make_user(given_name="Madina", family_name="Omarova")
    grant(lead, event, "secretariat")
    db.session.commit()
    login(client, lead)

    response = post(client, f"/e/{event.slug}/manage/team", data={"email": colleague.email, "role": "protocol"},
                    follow_redirects=True)

    doc = page(response)
    # The welcome from the login and the confirmation of the grant, both in the lead's language.
    assert texts_of(doc, "//div[contains(@class, 'flash-messages')]/div") == [
        f"Добро пожаловать, {lead.display_name}!", "Роль назначена пользователю Madina Omarova."]
    assert texts_of(doc, "//span[contains(@class, 'badge-role')]") == [
        "Сотрудник протокольной службы", "Руководитель секретариата"]


# --- the language switcher --------------------------------------------------------

def test_visitor_language_links_lead_back_to_the_page(client):
    doc = page(get(client, "/account/login", headers={"Accept-Language": "en"}))

    assert doc.xpath("//div[contains(@class, 'lang-switch')]/a/@href") == [
        "/language/en?next=/account/login", "/language/ru?next=/account/login", "/language/kk?next=/account/login"]
    assert doc.xpath("//div[contains(@class, 'lang-switch')]/a/@hreflang") == ["en", "ru", "kk"]
    assert doc.xpath("//div[contains(@class, 'lang-switch')]/a[@aria-current='true']/@data-lang") == ["en"]


def test_language_switch_is_remembered_in_the_session(client):
    response = get(client, "/language/kk?next=/account/login")

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/login"
    with client.session_transaction() as session:
        assert session["lang"] == "kk"
    doc = page(get(client, "/account/login"))
    assert doc.get("lang") == "kk"
    assert text_of(doc, "//main//h1") == "Кіру"
    assert doc.xpath("//div[contains(@class, 'lang-switch')]/@aria-label") == ["Тіл"]
    assert doc.xpath("//div[contains(@class, 'lang-switch')]/a[@aria-current='true']/@data-lang") == ["kk"]


def test_language_switch_ignores_unknown_languages(client):
    get(client, "/language/ru")
    get(client, "/language/xx")
    post(client, "/language", data={"lang": "xx"})

    with client.session_transaction() as session:
        assert session["lang"] == "ru"


def test_language_switch_is_saved_in_the_profile_of_a_logged_in_user(client, app, db):
    user = make_user(locale="en")
    db.session.commit()
    login(client, user)

    # Logged in, the switch is a form (it changes the profile), with its token and one button per language.
    doc = page(get(client, "/account/profile"))
    (switch,) = doc.xpath("//form[contains(@class, 'lang-switch')]")
    assert (switch.get("method"), switch.get("action")) == ("post", "/language?next=/account/profile")
    assert (switch.get("role"), switch.get("aria-label")) == ("group", "Language")
    assert switch.xpath("./input[@type='hidden']/@name") == ["csrf_token"]
    assert switch.xpath("./button/@value") == ["en", "ru", "kk"]
    assert texts_of(switch, "./button") == ["EN English", "RU Русский", "KK Қазақша"]
    assert switch.xpath("./button[@aria-current='true']/@value") == ["en"]
    assert doc.xpath("//div[contains(@class, 'lang-switch')]") == []

    post(client, "/language?next=/account/profile", data={"lang": "kk"})

    assert db.session.scalar(select(User.locale).where(User.id == user.id)) == "kk"
    # A new browser: the language comes back with the login.
    other = app.test_client()
    login(other, user)
    doc = page(get(other, "/account/profile"))
    assert doc.get("lang") == "kk"
    assert text_of(doc, "//main//h1") == "Профиліңіз"
    assert doc.xpath("//form[contains(@class, 'lang-switch')]/@aria-label") == ["Тіл"]
    assert doc.xpath("//form[contains(@class, 'lang-switch')]/button[@aria-current='true']/@value") == ["kk"]


# --- email -----------------------------------------------------------------------

def test_email_to_a_russian_speaking_user_is_in_russian(client, db):
    make_user("delegate@example.org", locale="ru")
    db.session.commit()

    post(client, "/account/forgot?lang=en", data={"email": "delegate@example.org"})

    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.locale == "ru"
    assert message.subject == "Задайте новый пароль"
    lines = message.body_text.splitlines()
    assert lines[0].startswith("Здравствуйте, Given")
    assert lines[2] == ("Перейдите по этой ссылке, чтобы задать новый пароль. "
                        "Ссылка действует один раз в течение 2 часов:")


def test_email_after_signup_in_kazakh_is_in_kazakh(client, db):
    post(client, "/account/signup?lang=kk", data={
        "email": "new@example.org", "password": "steppe rivers and glaciers", "confirm": "steppe rivers and glaciers",
        "given_name": "Aigerim", "family_name": "Nurlanovna", "country": "KZ", "locale": "kk", "honorific": ""})

    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.subject == "Электрондық пошта мекенжайыңызды растаңыз"
    assert message.body_text.splitlines()[0] == "Құрметті Aigerim Nurlanovna!"


def test_email_to_an_english_speaking_user_stays_english(client, db):
    make_user("delegate@example.org", locale="en")
    db.session.commit()

    post(client, "/account/forgot?lang=ru", data={"email": "delegate@example.org"})

    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.subject == "Choose a new password"
    assert message.body_text.splitlines()[2] == (
        "Open this link to choose a new password. It works once and for 2 hours:")


# --- the catalogs ----------------------------------------------------------------

def _catalog(locale: str):
    path = ROOT / "app" / "translations" / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        return path, read_po(f, locale=locale, abort_invalid=True)


def _key(message) -> tuple:
    return (message.context, message.id)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The strings the sources hold today, extracted as the README says."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    status = CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-o", str(pot), str(ROOT)])
    assert not status
    with pot.open("rb") as f:
        return read_po(f)


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_has_the_plural_rule_of_its_language(locale):
    _, catalog = _catalog(locale)
    expected = get_plural(locale)

    assert (catalog.num_plurals, catalog.plural_expr) == (expected.num_plurals, expected.plural_expr)
    assert catalog.num_plurals == {"ru": 3, "kk": 2}[locale]


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_is_well_formed(locale):
    """Babel reads some broken lines (merge conflict markers, unquoted text) without
    complaint, so each line is checked against the PO grammar here."""
    path = ROOT / "app" / "translations" / locale / "LC_MESSAGES" / "messages.po"
    line_ok = re.compile(r'^(#.*|(msgctxt|msgid|msgid_plural|msgstr(\[\d\])?) "(?:[^"\\]|\\.)*"|"(?:[^"\\]|\\.)*"|)$')
    bad = [f"  {path.relative_to(ROOT)}:{n}: {line}"
           for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if not line_ok.match(line)]
    assert not bad, "Malformed lines (a merge conflict left behind?):\n" + "\n".join(bad)
    _, catalog = _catalog(locale)
    problems = [f"{message.id!r}: {error}" for message, errors in catalog.check() for error in errors]
    assert not problems, "Translations whose placeholders or plural forms are wrong:\n" + "\n".join(problems)


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_translates_every_string(locale):
    path, catalog = _catalog(locale)
    untranslated = []
    for message in catalog:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(forms):
            untranslated.append(f"  {'fuzzy' if message.fuzzy else 'empty'}: {message.id!r}")
    assert not untranslated, (
        f"{path.relative_to(ROOT)} has strings without a reviewed translation:\n" + "\n".join(untranslated)
        + "\n" + UPDATE_HINT)


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_is_up_to_date_with_the_sources(locale, extracted):
    path, catalog = _catalog(locale)
    in_sources = {_key(m) for m in extracted if m.id}
    in_catalog = {_key(m) for m in catalog if m.id}

    missing = sorted(in_sources - in_catalog, key=repr)
    stale = sorted(in_catalog - in_sources, key=repr)
    assert not missing and not stale, (
        f"{path.relative_to(ROOT)} is out of date with the sources.\n"
        + "".join(f"  new string, not in the catalog: {id_!r}\n" for _, id_ in missing)
        + "".join(f"  in the catalog, gone from the sources: {id_!r}\n" for _, id_ in stale)
        + UPDATE_HINT)


# --- registration ----------------------------------------------------------------

def _main(doc):
    (main,) = doc.xpath("//main")
    return main


def test_registration_page_in_russian(client, db):
    event = make_event(title="Regional Ecological Summit 2027")
    make_category(event, "Climate expert")
    db.session.commit()

    doc = page(get(client, f"/e/{event.slug}/register?lang=ru"))

    assert doc.get("lang") == "ru"
    main = _main(doc)
    assert text_of(main, ".//h1") == "Регистрация на мероприятие «Regional Ecological Summit 2027»"
    assert texts_of(main, ".//form//legend[contains(@class, 'h5')]") == [
        "Ваша учётная запись", "О себе", "Ваше пребывание", "Письмо визовой поддержки", "Бейдж",
        "Конфиденциальность"]
    assert text_of(main, ".//label[@for='honorific']") == "Обращение"
    assert main.xpath(".//select[@id='honorific']/option/text()")[:3] == ["—", "Г-н", "Г-жа (Ms)"]
    assert text_of(main, ".//label[@for='given_name']") == "Имя (как в паспорте)"
    assert text_of(main, ".//label[@for='visa_letter_needed']") == "Мне требуется письмо визовой поддержки"
    assert main.xpath(".//input[@value='kk']/following-sibling::label[1]/text()") == ["Казахский"]
    assert main.xpath(".//form//input[@type='submit']/@value") == ["Зарегистрироваться"]
    text = visible_text(main)
    for english in ("Register", "Registering creates", "Log in first", "Your account", "Choose a password",
                    "About you", "Participant category", "Title", "Given name", "Family name", "as in the passport",
                    "Country you represent", "Select a country", "Nationality", "Mobile phone", "Languages you speak",
                    "English", "Kazakh", "Your stay", "Arrival", "Departure", "Dietary", "Accessibility",
                    "Visa-support letter", "passport details", "Passport number", "Date of birth", "Badge",
                    "Photo for the badge", "Privacy", "privacy notice", "participant list"):
        assert english not in text, english


def test_registration_errors_in_kazakh(client, db):
    event = make_event()
    category = make_category(event, "Climate expert")
    user = make_user(locale="kk")
    db.session.commit()
    login(client, user)

    doc = page(post(client, f"/e/{event.slug}/register", data={
        "category": str(category.id), "honorific": "", "given_name": "Aigerim", "family_name": "Nurlanovna",
        "organisation": "Astana IT University", "position": "Researcher", "country": "KZ", "nationality": "KZ",
        "phone": "+7 701 000 00 00", "languages": ["kk"], "visa_letter_needed": "y", "arrival_date": "2027-04-20",
        "departure_date": "2027-04-19"}))

    assert doc.get("lang") == "kk"
    assert text_of(doc, "//div[@id='passport_number-error']") == "Визалық қолдау хаты үшін паспорт нөмірін көрсетіңіз."
    assert text_of(doc, "//div[@id='departure_date-error']") == "Кету күні келу күнінен бұрын болмауы керек."
    assert text_of(doc, "//div[@id='privacy_consent-error']") == (
        "Тіркелу үшін құпиялылық туралы хабарламамен келісу қажет.")


def test_registration_status_email_to_a_kazakh_speaking_delegate_is_in_kazakh(client, db):
    event = make_event(title="Regional Ecological Summit 2027")
    category = make_category(event, "Climate expert")
    delegate = make_user("aigerim@example.kz", given_name="Aigerim", family_name="Nurlanovna", locale="kk")
    registration = create_registration(event, delegate, details(honorific=""), category=category, actor=delegate)
    officer = make_user(locale="ru")
    grant(officer, event, "accreditation")
    db.session.commit()
    login(client, officer)

    doc = page(post(client, f"/e/{event.slug}/manage/registrations/{registration.id}/decide",
                    data={"decision": "approve", "message": ""}, follow_redirects=True))

    # The officer reads Russian, the delegate gets Kazakh.
    assert texts_of(doc, "//div[contains(@class, 'flash-messages')]/div")[-1] == "Новый статус заявки: одобрена."
    message = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert (message.to_address, message.locale) == ("aigerim@example.kz", "kk")
    assert message.subject == "Тіркеуіңіз мақұлданды"
    lines = message.body_text.splitlines()
    assert lines[0] == "Құрметті Aliya Serikova!"
    assert lines[2] == "«Regional Ecological Summit 2027» іс-шарасына тіркеуіңіз мақұлданды (санат: Climate expert)."


def test_refused_state_change_names_both_states_in_russian(client, db):
    event = make_event()
    category = make_category(event, "Climate expert")
    delegate = make_user()
    registration = create_registration(event, delegate, details(), category=category, actor=delegate)
    cancel_registration(registration, actor=delegate)
    officer = make_user(locale="ru")
    grant(officer, event, "accreditation")
    db.session.commit()
    login(client, officer)

    doc = page(post(client, f"/e/{event.slug}/manage/registrations/{registration.id}/decide",
                    data={"decision": "reject", "message": ""}, follow_redirects=True))

    assert texts_of(doc, "//div[contains(@class, 'flash-messages')]/div")[-1] == (
        "Заявку в статусе «отменена» нельзя перевести в статус «отклонена».")


@pytest.mark.parametrize("lang, thing, person", [("ru", "Название", "ФИО"), ("kk", "Атауы", "Аты-жөні")])
def test_name_of_a_room_track_category_or_delegation_is_not_a_persons_name(client, db, lang, thing, person):
    event = make_event()
    organiser = make_user(locale=lang)
    grant(organiser, event, "secretariat")
    db.session.commit()
    login(client, organiser)
    manage = f"/e/{event.slug}/manage"

    # A multilingual name is a group of inputs (one per language) named by its legend.
    for url, field in ((f"{manage}/agenda/rooms/new", "name"), (f"{manage}/agenda/tracks/new", "name"),
                       (f"{manage}/categories", "new-name"), (f"{manage}/delegations", "name")):
        assert text_of(page(get(client, url)), f"//fieldset[@id='{field}']/legend").startswith(thing + " *"), url
    rooms = page(get(client, f"{manage}/agenda/rooms"))
    assert texts_of(rooms, "//table//th")[0] == thing
    # A person's name keeps its own word.
    assert texts_of(page(get(client, f"{manage}/team")), "//table//th")[0] == person


# --- the agenda ------------------------------------------------------------------

@pytest.fixture
def kazakh_agenda(db):
    """A published agenda whose own texts are Kazakh, so any English left on the page is ours."""
    cache.clear_memory()
    event = make_event(title={"kk": "Өңірлік экологиялық саммит"}, start_date=date(2027, 4, 21),
                       end_date=date(2027, 4, 23))
    hall = Room(event=event, name={"kk": "Бас зал"}, capacity=500, position=0)
    water = Track(event=event, name={"kk": "Су қауіпсіздігі"}, colour="#1565c0", position=0)
    db.session.add_all([hall, water])
    db.session.flush()

    def session(title, start, end, **fields):
        item = AgendaSession(event=event, room=hall, title={"kk": title},
                             starts_at=local_to_utc(date(2027, 4, 21), start, "Asia/Almaty"),
                             ends_at=local_to_utc(date(2027, 4, 21), end, "Asia/Almaty"),
                             visibility=Visibility.published, **fields)
        db.session.add(item)
        return item

    opening = session("Ашылу", time(9), time(10), type=SessionType.plenary, track=water, sdgs=[6, 13],
                      languages=["kk", "ru"], abstract={"kk": "Саммиттің ашылуы."})
    session("Жасыл қаржы", time(11), time(12, 30), type=SessionType.workshop, signup_required=True)
    agenda_services.publish_agenda(event, actor=None)
    db.session.commit()
    yield event, opening
    cache.clear_memory()


def test_public_agenda_in_kazakh(client, kazakh_agenda):
    event, _opening = kazakh_agenda

    doc = page(get(client, f"/e/{event.slug}/agenda?lang=kk"))

    assert doc.get("lang") == "kk"
    main = _main(doc)
    assert text_of(main, ".//h1") == "Бағдарлама"
    assert texts_of(main, ".//form[@id='agenda-filters']//label") == ["Тақырыптық бағыт", "Түрі", "ТДМ", "Зал", "Іздеу"]
    assert main.xpath(".//select[@id='f-type']/option/text()")[:3] == ["Барлығы", "Пленарлық отырыс",
                                                                        "Жоғары деңгейдегі панельдік талқылау"]
    assert main.xpath(".//select[@id='f-sdg']/option[@value='6']/text()") == ["6 — Таза су және санитария"]
    assert text_of(main, ".//p[@id='agenda-count']") == "2 сессия"
    # Kazakh puts the day of the month first and the weekday last.
    assert texts_of(main, ".//h2") == ["21 сәуір, сәрсенбі"]
    assert texts_of(main, ".//li[contains(@class, 'agenda-item')]//div[@class='small']/span") == [
        "Пленарлық отырыс", "Су қауіпсіздігі", "ТДМ 6 — Таза су және санитария",
        "ТДМ 13 — Климаттың өзгеруіне қарсы күрес", "Практикалық семинар", "Алдын ала жазылу қажет"]
    # Strings the page's script shows come translated through data- attributes.
    (root,) = main.xpath(".//div[@id='agenda-root']")
    assert (root.get("data-your-time"), root.get("data-count-template")) == (
        "Сіздің уақытыңыз", "Көрсетілген сессиялар: {n}")
    text = visible_text(main) + " " + " ".join(root.values())
    for english in ("Agenda", "Calendar", "All times", "time zone", "Track", "Type", "SDG", "Room", "Search",
                    "Filter", "All", "session", "Plenary", "Workshop", "Sign-up", "Wednesday", "April",
                    "Your time", "shown"):
        assert english not in text, english


def test_public_session_page_in_kazakh_names_its_languages(client, kazakh_agenda):
    event, opening = kazakh_agenda

    doc = page(get(client, f"/e/{event.slug}/sessions/{opening.id}?lang=kk"))

    main = _main(doc)
    assert texts_of(main, ".//dl/dt") == ["Зал", "Түрі", "Тақырыптық бағыт", "ТДМ", "Тілдер", "Орындар"]
    assert texts_of(main, ".//dl/dd") == ["Бас зал", "Пленарлық отырыс", "Су қауіпсіздігі",
                                          "ТДМ 6 — Таза су және санитария ТДМ 13 — Климаттың өзгеруіне қарсы күрес",
                                          "Қазақ тілі, орыс тілі", "500"]
    text = visible_text(main)
    for english in ("Agenda", "Room", "Type", "Track", "SDG", "Languages", "Places", "Speakers", "About this session",
                    "Add to calendar", "Kazakh", "Russian", "Wednesday", "April"):
        assert english not in text, english


# --- speakers --------------------------------------------------------------------

@pytest.fixture
def kazakh_sessions(db):
    """An event whose own texts (title, room, sessions, people) are not English, so any
    English left on a page is ours."""
    event = make_event(title="Өңірлік экологиялық саммит", start_date=date(2027, 4, 21), end_date=date(2027, 4, 23),
                       city="Астана")
    hall = Room(event=event, name="Бас зал", capacity=500, position=0)
    db.session.add(hall)
    db.session.flush()

    def session(title, start, end, **fields):
        item = AgendaSession(event=event, room=hall, title=title, type=fields.pop("type", SessionType.panel),
                             starts_at=local_to_utc(date(2027, 4, 21), start, "Asia/Almaty"),
                             ends_at=local_to_utc(date(2027, 4, 21), end, "Asia/Almaty"),
                             visibility=Visibility.published, sdgs=[], languages=["kk"], category_ids=[], **fields)
        db.session.add(item)
        db.session.flush()
        return item

    return event, session("Арал теңізі", time(10), time(11)), session("Жасыл облигациялар", time(14), time(15))


def test_speaker_portal_in_russian(client, db, kazakh_sessions):
    event, aral, bonds = kazakh_sessions
    speaker = make_user(given_name="Динара", family_name="Сұлтанбекова", locale="ru")
    colleague = make_user(given_name="Ерлан", family_name="Жақсылықов")
    assign(aral, speaker, role=AssignmentRole.panelist)
    assign(aral, colleague, role=AssignmentRole.keynote)
    assign(bonds, speaker, state=AssignmentState.accepted, role=AssignmentRole.chair)
    db.session.commit()
    login(client, speaker)

    doc = page(get(client, f"/e/{event.slug}/speaker/"))

    assert doc.get("lang") == "ru"
    main = _main(doc)
    assert text_of(main, ".//h1") == "Кабинет спикера"
    assert texts_of(main, ".//nav//a") == ["Мои сессии", "Мой профиль", "Даты участия и поездка",
                                           "Моя регистрация"]
    assert text_of(main, ".//p[contains(@class, 'alert')]") == (
        "Пожалуйста, заполните профиль: в опубликованной программе указываются ваше имя, должность и биография. "
        "Редактировать профиль")
    assert texts_of(main, ".//li[contains(@class, 'speaker-session')]//h2") == ["Арал теңізі", "Жасыл облигациялар"]
    assert texts_of(main, ".//li[contains(@class, 'speaker-session')]//p[@class='mb-1']") == [
        "Ср, 21 апр., 10:00–11:00 · Бас зал", "Ср, 21 апр., 14:00–15:00 · Бас зал"]
    assert texts_of(main, ".//li[contains(@class, 'speaker-session')]//p[@class='mb-2']") == [
        "Участник панельной дискуссии · Ожидается ответ", "Председатель / модератор · Принято"]
    assert text_of(main, ".//p[contains(@class, 'small')]") == (
        "Вместе с вами: Ерлан Жақсылықов (Ключевой спикер, участие ещё не подтверждено)")
    assert texts_of(main, ".//button | .//a[contains(@class, 'btn')]") == ["Принять", "Отказаться…"]
    text = visible_text(main)
    for english in ("Speaker portal", "My sessions", "My profile", "Availability", "travel", "Please complete",
                    "Edit my profile", "Panelist", "Invited", "Chair", "moderator", "Accepted", "With",
                    "Keynote", "not confirmed", "Accept", "Decline", "Wed", "Apr"):
        assert english not in text, english


def test_speaker_invitation_to_a_russian_speaking_user_has_a_russian_subject(client, db, kazakh_sessions):
    event, aral, _bonds = kazakh_sessions
    officer = make_user(locale="en")
    grant(officer, event, "programme")
    speaker = make_user("dinara@example.kz", given_name="Динара", family_name="Сұлтанбекова", locale="ru")
    db.session.commit()
    login(client, officer)

    doc = page(post(client, f"/e/{event.slug}/manage/speakers/sessions/{aral.id}/assign",
                    data={"user_id": str(speaker.id), "role": "panelist", "note": ""}, follow_redirects=True))

    # The organiser reads English, the speaker gets Russian.
    assert texts_of(doc, "//div[contains(@class, 'flash-messages')]/div")[-1] == (
        "Динара Сұлтанбекова is invited; the email is on its way.")
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "speaker_invitation")).one()
    assert (message.to_address, message.locale) == ("dinara@example.kz", "ru")
    assert message.subject == "Приглашение выступить: Өңірлік экологиялық саммит"
    # Dates carry no-break spaces; compare them as a reader sees them.
    lines = [" ".join(line.split()) for line in message.body_text.splitlines()]
    assert lines[0] == "Здравствуйте, Динара Сұлтанбекова!"  # no title: no gender to guess
    assert lines[2] == ("Организаторы мероприятия «Өңірлік экологиялық саммит» (21—23 апреля 2027 г., "
                        "Астана) приглашают вас выступить на сессии:")
    assert lines[4:7] == ["Арал теңізі", "21 апреля 2027 г., 10:00, Бас зал", "Ваша роль: Участник панельной дискуссии"]
    assert lines[8] == ("Просим принять приглашение или отказаться от него по этой личной ссылке. "
                        "Ссылка действует один раз в течение 30 дней:")


# --- the check-in desk -----------------------------------------------------------

def test_checkin_desk_in_kazakh(client, db, kazakh_sessions, clock):
    event, _aral, _bonds = kazakh_sessions
    category = make_category(event, "Сарапшылар")
    delegate = make_delegate(event, category, given="Әлия", family="Серікова", honorific="", organisation="ҚазҰУ",
                             photo=False)
    badge = onsite.ensure_badge(delegate)
    officer = make_user(given_name="Асқар", family_name="Нұров", locale="kk")
    grant(officer, event, "checkin")
    db.session.commit()
    clock.set(datetime(2027, 4, 21, 5, tzinfo=UTC))  # the event's first day, 10:00 in Astana
    login(client, officer)

    doc = page(get(client, f"/e/{event.slug}/manage/checkin"))

    assert doc.get("lang") == "kk"
    main = _main(doc)
    assert text_of(main, ".//h1") == "Келуді тіркеу"
    assert text_of(main, ".//label[@for='door']") == "Кіру нүктесі"
    assert main.xpath(".//select[@id='door']/option/text()") == ["Басты кіреберіс"]
    assert text_of(main, ".//label[@for='code']") == "Бейджді сканерлеңіз, кодын енгізіңіз немесе аты-жөні бойынша іздеңіз"
    assert texts_of(main, ".//form[@id='desk-form']//button") == ["Енгізу", "Камерамен сканерлеу"]
    assert text_of(main, ".//h2[@id='counts-title']") == "Бүгін келгендер"
    assert texts_of(main, ".//table//th") == ["Санат", "Келді", "Мақұлданған"]
    assert texts_of(main, ".//tbody[@id='count-rows']/tr/td") == ["Сарапшылар", "0", "1"]
    # The desk's script shows this text when the server cannot be reached.
    assert main.xpath(".//form[@id='desk-form']/@data-error") == ["Сервермен байланыс орнатылмады: әрекетті қайталаңыз."]
    text = visible_text(main) + " " + " ".join(main.xpath(".//@data-error"))
    for english in ("Check-in", "Door", "Entrance", "Change", "Scan", "badge", "Go", "scanner", "camera",
                    "Checked in today", "Category", "In", "Approved", "server"):
        assert english not in text, english

    # Months before the event the desk asks first, in the desk's language.
    with clock.at(datetime(2027, 1, 14, 5, tzinfo=UTC)):
        asked = post(client, f"/e/{event.slug}/manage/checkin", data={"code": badge.display_code},
                     headers={"Accept": "application/json"}).get_json()
    assert (asked["status"], asked["message"]) == (
        "confirm", "Бүгін, 2027\u202fж. 14 қаңтар, іс-шара күні емес (іс-шара күндері: 2027 ж. 21–23 сәуір). "
                   "Бәрібір келуін тіркеу керек пе?")
    assert text_of(lxml.html.fromstring(asked["html"]), "//form[@id='desk-confirm']//button") == (
        "Бәрібір келуін тіркеу")

    # A scan answered in place: the message and the HTML in the JSON come in the desk's language.
    response = post(client, f"/e/{event.slug}/manage/checkin", data={"code": badge.display_code},
                    headers={"Accept": "application/json"})
    answer = response.get_json()
    assert (answer["status"], answer["message"]) == ("admitted", "Келуі тіркелді.")
    result = lxml.html.fromstring(answer["html"])
    assert text_of(result, "//div[@id='desk-message']") == "Келуі тіркелді."
    assert text_of(result, "//p[@id='desk-name']") == "Әлия Серікова"
    assert texts_of(result, "//div[contains(@class, 'desk-nophoto')]") == ["Фотосурет жоқ"]
    assert text_of(result, "//p[contains(@class, 'small')]").startswith("Келуі тіркелген уақыт: ")
    assert text_of(result, "//p[contains(@class, 'small')]").endswith(", тіркеген қызметкер: Асқар Нұров.")

    again = post(client, f"/e/{event.slug}/manage/checkin", data={"code": "ZZZZ-ZZZZ"},
                 headers={"Accept": "application/json"}).get_json()
    assert (again["status"], again["message"]) == ("invalid", "Бұл кодпен бейдж табылмады: ZZZZ-ZZZZ.")
