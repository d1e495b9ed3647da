"""Emails in the recipient's language, the organisers' content inside them too: the
event's name and city, category names, and the messages organisers write, which
hold one version per language."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.extensions import db
from app.mail.models import OutboxMessage
from app.registration import services
from app.registration.models import Invitation, RegistrationState as S
from app.utils.translated import Translated
from tests.factories import grant, login, make_category, make_user
from tests.registration.conftest import details

EVENT = {"en": "Regional Water Summit", "ru": "Региональный водный саммит", "kk": "Өңірлік су саммиті"}
CITY = {"en": "Astana", "ru": "Астана", "kk": "Астана қаласы"}
CATEGORY = {"en": "Climate expert", "ru": "Эксперт по климату", "kk": "Климат сарапшысы"}
WELCOME = {"en": "We look forward to your keynote.", "ru": "Ждём вашего доклада.", "kk": "Баяндамаңызды күтеміз."}


@pytest.fixture
def summit(event):
    event.title = Translated(EVENT, "en")
    event.city = Translated(CITY, "en")
    db.session.flush()
    return event


@pytest.fixture
def category(summit):
    return make_category(summit, Translated(CATEGORY, "en"))


def _mail(to: str) -> OutboxMessage:
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == to)
                              .order_by(OutboxMessage.id.desc())).first()


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_invitation_carries_the_event_city_and_message_in_the_invitees_language(summit, category, lang):
    services.create_invitation(summit, email=f"{lang}@example.gov", category=category, actor=make_user(),
                               message=Translated(WELCOME, "en"), locale=lang)
    db.session.commit()
    mail = _mail(f"{lang}@example.gov")
    assert EVENT[lang] in mail.subject
    assert CITY[lang] in mail.body_text and EVENT[lang] in mail.body_text
    assert WELCOME[lang] in mail.body_text and WELCOME[lang] in mail.body_html
    others = [WELCOME[other] for other in WELCOME if other != lang]
    assert not any(text in mail.body_text for text in others)


def test_invitation_message_missing_in_the_invitees_language_falls_back_to_the_written_one(summit, category):
    services.create_invitation(summit, email="kk@example.gov", category=category, actor=make_user(),
                               message={"ru": WELCOME["ru"], "@": "ru"}, locale="kk")
    db.session.commit()
    mail = _mail("kk@example.gov")
    assert WELCOME["ru"] in mail.body_text and EVENT["kk"] in mail.subject


def test_plain_message_is_the_events_own_language(summit, category):
    summit.languages = ["kk", "ru", "en"]
    invitation = services.create_invitation(summit, email="a@example.gov", category=category, actor=make_user(),
                                            message="Құрметпен шақырамыз.", locale="en")
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Invitation, invitation.id).message
    assert stored.source == "kk" and stored.get("kk") == "Құрметпен шақырамыз."


def _officer(client, event):
    user = make_user()
    grant(user, event, "accreditation")
    db.session.commit()
    login(client, user)


def test_invitation_form_takes_a_message_per_language(client, summit, category):
    _officer(client, summit)
    page = client.get(f"/e/{summit.slug}/manage/invitations").get_data(as_text=True)
    assert all(f'name="one-message-{lang}"' in page for lang in ("en", "ru", "kk"))
    response = client.post(f"/e/{summit.slug}/manage/invitations", data={
        "one-email": "minister@example.gov", "one-honorific": "H.E.", "one-locale": "kk",
        "one-category": str(category.id), "one-delegation": "0", "one-submit": "Send",
        **{f"one-message-{lang}": text for lang, text in WELCOME.items()}})
    assert response.status_code == 302
    invitation = db.session.scalars(select(Invitation)).one()
    assert invitation.message.texts == WELCOME
    assert WELCOME["kk"] in _mail("minister@example.gov").body_text


def test_csv_invitations_each_read_the_message_in_their_language(client, summit, category):
    _officer(client, summit)
    csv_text = "email,given_name,family_name,title,language\nru@example.org,Иван,Петров,Mr,ru\n" \
               "kk@example.org,Айгерім,Сейтова,Ms,kk\nen@example.org,Ann,Smith,Ms,\n"
    response = client.post(f"/e/{summit.slug}/manage/invitations", data={
        "csv-file": (io.BytesIO(csv_text.encode()), "list.csv"), "csv-category": str(category.id),
        "csv-delegation": "0", "csv-submit": "Send", **{f"csv-message-{lang}": t for lang, t in WELCOME.items()}},
        content_type="multipart/form-data")
    assert response.status_code == 302
    for lang in ("ru", "kk", "en"):
        mail = _mail(f"{lang}@example.org")
        assert mail.locale == lang and WELCOME[lang] in mail.body_text and EVENT[lang] in mail.subject


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_decision_email_names_event_and_category_and_gives_the_message_in_the_delegates_language(
        summit, category, lang):
    user = make_user(locale=lang)
    registration = services.create_registration(summit, user, details(), category=category, actor=user)
    services.decide(registration, "approve", actor=make_user(), message=Translated(WELCOME, "en"))
    db.session.commit()
    assert registration.state == S.approved
    mail = _mail(user.email)
    assert mail.template == "registration_status" and mail.locale == lang
    assert EVENT[lang] in mail.body_text and CATEGORY[lang] in mail.body_text
    assert WELCOME[lang] in mail.body_text and WELCOME["en"] not in mail.body_text


def test_bulk_decision_message_reaches_each_delegate_in_their_language(client, summit, category):
    people = {lang: make_user(locale=lang) for lang in ("en", "ru", "kk")}
    registrations = [services.create_registration(summit, u, details(), category=category, actor=u)
                     for u in people.values()]
    _officer(client, summit)
    page = client.get(f"/e/{summit.slug}/manage/registrations").get_data(as_text=True)
    assert all(f'name="message-{lang}"' in page for lang in ("en", "ru", "kk"))
    response = client.post(f"/e/{summit.slug}/manage/registrations/bulk", data={
        "decision": "approve", "selected": [str(r.id) for r in registrations],
        **{f"message-{lang}": text for lang, text in WELCOME.items()}})
    assert response.status_code == 302
    for lang, user in people.items():
        mail = _mail(user.email)
        assert WELCOME[lang] in mail.body_text and EVENT[lang] in mail.body_text


def test_audit_keeps_the_message_as_the_organiser_wrote_it(summit, category):
    from app.audit.models import AuditEntry

    user = make_user(locale="kk")
    registration = services.create_registration(summit, user, details(), category=category, actor=user)
    services.decide(registration, "reject", actor=make_user(), message=Translated({"ru": WELCOME["ru"]}, "ru"))
    db.session.commit()
    summaries = list(db.session.scalars(select(AuditEntry.summary).order_by(AuditEntry.id)))
    assert summaries[-1] == WELCOME["ru"]
