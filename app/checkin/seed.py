"""Demo on-site data: the demo delegate's badge, a few sessions in their agenda and a
workshop sign-up. Idempotent; does nothing until the registration demo data has
approved delegate@example.org and the agenda is published."""
from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.checkin import services
from app.extensions import db
from app.personal import services as personal
from app.personal.models import AgendaStar
from app.utils.translated import text_in

DELEGATE = "delegate@example.org"
WANTED = ("Opening ceremony", "Transboundary water cooperation in the Aral Sea basin",
          "Satellites and AI for glacier monitoring")
WORKSHOP = "Workshop: building a national adaptation plan"


def seed(event) -> list[tuple[str, str]]:
    user = User.by_email(DELEGATE)
    registration = personal.delegate_registration(event, user) if user is not None else None
    if registration is None:
        return []
    services.ensure_badge(registration)
    agenda = personal.delegate_agenda(event, registration)
    if agenda is None:
        return []
    already = db.session.scalar(select(AgendaStar.id).where(AgendaStar.user_id == user.id,
                                                            AgendaStar.event_id == event.id).limit(1))
    if already is None:
        for s in agenda.sessions:
            title = text_in(s.title, "en")  # the demo sessions are known by their English titles
            if title in WANTED:
                personal.star(event, user, agenda, s.id)
            elif title == WORKSHOP and s.signup_required:
                personal.sign_up_for_workshop(event, user, agenda, s.id, actor=user)
    return []
