"""The officers' list at scale: duplicates kept on write and read through their flag,
pages whose cost does not grow with the list, and the indexes PostgreSQL uses."""
from __future__ import annotations

import re
from datetime import date

import pytest
from flask import g
from sqlalchemy import func, insert, select, text

from app.accounts.models import User
from app.extensions import db
from app.registration import keys, services
from app.registration.dashboard import duplicate_count
from app.registration.models import Registration, RegistrationState as S
from app.utils import paging
from tests.factories import grant, login, make_category, make_user, queries_for
from tests.registration.conftest import details

BORN = date(1980, 5, 1)
PASSPORT = dict(visa_letter_needed=True, passport_number="N1234567", passport_expiry=date(2031, 1, 1),
                date_of_birth=BORN, place_of_birth="Almaty")


def registered(event, category, **overrides):
    user = make_user()
    return services.create_registration(event, user, details(**overrides), category=category, actor=user)


def flags(*registrations) -> list[bool]:
    db.session.flush()
    return [services.is_duplicate(r) for r in registrations]


def test_a_twin_stops_being_flagged_when_the_other_is_cancelled_changed_or_deleted(event):
    category = make_category(event)
    a = registered(event, category, given_name="Aliya")
    b = registered(event, category, given_name="Bolat")
    c = registered(event, category, given_name="Chingiz")
    assert flags(a, b, c) == [False, False, False]
    b.email = a.email.upper()
    assert flags(a, b, c) == [True, True, False]
    b.state = S.cancelled
    assert flags(a, b, c) == [False, False, False]
    b.state = S.submitted
    c.email = a.email
    assert flags(a, b, c) == [True, True, True]
    db.session.delete(b)
    c.email = "someone.else@example.org"
    assert flags(a, c) == [False, False]
    db.session.commit()


def test_same_names_and_birth_date_are_twins_until_the_birth_date_is_deleted(event):
    category = make_category(event)
    a = registered(event, category, given_name="Aliya", family_name="Serikova", **PASSPORT)
    b = registered(event, category, given_name="ALIYA", family_name="serikova", **PASSPORT)
    assert flags(a, b) == [True, True]
    assert duplicate_count(event) == 1
    b.date_of_birth = None
    assert flags(a, b) == [False, False]
    assert duplicate_count(event) == 0


def test_refresh_event_flags_rows_written_around_the_session(event):
    category = make_category(event)
    rows = [dict(event_id=event.id, category_id=category.id, state=S.submitted, given_name=f"G{i}",
                 family_name="F", email=f"same{i % 2}@example.org", country="KZ", languages=[], answers={},
                 email_key=f"same{i % 2}@example.org") for i in range(3)]
    rows.append(dict(rows[0], email="alone@example.org", email_key="alone@example.org"))
    db.session.execute(insert(Registration), rows)
    keys.refresh_event(db.session.connection(), event.id)
    flagged = dict(db.session.execute(select(Registration.email, Registration.duplicate)
                                      .where(Registration.event_id == event.id)).tuples().all())
    assert flagged == {"same0@example.org": True, "same1@example.org": False, "alone@example.org": False}


# --- Pages at any size ------------------------------------------------------------------

def _bulk(event, category, start: int, n: int) -> None:
    """n registrations in Kazakhstan, every two sharing an address (so all are likely
    duplicates), written around the session as a large import would be."""
    rows = []
    for i in range(start, start + n):
        email = f"pair{i // 2}@example.org"
        rows.append(dict(event_id=event.id, category_id=category.id, state=S.submitted, given_name=f"Given{i}",
                         family_name=f"Family{i}", email=email, email_key=email, country="KZ", languages=[],
                         answers={}, search_text=f"given{i} family{i}\x1f{email}\x1f"))
    db.session.execute(insert(Registration), rows)
    keys.refresh_event(db.session.connection(), event.id)
    db.session.commit()


def _accreditation_officer_logged_in(client, event):
    """An accreditation officer of the event, logged in; the category to register in."""
    category = make_category(event)
    officer = make_user()
    grant(officer, event, "accreditation")
    db.session.commit()
    login(client, officer)
    return category


@pytest.mark.parametrize("query", ["", "?duplicates=1", "?q=given", "?country=KZ", "?country=KZ&state=submitted"])
def test_list_pages_run_as_many_queries_with_5_or_50_rows(client, event, count_queries, query, monkeypatch):
    # Pages of 5: both lists fill more than a page (one that ends on its first page is not counted).
    monkeypatch.setattr("app.registration.views.review.PER_PAGE", 5)
    monkeypatch.setattr(paging, "LOOKAHEAD_PAGES", 20)
    category = _accreditation_officer_logged_in(client, event)
    url = f"/e/{event.slug}/manage/registrations{query}"
    _bulk(event, category, 0, 6)
    g.pop("policy_cache", None)
    small = queries_for(client, url, count_queries)
    _bulk(event, category, 6, 50)
    g.pop("policy_cache", None)
    large = queries_for(client, url, count_queries)
    assert large == small
    page = client.get(url).get_data(as_text=True)
    assert "(56)" in page  # the total is exact below ten pages


