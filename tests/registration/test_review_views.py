"""The accreditation officer's pages, through HTTP."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from flask import g
from openpyxl import load_workbook
from sqlalchemy import func, insert, select

from app.extensions import db
from app.mail.models import OutboxMessage
from app.registration import services
from app.registration.models import ApprovalMode, QuestionKind, Registration, RegistrationState as S
from tests.factories import audit_actions, grant, login, make_category, make_event, make_user, page as html, told
from tests.registration.conftest import details


@pytest.fixture
def category(event):
    return make_category(event, "Climate expert / academia", capacity=2)


def officer(client, event, role="accreditation"):
    user = make_user()
    grant(user, event, role)
    db.session.commit()
    login(client, user)
    return user


def registered(event, category, **overrides):
    user = make_user()
    return services.create_registration(event, user, details(**overrides), category=category, actor=user)


def test_list_shows_and_filters_registrations(client, event, category):
    a = registered(event, category, given_name="Aliya", country="KZ")
    b = registered(event, category, given_name="Bilal", country="PK", visa_letter_needed=True,
                   passport_number="AB1234567", passport_expiry=date(2030, 1, 1), date_of_birth=date(1980, 1, 1),
                   place_of_birth="Lahore")
    officer(client, event)
    page = client.get(f"/e/{event.slug}/manage/registrations").get_data(as_text=True)
    assert "Aliya" in page and "Bilal" in page
    page = client.get(f"/e/{event.slug}/manage/registrations?country=PK").get_data(as_text=True)
    assert ("Aliya" in page, "Bilal" in page) == (False, True)
    page = client.get(f"/e/{event.slug}/manage/registrations?visa=yes&q=bil").get_data(as_text=True)
    assert ("Aliya" in page, "Bilal" in page) == (False, True)
    page = client.get(f"/e/{event.slug}/manage/registrations?state=approved").get_data(as_text=True)
    assert "No registrations match." in page
    assert (a.id, b.id) == (1, 2)


def test_list_with_junk_filters_does_not_fail(client, event, category):
    officer(client, event)
    response = client.get(f"/e/{event.slug}/manage/registrations?state=<x>&category=abc&page=-3&sort=drop"
                          f"&country=ZZZ&delegation=1e9&q=" + "x" * 500)
    assert response.status_code == 200


@pytest.mark.parametrize("role,status", [("accreditation", 200), ("secretariat", 200), ("protocol", 200),
                                         ("checkin", 403), ("programme", 403), ("viewer", 403)])
def test_list_access_by_role(client, event, category, role, status):
    officer(client, event, role)
    assert client.get(f"/e/{event.slug}/manage/registrations").status_code == status


def test_detail_shows_passport_to_accreditation_only(client, event, category):
    registration = registered(event, category, visa_letter_needed=True, passport_number="AB1234567",
                              passport_expiry=date(2030, 1, 1), date_of_birth=date(1980, 1, 1),
                              place_of_birth="Lahore")
    db.session.commit()
    officer(client, event, "protocol")
    url = f"/e/{event.slug}/manage/registrations/{registration.id}"
    assert "AB1234567" not in client.get(url).get_data(as_text=True)
    client.post("/account/logout")
    officer(client, event, "accreditation")
    assert "AB1234567" in client.get(url).get_data(as_text=True)


@pytest.mark.parametrize(("lang", "created", "approved"), [
    ("en", "Registration created", "Registration approved"),
    ("ru", "Заявка создана", "Заявка одобрена"),
    ("kk", "Өтінім құрылды", "Өтінім мақұлданды"),
])
def test_detail_history_names_each_step_in_words(client, event, category, lang, created, approved):
    from app.audit.services import record

    registration = registered(event, category)
    services.decide(registration, "approve", actor=registration.user)
    record(actor=None, action="registration.something_new", obj=registration, event=event)
    db.session.commit()
    officer(client, event)
    doc = html(client.get(f"/e/{event.slug}/manage/registrations/{registration.id}", query_string={"lang": lang}))
    steps = doc.xpath("//ul/li/span[@title]")
    labels = [s.text_content() for s in steps]
    assert labels[0] == created and approved in labels
    assert labels[-1] == "Registration something new"  # an action without a label is still words
    assert [s.get("title") for s in steps][0] == "registration.create"
    assert "registration.create" not in doc.text_content()


def test_detail_of_another_events_registration_is_not_found(client, event, category):
    other = make_event()
    foreign = registered(other, make_category(other))
    officer(client, event)
    assert client.get(f"/e/{event.slug}/manage/registrations/{foreign.id}").status_code == 404


def test_another_events_rows_are_not_found_on_any_organiser_page(client, event, category):
    from app.audit.models import AuditEntry
    from app.registration.models import QuestionKind

    other = make_event()
    foreign_category = make_category(other)
    foreign = registered(other, foreign_category)
    question = services.add_question(other, label="Diet", kind=QuestionKind.text, choices=[], required=False,
                                     position=0, actor=None)
    invitation = services.create_invitation(other, email="guest@example.org", category=foreign_category, actor=None)
    delegation = services.save_delegation(other, None, {"name": "Far away", "country": "", "category_id": None,
                                                        "head_user_id": None, "quota": None, "protocol_rank": 1},
                                          actor=None)
    audited = db.session.scalar(select(func.count(AuditEntry.id)))
    officer(client, event, "secretariat")
    base = f"/e/{event.slug}"
    gets = [f"{base}/manage/registrations/{foreign.id}", f"{base}/registrations/{foreign.id}/photo",
            f"{base}/manage/categories/{foreign_category.id}", f"{base}/manage/delegations/{delegation.id}",
            f"{base}/delegations/{delegation.id}"]
    posts = [(f"{base}/manage/registrations/{foreign.id}/decide", {"decision": "approve"}),
             (f"{base}/manage/registrations/{foreign.id}/notes", {"body": "Seen"}),
             (f"{base}/manage/categories/{foreign_category.id}", {"name": "Taken over"}),
             (f"{base}/manage/questions/{question.id}/toggle", {}),
             (f"{base}/manage/invitations/{invitation.id}/resend", {}),
             (f"{base}/manage/invitations/{invitation.id}/revoke", {}),
             (f"{base}/manage/delegations/{delegation.id}", {"name": "Taken over"}),
             (f"{base}/delegations/{delegation.id}/hold", {"hold-count": "1"})]
    codes = [client.get(url).status_code for url in gets] + [client.post(url, data=data).status_code
                                                           for url, data in posts]
    assert codes == [404] * (len(gets) + len(posts))
    assert db.session.scalar(select(func.count(AuditEntry.id))) == audited


def test_officer_approves_and_the_delegate_is_emailed(client, event, category):
    registration = registered(event, category)
    officer(client, event)
    response = client.post(f"/e/{event.slug}/manage/registrations/{registration.id}/decide",
                           data={"decision": "approve", "message": "Welcome to Astana"})
    assert response.status_code == 302
    db.session.expire_all()
    assert registration.state == S.approved
    last = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert (last.to_address, last.subject) == (registration.email, "Your registration is approved")
    assert "Welcome to Astana" in last.body_text


def test_protocol_cannot_decide(client, event, category):
    registration = registered(event, category)
    officer(client, event, "protocol")
    response = client.post(f"/e/{event.slug}/manage/registrations/{registration.id}/decide",
                           data={"decision": "approve"})
    assert response.status_code == 403
    db.session.expire_all()
    assert registration.state == S.submitted


def test_illegal_decision_is_refused_with_a_message(client, event, category):
    registration = registered(event, category)
    services.cancel_registration(registration, actor=registration.user)
    officer(client, event)
    response = client.post(f"/e/{event.slug}/manage/registrations/{registration.id}/decide",
                           data={"decision": "approve"}, follow_redirects=True)
    assert "cannot become approved" in response.get_data(as_text=True)


def test_bulk_approve_fills_places_then_waitlists(client, event, category):
    regs = [registered(event, category) for _ in range(3)]
    officer(client, event)
    response = client.post(f"/e/{event.slug}/manage/registrations/bulk",
                           data={"decision": "approve", "selected": [str(r.id) for r in regs]})
    assert response.status_code == 302
    db.session.expire_all()
    assert [r.state for r in regs] == [S.approved, S.approved, S.waitlisted]


def test_notes_are_kept_for_organisers(client, event, category):
    registration = registered(event, category)
    officer(client, event)
    client.post(f"/e/{event.slug}/manage/registrations/{registration.id}/notes", data={"body": "Called the embassy"})
    page = client.get(f"/e/{event.slug}/manage/registrations/{registration.id}").get_data(as_text=True)
    assert "Called the embassy" in page


def test_notes_are_not_shown_to_the_delegate(client, event, category):
    from tests.factories import PASSWORD

    registration = registered(event, category)
    services.add_note(registration, "Called the embassy", actor=make_user())
    db.session.commit()
    login(client, registration.user.email, PASSWORD)
    assert "Called the embassy" not in client.get(f"/e/{event.slug}/my-registration").get_data(as_text=True)


PASSPORT = dict(visa_letter_needed=True, passport_number="AB1234567", passport_expiry=date(2030, 1, 1),
                date_of_birth=date(1980, 1, 1), place_of_birth="Lahore")


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def approved_traveller(event, category):
    """An approved registration with passport details, landing at 14:30 Astana time."""
    registration = registered(event, category, **PASSPORT)
    services.bulk_decide([registration], "approve", actor=make_user())
    registration.arrival_flight = "KC 922"
    registration.arrival_at = datetime(2027, 4, 20, 9, 30, tzinfo=UTC)
    db.session.commit()
    return registration


def test_export_csv_neutralises_formulas_and_hides_passport_from_protocol(client, event, category):
    registered(event, category, given_name="=HYPERLINK(\"http://x\")", family_name="-Serikova+cmd", **PASSPORT)
    services.add_question(event, label="=SUM(A1)", kind=QuestionKind.text, choices=[], required=False,
                          position=0, actor=None)
    db.session.commit()
    officer(client, event, "protocol")
    rows = csv_rows(client.get(f"/e/{event.slug}/manage/registrations/export.csv"))
    row = dict(zip(rows[0], rows[1]))
    assert [h for h in rows[0] if "passport" in h.lower() or "birth" in h.lower()] == []
    assert (row["Given name"], row["Family name"], rows[0][-1]) == (
        "'=HYPERLINK(\"http://x\")", "'-Serikova+cmd", "'=SUM(A1)")


def test_export_keeps_phone_numbers_as_typed_in_csv_and_xlsx(client, event, category):
    registered(event, category, phone="+7 701 234 56 78")
    db.session.commit()
    officer(client, event)
    rows = csv_rows(client.get(f"/e/{event.slug}/manage/registrations/export.csv"))
    sheet = load_workbook(io.BytesIO(client.get(f"/e/{event.slug}/manage/registrations/export.xlsx").data)).active
    cells = list(sheet.iter_rows())
    phone = [c for c in cells[1] if c.column == [h.value for h in cells[0]].index("Phone") + 1][0]
    assert (dict(zip(rows[0], rows[1]))["Phone"], phone.value, phone.data_type) == (
        "+7 701 234 56 78", "+7 701 234 56 78", "s")


def test_export_xlsx_types_dates_times_and_numbers(client, event, category):
    registration = approved_traveller(event, category)
    officer(client, event)
    sheet = load_workbook(io.BytesIO(client.get(f"/e/{event.slug}/manage/registrations/export.xlsx").data)).active
    header, first = [list(r) for r in sheet.iter_rows(max_row=2)]
    row = {h.value: c for h, c in zip(header, first)}
    assert [(row[k].value, row[k].number_format) for k in
            ("Registration number", "Arrival date", "Arrival (event time)", "Passport expiry", "Badge version")] == [
        (registration.id, "General"), (datetime(2027, 4, 20), "yyyy-mm-dd"),
        (datetime(2027, 4, 20, 14, 30), "yyyy-mm-dd hh:mm"), (datetime(2030, 1, 1), "yyyy-mm-dd"),
        (registration.badge_version, "General")]
    assert row["Arrival date"].is_date and row["Arrival (event time)"].is_date


def test_export_names_countries_and_languages_next_to_their_codes(client, event, category):
    registered(event, category, country="KZ", nationality="PK", languages=["en", "kk"])
    db.session.commit()
    user = make_user(locale="ru")
    grant(user, event, "accreditation")
    db.session.commit()
    login(client, user)
    rows = csv_rows(client.get(f"/e/{event.slug}/manage/registrations/export.csv"))
    start = rows[0].index("Код страны")
    assert rows[0][start:start + 4] == ["Код страны", "Страна", "Код гражданства", "Гражданство"]
    row = dict(zip(rows[0], rows[1]))
    assert (row["Код страны"], row["Страна"], row["Код гражданства"], row["Гражданство"], row["Коды языков"],
            row["Языки"]) == ("KZ", "Казахстан", "PK", "Пакистан", "en, kk", "Английский, Казахский")


def test_export_csv_titles_columns_and_words_values_in_english(client, event, category):
    approved_traveller(event, category)
    officer(client, event)
    response = client.get(f"/e/{event.slug}/manage/registrations/export.csv")
    rows = csv_rows(response)
    row = dict(zip(rows[0], rows[1]))
    assert rows[0][:8] == ["Registration number", "State", "Category", "Delegation", "Title", "Given name",
                           "Family name", "Email"]
    assert rows[0][-4:] == ["Passport number", "Passport expiry", "Date of birth", "Place of birth"]
    assert (row["State"], row["Title"], row["Visa-support letter"], row["Airport transfer"], row["Language codes"],
            row["Arrival date"], row["Arrival (event time)"], row["Passport number"], row["Passport expiry"]) == (
        "Approved", "Dr", "Yes", "No", "en, kk", "2027-04-20", "2027-04-20 14:30", "AB1234567", "2030-01-01")
    assert response.headers["Content-Disposition"] == f'attachment; filename="{event.slug}-registrations.csv"'


def test_export_xlsx_has_passport_for_accreditation(client, event, category):
    registered(event, category, **PASSPORT)
    registered(event, category, given_name="Bilal")
    db.session.commit()
    officer(client, event, "accreditation")
    response = client.get(f"/e/{event.slug}/manage/registrations/export.xlsx?visa=yes")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert (sheet.title, len(rows)) == ("Registrations", 2)
    assert rows[1][rows[0].index("Passport number")] == "AB1234567"


def test_export_for_a_russian_speaking_officer_is_in_russian(client, event, category):
    approved_traveller(event, category)
    user = make_user(locale="ru")
    grant(user, event, "accreditation")
    db.session.commit()
    login(client, user)
    response = client.get(f"/e/{event.slug}/manage/registrations/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    row = dict(zip(rows[0], rows[1]))
    assert sheet.title == "Заявки"
    assert rows[0][:7] == ["Номер заявки", "Статус", "Категория", "Делегация", "Обращение", "Имя", "Фамилия"]
    assert (row["Статус"], row["Обращение"], row["Письмо визовой поддержки"], row["Номер паспорта"],
            row["Прибытие (время мероприятия)"]) == ("Одобрена", "Д-р", "Да", "AB1234567", datetime(2027, 4, 20, 14, 30))


def test_export_of_an_unknown_format_is_not_found(client, event, category):
    officer(client, event)
    assert client.get(f"/e/{event.slug}/manage/registrations/export.doc").status_code == 404


def test_list_flags_likely_duplicates(client, event, category):
    a = registered(event, category, given_name="Same", family_name="Person", visa_letter_needed=True,
                   passport_number="AB1", passport_expiry=date(2030, 1, 1), date_of_birth=date(1980, 1, 1),
                   place_of_birth="X")
    registered(event, category, given_name="same", family_name="PERSON", visa_letter_needed=True,
               passport_number="AB2", passport_expiry=date(2030, 1, 1), date_of_birth=date(1980, 1, 1),
               place_of_birth="X")
    registered(event, category, given_name="Unique")
    officer(client, event)
    page = client.get(f"/e/{event.slug}/manage/registrations").get_data(as_text=True)
    assert page.count("Possible duplicate") == 2
    page = client.get(f"/e/{event.slug}/manage/registrations?duplicates=1").get_data(as_text=True)
    assert ("Unique" in page, a.given_name in page) == (False, True)


def _bulk_registrations(event, category, n):
    rows = [dict(event_id=event.id, category_id=category.id, state=S.submitted, given_name=f"Given{i}",
                 family_name=f"Family{i}", email=f"bulk{i}@example.org", country="KZ", languages=[], answers={})
            for i in range(n)]
    db.session.execute(insert(Registration), rows)
    db.session.commit()


def test_list_query_count_stays_constant_as_registrations_grow(client, event, count_queries):
    category = make_category(event, approval=ApprovalMode.moderated)
    officer(client, event)
    url = f"/e/{event.slug}/manage/registrations"
    # More than a page (50) from the start: a list that ends on its first page is not counted.
    _bulk_registrations(event, category, 60)
    # The test's app context (and so `g`, with the policy cache) outlives each request.
    g.pop("policy_cache", None)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    _bulk_registrations(event, category, 940)
    g.pop("policy_cache", None)
    with count_queries() as large:
        assert client.get(url).status_code == 200
    assert large.count == small.count, "\n".join(small.statements)


def test_dashboard_shows_registration_figures(client, event, count_queries):
    experts = make_category(event, "Experts", approval=ApprovalMode.auto, capacity=1)
    make_category(event, "Media")
    registered(event, experts)
    registered(event, experts)
    officer(client, event, "viewer")
    url = f"/e/{event.slug}/manage/"
    page = client.get(url).get_data(as_text=True)
    assert "Registrations by state" in page and "Registrations by category and state" in page
    assert "Experts" in page and "Media" in page
    from app.registration import dashboard

    counts = dashboard.state_counts(event)
    assert (counts[S.approved], counts[S.waitlisted], counts[S.submitted]) == (1, 1, 0)
    with count_queries() as counter:
        rows = dashboard.summary(event)
        dashboard.state_counts(event, rows)
        dashboard.category_state_counts(event, rows)
        dashboard.countries(event, rows)
    assert counter.count == 2  # one grouped query shared by the figures, one for the category names


def test_deciding_says_the_new_state_or_why_not(client, event, category):
    first, second, third = (registered(event, category) for _ in range(3))
    officer(client, event)
    detail = f"/e/{event.slug}/manage/registrations/{{}}".format
    client.get(detail(first.id))  # shows the welcome

    for registration, told_ in ((first, ("success", "The registration is now approved.")),
                                (second, ("success", "The registration is now approved.")),
                                (third, ("warning", "No place is left: the registration is on the waitlist."))):
        response = client.post(detail(registration.id) + "/decide", data={"decision": "approve"})
        assert (response.headers["Location"], told(client, detail(registration.id))) == (
            detail(registration.id), [told_])
    response = client.post(detail(first.id) + "/decide", data={"decision": "reject"})
    assert (response.headers["Location"], told(client, detail(first.id))) == (
        detail(first.id), [("danger", "A registration that is approved cannot become rejected.")])
    response = client.post(detail(first.id) + "/decide", data={"decision": "ban"})
    assert (response.headers["Location"], told(client, detail(first.id))) == (
        detail(first.id), [("danger", "Choose a decision.")])
    db.session.expire_all()
    assert ([r.state for r in (first, second, third)], audit_actions()[-3:]) == (
        [S.approved, S.approved, S.waitlisted], ["registration.approved", "registration.approved",
                                                 "registration.waitlisted"])


def test_decision_options_are_drawn_in_each_readers_language(client, event, category):
    """The options are built once, at import; their labels are translated for each page."""
    registration = registered(event, category)
    officer(client, event)
    url = f"/e/{event.slug}/manage/registrations/{registration.id}"
    options = [[(option.get("value"), option.text) for option in
                html(client.get(f"{url}?lang={lang}")).xpath('//select[@name="decision"]/option')]
               for lang in ("en", "ru", "kk", "en")]
    english = [("approve", "Approve"), ("reject", "Reject"), ("waitlist", "Waitlist")]
    assert options == [english,
                       [("approve", "Одобрить"), ("reject", "Отклонить"), ("waitlist", "Включить в лист ожидания")],
                       [("approve", "Мақұлдау"), ("reject", "Қабылдамау"), ("waitlist", "Күту тізіміне қосу")],
                       english]
