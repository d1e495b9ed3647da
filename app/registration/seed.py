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


PRIVACY_NOTICE = """\
The secretariat of the {title} (the organiser) uses the personal data you give when you
register only to organise the summit: to accredit you, print your badge, admit you on site,
write your visa-support letter if you ask for one, and plan rooms, meals and transport.

### What we collect
- **Your registration:** title, names as in your passport, organisation, position, the
  country you represent, nationality, email address, mobile phone, languages, dietary and
  accessibility needs, arrival and departure dates, and your answers to our questions.
- **A badge photo**, if you upload one.
- **Travel details** once you are approved: flights, hotel and whether you need an airport transfer.
- **Passport data**, only if you ask for a visa-support letter: passport number and expiry
  date, date and place of birth.
- **On site:** when your badge is scanned at an entrance.

### Passport data and how long we keep it
Passport data is used only to write your visa-support letter. Only you, the accreditation
service and the secretariat can see it; it is never in the participant list, on your badge or
in the programme. It is deleted **{days} days after the last day of the summit** (sooner if
your registration is cancelled or not accepted). The rest of your registration is kept for one
year after the summit for the report to our funders, then anonymised: the summit's figures keep
counting you without your name, and its published programme stays as it was.

### Who sees what
- **Accreditation and the secretariat** see your whole registration.
- **The protocol service** sees your name, title, position, organisation, country and
  delegation, to seat and greet delegations.
- **Check-in staff** see your name, photo, category and badge at the entrance.
- **A head of delegation** sees the registrations of their delegation's members.
- **Everyone else** sees nothing of you, unless you agree to the participant list.

### The participant list
If you tick "Show me in the public participant list", your title, name, position,
organisation, country and delegation appear on the summit's participant list once you are
approved. Your email address and phone number never do. You can change your mind at any time
on your registration page, and you disappear from the list at once.

### Your rights
You can see and correct your registration at any time on "My registration", cancel it,
download a copy of everything we hold about you from your account page, and ask there for your
account to be erased (it is done two weeks later, unless you cancel the request). We never sell your data or pass it to
anyone outside the organiser; a visa-support letter goes only to you, for the consulate you
show it to.

### Contact
Write to the secretariat at [{contact}](mailto:{contact}) with any question about your data.
"""


def _privacy_notice(event) -> None:
    """The demo event's privacy notice, with the retention period its settings give;
    a notice organisers wrote is kept."""
    if not event.privacy_notice:
        event.privacy_notice = PRIVACY_NOTICE.format(
            title=event.title, days=services.settings_for(event).passport_retention_days,
            contact=event.contact_email or "secretariat@example.org")


def seed(event) -> list[tuple[str, str]]:
    _privacy_notice(event)
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