def test_a_long_list_counts_ten_pages_ahead_and_offers_the_next(client, event, monkeypatch):
    monkeypatch.setattr(paging, "LOOKAHEAD_PAGES", 2)
    monkeypatch.setattr("app.registration.views.review.PER_PAGE", 5)
    category = make_category(event)
    officer = make_user()
    grant(officer, event, "accreditation")
    login(client, officer)
    _bulk(event, category, 0, 23)
    url = f"/e/{event.slug}/manage/registrations"
    first = client.get(url).get_data(as_text=True)
    assert "(more than 10)" in first
    assert "?page=2&amp;" in first and "?page=3&amp;" not in first
    third = client.get(url + "?page=3").get_data(as_text=True)
    assert "(more than 20)" in third and "?page=4&amp;" in third
    last = client.get(url + "?page=5").get_data(as_text=True)
    # Newest first: the last page ends at 0 (whole words: the officer's own name may be "Given3029").
    assert "(23)" in last and re.search(r"\bGiven0\b", last) and not re.search(r"\bGiven3\b", last)


# --- PostgreSQL's plans --------------------------------------------------------------

def _plan(statement) -> str:
    """PostgreSQL's plan for the statement the code runs, with sequential scans made
    as dear as they go: an index that can answer it is then used."""
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(db.session.execute(text("EXPLAIN " + sql)).scalars())
    db.session.rollback()
    return plan


@pytest.mark.postgres_only
def test_login_and_list_search_use_their_indexes_on_postgresql(app, event, is_postgres):
    if not is_postgres:
        pytest.skip("plans are PostgreSQL's")
    category = make_category(event)
    db.session.execute(insert(Registration), [
        dict(event_id=event.id, category_id=category.id, state=S.submitted, given_name=f"Given{i}",
             family_name=f"Family{i}", email=f"person{i}@example.org", organisation=f"Ministry {i}",
             search_text=f"given{i} family{i}\x1fperson{i}@example.org\x1fministry {i}",
             country=("KZ", "UZ", "KG", "PK")[i % 4], languages=[], answers={}) for i in range(4000)])
    db.session.execute(text("ANALYZE registrations"))
    db.session.commit()
    # What User.by_email runs when someone logs in.
    assert "ix_users_email_lower" in _plan(select(User).where(func.lower(User.email) == "someone@example.org"))
    # The search's condition is answered by the trigram index (the planner picks it
    # once the event's rows outnumber what it finds).
    assert "ix_registrations_search_trgm" in _plan(select(Registration.id).where(keys.contains("serik")))
    assert "ix_registrations_event_duplicate" in _plan(services.registration_query(event, {"duplicates": True}))
    assert "ix_registrations_event_country" in _plan(services.registration_query(event, {"country": "KZ"}))


@pytest.mark.postgres_only
def test_twins_written_at_the_same_moment_in_two_transactions_are_both_flagged(app, event, database_url):
    """Two delegates register the same person at once: the second
    writer waits for the first one's key lock, then sees its row."""
    import threading
    import time

    from app.events.models import Event
    from app.registration.models import Category

    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite lets one writer at a time")
    category = make_category(event)
    users = [make_user(), make_user()]
    db.session.commit()
    event_id, category_id, user_ids = event.id, category.id, [u.id for u in users]
    first_flushed, errors = threading.Event(), []

    def write(index):
        with app.app_context():
            try:
                user = db.session.get(User, user_ids[index])
                services.create_registration(db.session.get(Event, event_id), user,
                                             details(given_name="Aliya", family_name="Twin", **PASSPORT),
                                             category=db.session.get(Category, category_id), actor=user)
                db.session.flush()
                if index == 0:
                    first_flushed.set()
                    time.sleep(0.5)  # the second writer flushes meanwhile
                db.session.commit()
            except Exception as exc:  # reported below
                db.session.rollback()
                errors.append(exc)
            finally:
                db.session.remove()

    first = threading.Thread(target=write, args=(0,))
    first.start()
    assert first_flushed.wait(10)
    second = threading.Thread(target=write, args=(1,))
    second.start()
    first.join(30)
    second.join(30)
    assert errors == []
    db.session.expire_all()
    rows = db.session.scalars(select(Registration).where(Registration.event_id == event_id)).all()
    assert len(rows) == 2 and rows[0].person_key == rows[1].person_key
    assert [r.duplicate for r in rows] == [True, True]


def test_key_lock_numbers_are_stable_64_bit_numbers_per_event_and_key():
    ids = {keys.lock_id(1, f"person{i}@example.org") for i in range(1000)}
    assert len(ids) == 1000 and all(-2**63 <= i < 2**63 for i in ids)
    assert keys.lock_id(1, "a@example.org") != keys.lock_id(2, "a@example.org")
    assert keys.lock_id(1, "a@example.org") == keys.lock_id(1, "a@example.org")


def test_a_list_that_ends_on_its_page_is_not_counted(client, event, count_queries):
    """Its total is the rows shown: one statement fewer than a longer list, same total."""
    category = _accreditation_officer_logged_in(client, event)
    url = f"/e/{event.slug}/manage/registrations"
    _bulk(event, category, 0, 6)
    g.pop("policy_cache", None)
    short = queries_for(client, url, count_queries)
    assert "(6)" in client.get(url).get_data(as_text=True)
    _bulk(event, category, 6, 60)
    g.pop("policy_cache", None)
    assert queries_for(client, url, count_queries) == short + 1
    assert "(66)" in client.get(url).get_data(as_text=True)

