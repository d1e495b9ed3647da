"""Demo registration data for the Astana summit: categories, a Pakistan
government delegation, a demo delegate and registrations in several states.

Idempotent: what exists is left alone, what is missing is added.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.accounts.models import User
from app.accounts.services import create_user
from app.extensions import db
from app.registration import services
from app.registration.models import ApprovalMode, Category, Delegation, Registration

DEMO_PASSWORD = "summit-demo"
M, A = ApprovalMode.moderated, ApprovalMode.auto

# name, approval, invite only, capacity, protocol rank, description
CATEGORIES = [
    ("Government delegation", M, True, 250, 10, "Ministers, officials and members of national delegations."),
    ("Diplomatic corps", M, True, 120, 20, "Ambassadors and members of diplomatic missions."),
    ("Climate expert / academia", A, False, 300, 40, "Researchers, universities and independent experts."),
    ("Environmental organisation", A, False, 200, 50, "NGOs and civil society working on the environment."),
    ("Development partner", A, False, 150, 30, "Development banks, UN agencies and donors."),
    ("Private sector", A, False, 150, 60, "Companies and business associations."),
    ("Media", M, False, 80, 70, "Accredited journalists, photographers and camera crews."),
    ("Observer", M, False, 60, 80, "Observers admitted by the secretariat."),
]

DELEGATE = dict(honorific="Dr", given_name="Aliya", family_name="Serikova", organisation="Nazarbayev University",
                position="Professor of Hydrology", country="KZ", nationality="KZ", phone="+7 701 555 01 02",
                languages=["kk", "ru", "en"], dietary="", accessibility="", arrival_date=date(2027, 4, 20),
                departure_date=date(2027, 4, 24), visa_letter_needed=False, public_listing=True)

# email, category, details, what happens after submission
OTHERS = [
    ("amina.diallo@example.org", "Environmental organisation",
     dict(honorific="Ms", given_name="Amina", family_name="Diallo", organisation="Green Steppe Alliance",
          position="Programme director", country="SN", nationality="SN", languages=["fr", "en"]), None),
    ("kenji.sato@example.org", "Media",
     dict(honorific="Mr", given_name="Kenji", family_name="Sato", organisation="Asia Climate Review",
          position="Correspondent", country="JP", nationality="JP", languages=["ja", "en"]), None),
    ("elena.petrova@example.org", "Observer",
     dict(honorific="Ms", given_name="Elena", family_name="Petrova", organisation="Independent",
          position="Consultant", country="RU", nationality="RU", languages=["ru"]), "waitlist"),
    ("tom.becker@example.org", "Private sector",
     dict(honorific="Mr", given_name="Tom", family_name="Becker", organisation="SolarGrid GmbH",
          position="CEO", country="DE", nationality="DE", languages=["de", "en"], visa_letter_needed=True,
          passport_number="C01X00T47", passport_expiry=date(2031, 6, 30), date_of_birth=date(1979, 2, 14),
          place_of_birth="Hamburg"), "cancel"),
    ("media.rejected@example.org", "Media",
     dict(honorific="Mr", given_name="Ivan", family_name="Ivanov", organisation="Unknown blog",
          position="Writer", country="KZ", nationality="KZ", languages=["ru"]), "reject"),
    # Approved at once (automatic categories), so the public participant list has people
    # from several countries; the last one did not agree to be listed.
    ("gulnora.karimova@example.org", "Development partner",
     dict(honorific="Ms", given_name="Gulnora", family_name="Karimova", organisation="Central Asia Water Fund",
          position="Senior water specialist", country="UZ", nationality="UZ", languages=["uz", "ru", "en"]), None),
    ("bakyt.osmonov@example.org", "Environmental organisation",
     dict(honorific="Mr", given_name="Bakyt", family_name="Osmonov", organisation="Tian Shan Glacier Watch",
          position="Field coordinator", country="KG", nationality="KG", languages=["ky", "ru"]), None),
    ("ingrid.halvorsen@example.org", "Climate expert / academia",
     dict(honorific="Prof.", given_name="Ingrid", family_name="Halvorsen", organisation="Nordic Climate Institute",
          position="Professor of Glaciology", country="NO", nationality="NO", languages=["en"]), None),
    ("arman.tokayev@example.org", "Private sector",
     dict(honorific="Mr", given_name="Arman", family_name="Tokayev", organisation="Steppe Solar LLP",
          position="Managing director", country="KZ", nationality="KZ", languages=["kk", "ru", "en"],
          public_listing=False), None),
]


def _account(email: str, **profile) -> User:
    return User.by_email(email) or create_user(email=email, password=DEMO_PASSWORD, **profile)


def _categories(event) -> dict[str, Category]:
    existing = {c.name: c for c in db.session.scalars(select(Category).where(Category.event_id == event.id))}
    for position, (name, approval, invite_only, capacity, rank, description) in enumerate(CATEGORIES):
        if name not in existing:
            existing[name] = services.save_category(event, None, dict(
                name=name, approval=approval, invite_only=invite_only, capacity=capacity, protocol_rank=rank,
                position=position, description=description, active=True), actor=None)
    return existing


def _register(event, user, category, data, *, actor=None):
    registration = services.live_registration(event, user)
    if registration is None:
        registration = services.create_registration(event, user, {**DELEGATE, **data}, category=category,
                                                    actor=actor or user)
    return registration


def seed(event) -> list[tuple[str, str]]:
    categories = _categories(event)
    secretariat = User.by_email("secretariat@example.org")

    delegate = _account("delegate@example.org", honorific="Dr", given_name="Aliya", family_name="Serikova",
                        organisation="Nazarbayev University", position="Professor of Hydrology", country="KZ")
    first_run = services.live_registration(event, delegate) is None
    registration = _register(event, delegate, categories["Climate expert / academia"], {})
    if registration.state.value == "submitted":
        services.approve_registration(registration, actor=secretariat)

    head = _account("pk.focal@example.org", honorific="Mr", given_name="Farrukh", family_name="Iqbal",
                    organisation="Ministry of Climate Change, Pakistan", position="Joint Secretary", country="PK")
    pakistan = db.session.scalar(select(Delegation).where(Delegation.event_id == event.id,
                                                          Delegation.name == "Pakistan"))
    if pakistan is None:
        pakistan = services.save_delegation(event, None, dict(
            name="Pakistan", country="PK", category_id=categories["Government delegation"].id,
            head_user_id=head.id, quota=6, protocol_rank=50), actor=secretariat)
        lead = services.register_member(pakistan, head.email, dict(
            honorific="Mr", given_name="Farrukh", family_name="Iqbal", position="Joint Secretary",
            nationality="PK", organisation="Ministry of Climate Change, Pakistan"), actor=secretariat)
        lead.protocol_rank = 1
        member = services.register_member(pakistan, "pk.adviser@example.org", dict(
            honorific="Ms", given_name="Sana", family_name="Mirza", position="Climate adviser", nationality="PK",
            organisation="Ministry of Climate Change, Pakistan"), actor=head)
        services.approve_registration(lead, actor=secretariat)
        services.approve_registration(member, actor=secretariat)
        # The head agrees to be listed from his own registration page; the adviser has not.
        services.update_registration(lead, {"public_listing": True}, actor=head)
        services.hold_places(pakistan, 2, actor=head)

    for email, category_name, data, outcome in OTHERS:
        user = _account(email, given_name=data["given_name"], family_name=data["family_name"],
                        organisation=data["organisation"], country=data["country"])
        exists = db.session.scalar(select(Registration.id).where(Registration.event_id == event.id,
                                                                 Registration.user_id == user.id))
        if exists is not None:
            continue
        registration = _register(event, user, categories[category_name], data)
        if outcome == "waitlist":
            services.waitlist_registration(registration, actor=secretariat, message="The observer list is full.")
        elif outcome == "reject":
            services.reject_registration(registration, actor=secretariat,
                                         message="We could not confirm your media accreditation.")
        elif outcome == "cancel":
            services.cancel_registration(registration, actor=user, reason="Schedule conflict")
    if first_run:
        # The demo opens its participant list; later runs leave the setting as organisers made it.
        services.update_settings(event, {"participant_list": True}, actor=secretariat)
    db.session.flush()
    # The head of the Pakistan delegation (pk.focal@example.org) also has the demo password.
    return [("delegate@example.org", "delegate with an approved registration")]
