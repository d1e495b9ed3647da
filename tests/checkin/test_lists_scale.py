"""On-site pages at scale: the visa-letter page a page at a time, "issue every letter"
in a fixed number of statements, and the desk's name search in a fixed number of
queries (also after the desk commits)."""
from __future__ import annotations

from datetime import date

from flask import g
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.checkin.models import VisaLetter
from app.checkin.services import letters, settings_for
from app.extensions import db
from app.mail.models import OutboxMessage
from tests.checkin.conftest import make_delegate
from tests.factories import login, queries_for

PASSPORT = dict(nationality="PK", visa_letter_needed=True, passport_number="AB1234567",
                passport_expiry=date(2031, 5, 1), date_of_birth=date(1980, 2, 3), departure_date=date(2027, 4, 24))


def _visa_delegates(event, category, start: int, n: int) -> list:
    people = [make_delegate(event, category, given=f"Visa{i:03d}", family="Applicant", photo=False, **PASSPORT)
              for i in range(start, start + n)]
    db.session.commit()
    return people


def test_letters_page_runs_as_many_queries_with_5_or_50_people(client, summit, staff, count_queries, monkeypatch):
    event, cats = summit
    login(client, staff["accreditation"])
    # Pages of 4 while counting: both lists fill more than a page at both sizes (a list that
    # ends on its first page is not counted).
    monkeypatch.setattr("app.checkin.views.letters.PER_PAGE", 4)
    url = f"/e/{event.slug}/manage/visa-letters"
    _visa_delegates(event, cats["government"], 0, 5)
    letters.issue_waiting(event, actor=staff["accreditation"])
    _visa_delegates(event, cats["government"], 5, 5)
    g.pop("policy_cache", None)
    small = queries_for(client, url, count_queries)
    _visa_delegates(event, cats["government"], 10, 45)
    letters.issue_waiting(event, actor=staff["accreditation"])
    _visa_delegates(event, cats["government"], 55, 50)
    g.pop("policy_cache", None)
    large = queries_for(client, url, count_queries)
    assert large == small
    monkeypatch.undo()
    page = client.get(url).get_data(as_text=True)
    # 50 waiting on one page; of the 55 letters, the newest 50 first.
    assert "Visa055" in page and "Visa104" in page and "Visa000" not in page
    assert "Visa000" in client.get(url, query_string={"letters_page": 2}).get_data(as_text=True)
    found = client.get(url, query_string={"q": "visa07"}).get_data(as_text=True)
    assert "Visa070" in found and "Visa080" not in found


def test_issue_all_takes_as_many_statements_for_5_or_50_letters_and_one_audit_entry(app, summit, staff,
                                                                                 count_queries):
    event, cats = summit
    actor = staff["accreditation"]
    settings_for(event)  # made by the first letter otherwise
    counts = []
    for start, n in ((0, 5), (5, 50)):
        _visa_delegates(event, cats["government"], start, n)
        db.session.expire_all()
        with count_queries() as counter:
            issued = letters.issue_waiting(event, actor=actor)
            db.session.flush()
        assert len(issued) == n
        counts.append(counter.count)
        db.session.commit()
    assert counts[1] == counts[0], "\n".join(counter.statements[:40])
    references = list(db.session.scalars(select(VisaLetter.reference).order_by(VisaLetter.id)))
    assert references[0].endswith("-VL-0001") and references[-1].endswith("-VL-0055")
    assert len(set(references)) == 55
    assert [e.summary for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "visa_letter.issue_all").order_by(AuditEntry.id))] == [
        f"5: {references[0]} – {references[4]}", f"50: {references[5]} – {references[-1]}"]
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.template == "visa_letter_issued")) == 55
    assert letters.any_issuable(event) is False


def _search(client, text: str):
    return client.post("/e/astana/manage/checkin", data={"code": text}, headers={"Accept": "application/json"})


def test_desk_name_search_runs_as_many_queries_for_3_or_15_matches(client, summit, staff, count_queries):
    event, cats = summit
    login(client, staff["checkin"])
    for i in range(3):
        make_delegate(event, cats["expert"], given=f"Nurlan{i}", family="Abenov", photo=False)
    db.session.commit()
    db.session.expire_all()
    g.pop("policy_cache", None)
    with count_queries() as small:
        answer = _search(client, "abenov").get_json()
    assert answer["html"].count("Abenov") == 3
    for i in range(3, 15):
        make_delegate(event, cats["expert"], given=f"Nurlan{i}", family="Abenov", photo=False)
    db.session.commit()
    db.session.expire_all()
    g.pop("policy_cache", None)
    with count_queries() as large:
        answer = _search(client, "abenov").get_json()
    assert answer["html"].count("Abenov") == 15
    assert large.count == small.count, "\n".join(large.statements)
