"""The registrations export reads its rows as it writes them (in chunks from a
server-side cursor), in a fixed number of queries, with the same file as before."""
from __future__ import annotations

import csv
import inspect
import io
import os
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert, select

from app.extensions import db
from app.registration import services
from app.registration.models import Delegation, QuestionKind, Registration, RegistrationState as S
from app.registration.services import review
from tests.factories import grant, login, login_session, make_category, make_user
from tests.registration.conftest import details


def _small_event(event):
    """Two registrations touching every kind of cell: a delegation, passport details,
    times, answers to custom questions, text a spreadsheet would run as a formula."""
    category = make_category(event, "Climate expert / academia")
    delegation = Delegation(event_id=event.id, name="Kazakhstan", country="KZ")
    db.session.add(delegation)
    db.session.flush()
    diet = services.add_question(event, label="Diet", kind=QuestionKind.text, choices=[], required=False,
                                 position=0, actor=None)
    tour = services.add_question(event, label="Tour", kind=QuestionKind.yesno, choices=[], required=False,
                                 position=1, actor=None)
    trips = services.add_question(event, label="=Trips", kind=QuestionKind.multi,
                                  choices=["Burabay", "City tour"], required=False, position=2, actor=None)
    first = services.create_registration(event, make_user(), details(
        visa_letter_needed=True, passport_number="AB1234567", passport_expiry=date(2030, 1, 1),
        date_of_birth=date(1980, 1, 1), place_of_birth="Lahore"), category=category, actor=None)
    second = services.create_registration(event, make_user(), details(
        honorific="", given_name="=HYPERLINK(\"http://x\")", family_name="Әлиев", phone="+7 701 234 56 78",
        organisation="-Org+cmd", country="PK", nationality="PK", languages=["ru"], dietary="Halal",
        arrival_date=None, departure_date=None, public_listing=False), category=category, actor=None)
    services.bulk_decide([first], "approve", actor=make_user())
    first.arrival_flight, first.arrival_at, first.hotel = "KC 922", datetime(2027, 4, 20, 9, 30, tzinfo=UTC), "Rixos"
    first.delegation_id = delegation.id
    first.email, second.email = "aliya@example.org", "bilal@example.org"
    first.answers = {str(diet.id): "Vegan", str(tour.id): "yes", str(trips.id): ["Burabay", "City tour"]}
    second.answers = {str(tour.id): "no"}
    first.submitted_at = datetime(2027, 3, 1, 20, 15, tzinfo=UTC)
    second.submitted_at = datetime(2027, 3, 2, 4, 5, tzinfo=UTC)
    user = make_user()
    grant(user, event, "accreditation")
    db.session.commit()
    return user, first, second


GOLDEN = os.path.join(os.path.dirname(__file__), "golden")


def _xlsx_cells(data: bytes):
    sheet = load_workbook(io.BytesIO(data)).active
    return sheet.title, [[[c.value.isoformat() if hasattr(c.value, "isoformat") else c.value, c.data_type,
                           c.number_format] for c in row] for row in sheet.iter_rows()]


def test_export_is_the_same_file_as_before_streaming(client, event):
    """The files of a small event, byte for byte (CSV) and cell for cell (XLSX: value,
    type, number format), as the exports wrote them when they were built in memory."""
    import json

    user, first, second = _small_event(event)
    assert (first.id, second.id) == (1, 2)
    login(client, user)
    response = client.get(f"/e/{event.slug}/manage/registrations/export.csv")
    assert response.is_streamed and response.headers["Cache-Control"] == "private, no-store"
    with open(os.path.join(GOLDEN, "export_small.csv"), "rb") as f:
        assert response.data == f.read()
    response = client.get(f"/e/{event.slug}/manage/registrations/export.xlsx")
    with open(os.path.join(GOLDEN, "export_small.json"), encoding="utf-8") as f:
        golden = json.load(f)
    assert _xlsx_cells(response.data) == (golden["title"], golden["cells"])
    assert response.content_length == len(response.data)


