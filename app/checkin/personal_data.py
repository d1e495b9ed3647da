"""On-site work's part of personal data rights (registered with app/privacy in the
wiring). Check-ins stay (the figures count them); letters lose the holder's name."""
from __future__ import annotations

from sqlalchemy import select, update

from app.checkin.models import Badge, CheckIn, VisaLetter
from app.extensions import db
from app.registration.models import Registration


def _theirs(user):
    return select(Registration.id).where(Registration.user_id == user.id)


def export(user) -> dict:
    badges = db.session.scalars(select(Badge).where(Badge.registration_id.in_(_theirs(user))))
    checkins = db.session.execute(select(CheckIn.event_id, CheckIn.scope, CheckIn.checked_in_at, CheckIn.method)
                                  .where(CheckIn.registration_id.in_(_theirs(user))).order_by(CheckIn.id)).all()
    letters = db.session.scalars(select(VisaLetter).where(VisaLetter.registration_id.in_(_theirs(user)))
                                 .order_by(VisaLetter.id))
    return {
        "badges": [{"event_id": b.event_id, "version": b.version, "issued_at": b.issued_at,
                    "printed_count": b.printed_count} for b in badges],
        "check_ins": [{"event_id": e, "door": scope, "at": at, "method": method.value}
                      for e, scope, at, method in checkins],
        "visa_letters": [{"event_id": v.event_id, "reference": v.reference, "state": v.state.value,
                          "holder_name": v.holder_name, "valid_until": v.valid_until, "issued_at": v.issued_at}
                         for v in letters],
    }


def erase_person(user, pseudonym: str, actor) -> list[str]:
    names = list(db.session.scalars(select(VisaLetter.holder_name).where(
        VisaLetter.registration_id.in_(_theirs(user)))))
    db.session.execute(update(VisaLetter).where(VisaLetter.registration_id.in_(_theirs(user)))
                       .values(holder_name=pseudonym))
    return names


def anonymise_event(event, actor) -> int:
    return db.session.execute(update(VisaLetter).where(VisaLetter.event_id == event.id)
                              .values(holder_name="—")).rowcount or 0
