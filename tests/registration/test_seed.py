from sqlalchemy import func, select

from app.extensions import db
from app.registration.models import Category, Delegation, Registration, RegistrationState as S
from app.seed import seed_demo


def test_seed_is_idempotent_and_gives_the_demo_delegate_an_approved_registration(app):
    accounts = seed_demo()
    db.session.commit()
    seed_demo()
    db.session.commit()
    assert ("delegate@example.org", "delegate with an approved registration") in accounts
    assert db.session.scalar(select(func.count(Category.id))) == 8
    pakistan = db.session.scalars(select(Delegation)).one()
    assert (pakistan.name, pakistan.head.email) == ("Pakistan", "pk.focal@example.org")
    delegate = db.session.scalars(select(Registration).where(Registration.email == "delegate@example.org")).one()
    assert delegate.state == S.approved
    states = set(db.session.scalars(select(Registration.state)))
    assert states == {S.approved, S.submitted, S.waitlisted, S.rejected, S.cancelled}
