from sqlalchemy import func, select

from app.events.models import Event
from app.extensions import db
from app.registration import services
from app.registration.models import Category, Delegation, Registration, RegistrationState as S
from app.seed import DEMO_SLUG, seed_demo
from tests.factories import page


def test_seed_is_idempotent_and_gives_the_demo_delegate_an_approved_registration(app):
    accounts = seed_demo()
    db.session.commit()
    seed_demo()
    db.session.commit()
    assert ("delegate@example.org", "delegate with an approved registration") in accounts
    assert db.session.scalar(select(func.count(Category.id))) == 8
    pakistan = db.session.scalars(select(Delegation).where(Delegation.country == "PK")).one()
    assert (pakistan.name.texts, pakistan.head.email) == ({"en": "Pakistan", "ru": "Пакистан", "kk": "Пәкістан"},
                                                          "pk.focal@example.org")
    delegate = db.session.scalars(select(Registration).where(Registration.email == "delegate@example.org")).one()
    assert delegate.state == S.approved
    states = set(db.session.scalars(select(Registration.state)))
    assert states == {S.approved, S.submitted, S.waitlisted, S.rejected, S.cancelled}


def test_demo_event_opens_its_participant_list_with_the_delegates_who_agreed(app, client):
    seed_demo()
    db.session.commit()
    response = client.get(f"/e/{DEMO_SLUG}/participants")
    assert response.status_code == 200
    names = [n.strip() for n in page(response).xpath('//ul[contains(@class, "participant-list")]/li/div/div[1]/span[1]'
                                                     '/text()')]
    # Approved and agreed; not the adviser or the private-sector delegate (did not agree), nor
    # the journalist (pending), the observer (waitlisted), the blogger (rejected), the cancelled one.
    assert names == ["Ms Amina Diallo", "Prof. Ingrid Halvorsen", "Mr Farrukh Iqbal", "Ms Gulnora Karimova",
                     "Mr Bakyt Osmonov", "Dr Aliya Serikova"]
    # Organisers who switch it off are not overruled by the next seeding.
    event = db.session.scalars(select(Event).where(Event.slug == DEMO_SLUG)).one()
    services.update_settings(event, {"participant_list": False}, actor=None)
    db.session.commit()
    seed_demo()
    db.session.commit()
    assert client.get(f"/e/{DEMO_SLUG}/participants").status_code == 404