def _many(event, category, count: int, start: int = 0) -> None:
    delegation = Delegation(event_id=event.id, name=f"Delegation {start}", country="KZ")
    db.session.add(delegation)
    db.session.flush()
    db.session.execute(insert(Registration), [
        dict(event_id=event.id, category_id=category.id, state=S.approved if n % 2 else S.submitted,
             delegation_id=delegation.id if n % 3 else None, given_name=f"Given{n}", family_name=f"Family{n}",
             email=f"person{n}@example.org", country="KZ", languages=["en"], answers={},
             submitted_at=datetime(2027, 3, 1, tzinfo=UTC)) for n in range(start, start + count)])
    db.session.commit()


def test_export_rows_are_a_generator_read_in_chunks(app, event, count_queries, monkeypatch):
    category = make_category(event)
    services.add_question(event, label="Diet", kind=QuestionKind.text, choices=[], required=False, position=0,
                          actor=None)
    _many(event, category, 7)
    monkeypatch.setattr(review, "EXPORT_CHUNK", 2)
    with app.test_request_context():
        with count_queries() as before:
            table = services.export_table(event, {}, with_passport=False)
        assert inspect.isgenerator(table.rows) and not isinstance(table.rows, list)
        with count_queries() as reading:
            first = next(table.rows)
        with count_queries() as rest:
            others = list(table.rows)
    # Nothing is read before the first row is asked for; then one statement, whose
    # rows come chunk by chunk with their category and delegation.
    assert [s for s in before.statements if "FROM registrations" in s] == []
    assert (reading.count, rest.count) == (1, 0)
    assert len(others) + 1 == 7 and first[table.keys.index("given_name")] == "Given6"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_queries_do_not_grow_with_rows(client, event, count_queries, fmt):
    category = make_category(event)
    services.add_question(event, label="Diet", kind=QuestionKind.text, choices=[], required=False, position=0,
                          actor=None)
    user = make_user()
    grant(user, event, "accreditation")
    _many(event, category, 5)
    login(client, user)
    url = f"/e/{event.slug}/manage/registrations/export.{fmt}"
    client.get(url).get_data()
    with count_queries() as small:
        assert len(client.get(url).get_data()) > 0
    _many(event, category, 45, start=5)
    with count_queries() as large:
        data = client.get(url).get_data()
    assert small.count == large.count
    rows = (list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) if fmt == "csv"
            else list(load_workbook(io.BytesIO(data)).active.iter_rows()))
    assert len(rows) == 1 + 50


def test_export_audit_counts_the_rows_of_the_filter(client, event):
    category = make_category(event)
    _many(event, category, 6)
    user = make_user()
    grant(user, event, "accreditation")
    db.session.commit()
    login(client, user)
    rows = list(csv.reader(io.StringIO(client.get(
        f"/e/{event.slug}/manage/registrations/export.csv?state=approved").get_data(as_text=True).lstrip("\ufeff"))))
    client.get(f"/e/{event.slug}/manage/registrations/export.xlsx?duplicates=1").get_data()
    from app.audit.models import AuditEntry

    summaries = list(db.session.scalars(select(AuditEntry.summary).where(
        AuditEntry.action == "registration.export").order_by(AuditEntry.id)))
    assert (len(rows) - 1, summaries) == (3, ["csv: 3 rows", "xlsx: 0 rows"])


def test_streamed_csv_reads_its_rows_after_the_view_returned(make_app, event, monkeypatch):
    """Served as in production (no application context around the request): the
    view's database session is closed when it returns, the rows are read afterwards,
    chunk by chunk, and every one arrives."""
    category = make_category(event)
    _many(event, category, 9)
    user = make_user()
    grant(user, event, "accreditation")
    db.session.commit()
    monkeypatch.setattr(review, "EXPORT_CHUNK", 4)
    client = make_app().test_client()
    login_session(client, user)
    response = client.get(f"/e/{event.slug}/manage/registrations/export.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row[rows[0].index("Given name")] for row in rows[1:]] == [f"Given{n}" for n in range(8, -1, -1)]
