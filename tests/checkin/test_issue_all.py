""""Issue every letter" for many delegates at once: each email is the one a letter issued
alone would send (its template rendered once per language, the names and references put
in), each letter makes its own webhook delivery, and two officers pressing the button at
the same moment give every delegate exactly one letter."""
from __future__ import annotations

import time
from datetime import date

import pytest
from sqlalchemy import event as sa_event, func, select

from app.api.models import Webhook, WebhookDelivery
from app.checkin.models import VisaLetter
from app.checkin.services import letters, settings_for
from app.extensions import db
from app.mail.services import render_email
from app.utils.urls import external_url
from tests.checkin.conftest import make_delegate, outbox
from tests.factories import run_in_threads

PASSPORT = dict(nationality="PK", visa_letter_needed=True, passport_number="AB1234567",
                passport_expiry=date(2031, 5, 1), date_of_birth=date(1980, 2, 3))


def test_each_email_is_the_one_a_letter_issued_alone_sends(app, summit, staff):
    event, cats = summit
    people = [("en", "Ms", "Amina", "Diallo"), ("ru", "Ms", "Aigerim", "Bekova"), ("kk", "Mr", "Aidos", "Zhaksylykov"),
              ("ru", "Dr", "Ivan", "Petrov"), ("en", "", "Tom", "O'Brien <Jr> & Co"), ("kk", "H.E.", "Ali", "Khan")]
    family_of = {}
    for locale, honorific, given, family in people:
        delegate = make_delegate(event, cats["government"], given=given, family=family, honorific=honorific,
                                 photo=False, **PASSPORT)
        delegate.user.locale = locale
        family_of[delegate.user_id] = family
    db.session.commit()
    issued = letters.issue_waiting(event, actor=staff["accreditation"])
    db.session.commit()
    sent = {m.user_id: m for m in outbox("visa_letter_issued")}
    assert len(issued) == len(sent) == 6
    status_url = external_url("registration.my_registration", slug=event.slug)
    for letter in db.session.scalars(select(VisaLetter).where(VisaLetter.id.in_(issued))):
        registration, user = letter.registration, letter.registration.user
        alone = render_email(to=user.email, template="visa_letter_issued", locale=user.locale, event=event,
                             name=_formal_name(registration, user.locale), reference=letter.reference,
                             replaced=False, status_url=status_url)
        message = sent[user.id]
        assert (message.to_address, message.locale, message.subject, message.body_text, message.body_html) == (
            user.email, user.locale, alone.subject, alone.body_text, alone.body_html)
    bodies = {family_of[m.user_id]: m.body_text.splitlines()[0] for m in sent.values()}
    assert bodies["Diallo"] == "Hello Ms Amina Diallo,"
    assert bodies["Bekova"].startswith("Здравствуйте") and "Г-жа Aigerim Bekova" in bodies["Bekova"]
    assert "O'Brien <Jr> & Co" in bodies["O'Brien <Jr> & Co"]
    html = next(m.body_html for m in sent.values() if family_of[m.user_id].startswith("O'Brien"))
    assert "&lt;Jr&gt; &amp; Co" in html and "<Jr>" not in html


def _formal_name(registration, locale):
    from flask_babel import force_locale  # the reader's language, as the single letter's email has it

    with force_locale(locale):
        return registration.formal_name


def test_every_letter_issued_together_makes_its_own_webhook_delivery(app, summit, staff):
    event, cats = summit
    wanted = Webhook(event_id=event.id, url="https://hooks.example.org/a", events=["visa_letter.issued"],
                     secret="s", active=True, failures=0)
    other = Webhook(event_id=event.id, url="https://hooks.example.org/b", events=["registration.approved"],
                    secret="s", active=True, failures=0)
    db.session.add_all([wanted, other])
    for i in range(5):
        make_delegate(event, cats["government"], given=f"Visa{i}", family="Applicant", photo=False, **PASSPORT)
    db.session.commit()
    issued = letters.issue_waiting(event, actor=staff["accreditation"])
    db.session.commit()
    deliveries = list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))
    assert [(d.webhook_id, d.event_type, d.status) for d in deliveries] == [
        (wanted.id, "visa_letter.issued", "pending")] * 5
    assert [d.payload["object"] for d in deliveries] == [{"type": "VisaLetter", "id": str(i)} for i in issued]
    assert len({d.payload["id"] for d in deliveries}) == 5
    assert all(d.payload["event_id"] == event.id for d in deliveries)


@pytest.fixture
def slow_letter_counts(app):
    """Each count of the event's letters takes a little longer, as on a busy database
    server: both officers have read who is waiting before either writes, unless the
    lock makes the second wait."""

    def pause(conn, cursor, statement, parameters, context, executemany):
        if "count(visa_letters.id)" in statement:
            time.sleep(0.2)

    sa_event.listen(db.engine, "after_cursor_execute", pause)
    yield
    sa_event.remove(db.engine, "after_cursor_execute", pause)


def _two_officers_issue_all(app, summit, staff):
    event, cats = summit
    people = [make_delegate(event, cats["government"], given=f"Visa{i:02d}", family="Applicant", photo=False,
                            **PASSPORT).id for i in range(40)]
    settings_for(event)
    db.session.commit()
    event_id, officers = event.id, [staff["accreditation"].id, staff["secretariat"].id]
    issued = []

    def officer(user_id):
        def press():
            from app.accounts.models import User
            from app.events.models import Event

            issued.append(letters.issue_waiting(db.session.get(Event, event_id),
                                                actor=db.session.get(User, user_id)))
            db.session.commit()
        return press

    errors = run_in_threads(app, [officer(uid) for uid in officers])
    db.session.expire_all()
    per_delegate = dict(db.session.execute(
        select(VisaLetter.registration_id, func.count(VisaLetter.id)).group_by(VisaLetter.registration_id)).all())
    return people, per_delegate, issued, errors


@pytest.mark.slow
def test_two_officers_issuing_every_letter_at_once_give_each_delegate_one(app, summit, staff, slow_letter_counts):
    people, per_delegate, issued, errors = _two_officers_issue_all(app, summit, staff)
    assert errors == []
    assert per_delegate == {rid: 1 for rid in people}
    assert sorted(len(ids) for ids in issued) == [0, 40]  # the second found nobody left waiting
    references = list(db.session.scalars(select(VisaLetter.reference).order_by(VisaLetter.id)))
    assert references[0].endswith("-VL-0001") and references[-1].endswith("-VL-0040")


@pytest.mark.slow
def test_two_officers_collide_without_the_lock(app, summit, staff, slow_letter_counts, leave_out_locks):
    """Control run: proves the test above would see the race if the lock were missing."""
    leave_out_locks("letters")
    _people, per_delegate, issued, errors = _two_officers_issue_all(app, summit, staff)
    # Both numbered from the same count: one is refused (or, on SQLite, finds the database locked).
    assert len(errors) == 1 and any(s in str(errors[0]) for s in ("at once", "locked")), errors
