"""Kurultai in Russian and Kazakh: pages, forms, dates, email, and catalogs that
keep up with the English sources."""
from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path

import lxml.html
import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from flask_babel import refresh
from sqlalchemy import select

from app.accounts.models import User
from app.mail.models import OutboxMessage
from app.utils.time import local_to_utc
from tests.factories import grant, login, make_event, make_user

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
    # The language switch is a group of buttons named by aria-label (it was a <select> with a <label>).
    assert doc.xpath("//form[contains(@class, 'lang-switch')]/@aria-label") == ["Язык"]
    assert texts_of(doc, "//form[contains(@class, 'lang-switch')]/button") == [
        "EN English", "RU Русский", "KK Қазақша"]
    assert doc.xpath("//form[contains(@class, 'lang-switch')]/button[@aria-current='true']/@value") == ["ru"]
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

    assert text_of(doc, "//p[@class='lead']") == "21 апреля 2027 г. – 23 апреля 2027 г. · Astana, Казахстан"
    assert text_of(doc, "//main//h2") == "Регистрация"
    # 18:00 in Astana is 13:00 UTC: the time is shown in the event's zone.
    assert texts_of(doc, "//main//div[@class='card-body']/p") == [
        "Регистрация открыта до 10 апреля 2099 г., 18:00 (часовой пояс Asia/Almaty).",
        "Время указано по часовому поясу мероприятия: Asia/Almaty.",
    ]
    assert texts_of(doc, "//nav//ul[contains(@class, 'me-auto')]/li/a") == [
        "О мероприятии", "Программа", "Зарегистрироваться"]
    text = visible_text(doc)
    for english in ("April", "Kazakhstan", "Registration", "Times are shown", "Events", "Log in", "About",
                    "Agenda", "Register"):
        assert english not in text


def test_event_page_in_kazakh_shows_dates_and_country_in_kazakh(client, db):
    event = make_event(venue="", registration_opens_at=local_to_utc(date(2099, 4, 1), time(9, 0), "Asia/Almaty"),
                       registration_closes_at=None)
    db.session.commit()

    doc = page(get(client, f"/e/{event.slug}/?lang=kk"))

    assert text_of(doc, "//p[@class='lead']") == "2027 ж. 21 сәуір – 2027 ж. 23 сәуір · Astana, Қазақстан"
    assert text_of(doc, "//main//h2") == "Тіркеу"
    assert texts_of(doc, "//main//div[@class='card-body']/p") == [
        "Тіркеудің басталу уақыты: 2099 ж. 1 сәуір, 09:00.",
        "Уақыт іс-шараның уақыт белдеуі бойынша көрсетілген: Asia/Almaty.",
    ]
    assert texts_of(doc, "//nav//ul[contains(@class, 'me-auto')]/li/a") == ["Іс-шара туралы", "Бағдарлама", "Тіркелу"]
    text = visible_text(doc)
    for english in ("April", "Kazakhstan", "Registration", "Times are shown", "About", "Agenda", "Register"):
        assert english not in text


def test_event_page_in_english_keeps_english_dates(client, db):
    event = make_event(venue="")
    db.session.commit()

    doc = page(get(client, f"/e/{event.slug}/?lang=en"))

    assert text_of(doc, "//p[@class='lead']") == "April 21, 2027 – April 23, 2027 · Astana, Kazakhstan"


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
    assert doc.xpath("//select[@id='honorific']/option/text()")[:4] == ["—", "Г-н", "Г-жа (Ms)", "Г-жа (Mrs)"]
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

def test_language_switch_is_remembered_in_the_session(client):
    response = post(client, "/language?next=/account/login", data={"lang": "kk"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/login"
    with client.session_transaction() as session:
        assert session["lang"] == "kk"
    doc = page(get(client, "/account/login"))
    assert doc.get("lang") == "kk"
    assert text_of(doc, "//main//h1") == "Кіру"
    assert doc.xpath("//form[contains(@class, 'lang-switch')]/button[@aria-current='true']/@value") == ["kk"]


def test_language_switch_ignores_unknown_languages(client):
    post(client, "/language", data={"lang": "ru"})
    post(client, "/language", data={"lang": "xx"})

    with client.session_transaction() as session:
        assert session["lang"] == "ru"


def test_language_switch_is_saved_in_the_profile_of_a_logged_in_user(client, app, db):
    user = make_user(locale="en")
    db.session.commit()
    login(client, user)

    post(client, "/language", data={"lang": "kk"})

    assert db.session.scalar(select(User.locale).where(User.id == user.id)) == "kk"
    # A new browser: the language comes back with the login.
    other = app.test_client()
    login(other, user)
    doc = page(get(other, "/account/profile"))
    assert doc.get("lang") == "kk"
    assert text_of(doc, "//main//h1") == "Профиліңіз"


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
