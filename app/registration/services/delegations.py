"""Delegations: their heads register members under a quota, hold places before
names are known and give a place to someone else; organisers rank them."""
from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.accounts.services import create_token, create_user
from app.audit.services import audited_update, record, snapshot
from app.extensions import db
from app.registration.models import Category, Delegation, Registration, RegistrationState
from app.registration.services.errors import AlreadyRegistered, RegistrationError
from app.registration.services.lifecycle import insert_registration, submit_registration
from app.registration.services.settings import live_registration
from app.registration.services.transitions import (AUDIT_FIELDS, NULLABLE_FIELDS, TRAVEL_BLANKS, TRAVEL_FIELDS,
                                                   apply_details, clear_passport, invalidate_badge, notify_delegate)
from app.utils.translated import Translated
from app.utils.urls import external_url


DELEGATION_FIELDS = ("name", "country", "category_id", "head_user_id", "quota", "protocol_rank")


MEMBER_FIELDS = ("honorific", "given_name", "family_name", "organisation", "position", "nationality", "country")


def delegations_in_protocol_order(event) -> list[Delegation]:
    """Delegations by their category's protocol rank, then their own rank, then name."""
    return list(db.session.scalars(
        select(Delegation).outerjoin(Category, Category.id == Delegation.category_id)
        .options(joinedload(Delegation.category), joinedload(Delegation.head))
        .where(Delegation.event_id == event.id)
        .order_by(func.coalesce(Category.protocol_rank, 10000), Delegation.protocol_rank, Delegation.name)))


def delegation_counts(event) -> dict[int, dict[RegistrationState, int]]:
    """{delegation id: {state: count}} in one grouped query."""
    result: dict[int, dict[RegistrationState, int]] = {}
    for delegation_id, state, n in db.session.execute(
            select(Registration.delegation_id, Registration.state, func.count(Registration.id))
            .where(Registration.event_id == event.id, Registration.delegation_id.is_not(None))
            .group_by(Registration.delegation_id, Registration.state)).all():
        result.setdefault(delegation_id, {})[state] = n
    return result


def members(delegation: Delegation) -> list[Registration]:
    """The delegation's registrations in protocol order (cancelled last)."""
    return list(db.session.scalars(
        select(Registration).join(Category, Category.id == Registration.category_id)
        .options(joinedload(Registration.category), joinedload(Registration.user))
        .where(Registration.delegation_id == delegation.id)
        .order_by((Registration.state == RegistrationState.cancelled), Category.protocol_rank,
                  Registration.protocol_rank, Registration.family_name, Registration.id)))


def delegations_led(event, user) -> list[Delegation]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return list(db.session.scalars(select(Delegation).where(Delegation.event_id == event.id,
                                                            Delegation.head_user_id == user.id)
                                   .order_by(Delegation.name)))


def save_delegation(event, delegation: Delegation | None, data: dict, *, actor) -> Delegation:
    """Create or change a delegation; audited. `data` may name the head by
    `head_email` (an existing account) instead of `head_user_id`. Refused when no
    account uses that address, or another delegation of the event has the name."""
    if "head_email" in data:
        email = data["head_email"]
        head = User.by_email(email) if email else None
        if email and head is None:
            raise RegistrationError(_l("No account uses this address. Ask the person to create one first."),
                                    field="head_email")
        data = {**data, "head_user_id": head.id if head else None}
    if "name" in data:
        name = data["name"]
        if isinstance(name, str):
            # One plain name is the version in the event's own language; the others stay.
            name = (delegation.name.with_text(event.default_language, name) if delegation is not None
                    else Translated.coerce(name, event.default_language))
        data = {**data, "name": Translated.coerce(name, event.default_language)}
        if not any(text.strip() for text in data["name"].texts.values()):
            raise RegistrationError(_l("Enter the delegation's name."), field="name")
        if delegation_name_taken(event, data["name"], exclude=delegation):
            raise RegistrationError(_l("Another delegation already has this name."), field="name")
    created = delegation is None
    if created:
        delegation = Delegation(event_id=event.id)
        db.session.add(delegation)
    audited_update(delegation, data, DELEGATION_FIELDS, actor=actor,
                   action="delegation.create" if created else "delegation.update", event=event,
                   summary=str(delegation.name)[:250])
    return delegation


def delegation_name_taken(event, name, *, exclude: Delegation | None = None) -> bool:
    """True when another delegation of `event` has this name in any language (a plain
    name: in the event's own language)."""
    name = Translated.coerce(name, event.default_language)
    stmt = select(Delegation).where(Delegation.event_id == event.id)
    if exclude is not None:
        stmt = stmt.where(Delegation.id != exclude.id)
    return any(other.name.clashes_with(name) for other in db.session.scalars(stmt))


def delegation_named(event, name: str, lang: str = "en") -> Delegation | None:
    """The delegation of `event` whose name in `lang` is `name` (for the demo and scripts)."""
    return next((d for d in db.session.scalars(select(Delegation).where(Delegation.event_id == event.id))
                 if d.name.get(lang) == name), None)


def delegations_named(event, search: str) -> list[int]:
    """Ids of the event's delegations whose name, in any language, contains `search`
    (the few delegations are read and compared here, so the stored languages' codes
    never match a word)."""
    word = search.casefold()
    return [d.id for d in db.session.scalars(select(Delegation).where(Delegation.event_id == event.id))
            if word in d.name.searchable().casefold()]


def plain_name(delegation: Delegation) -> str:
    """The delegation's name as first written, for a text kept in one language (a
    member's organisation)."""
    return delegation.name.original or str(delegation.name)


def _lock_delegation(delegation: Delegation) -> None:
    """Serialise quota checks of one delegation (see `lock_places` for SQLite)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Delegation.id).where(Delegation.id == delegation.id)
                           .with_for_update(key_share=True))


def _check_quota(delegation: Delegation) -> None:
    """Called after the new rows are flushed: refuses (the caller rolls back) if over quota."""
    if delegation.quota is None:
        return
    used = db.session.scalar(select(func.count(Registration.id)).where(
        Registration.delegation_id == delegation.id,
        Registration.state.not_in((RegistrationState.cancelled, RegistrationState.rejected))))
    if used > delegation.quota:
        raise RegistrationError(_l("The delegation's quota of %(quota)d places is used up.", quota=delegation.quota))


def _delegation_category(delegation: Delegation) -> Category:
    if delegation.category is None:
        raise RegistrationError(_l("Give the delegation a category first."))
    return delegation.category


def hold_places(delegation: Delegation, count: int, *, actor) -> list[Registration]:
    """Hold `count` places under the quota before names are known: registrations
    without a person, submitted like any other of the delegation's category."""
    if not 1 <= count <= 100:
        raise RegistrationError(_l("Hold between 1 and 100 places at a time."))
    category = _delegation_category(delegation)
    _lock_delegation(delegation)
    held = []
    for _ in range(count):
        registration = Registration(event=delegation.event, user=None, category=category, delegation=delegation,
                                    state=RegistrationState.draft, organisation=plain_name(delegation),
                                    country=delegation.country)
        db.session.add(registration)
        held.append(registration)
    db.session.flush()
    _check_quota(delegation)
    for registration in held:
        record(actor=actor, action="registration.hold", obj=registration, event=delegation.event,
               summary=str(delegation.name))
        submit_registration(registration, actor=actor)
    return held


def _member_account(email: str, data: dict):
    """The member's account, created (unverified) when the address has none.
    Returns (user, set_password_url or None)."""
    user = User.by_email(email)
    if user is not None:
        return user, None
    user = create_user(email=email, password=secrets.token_urlsafe(24), verified=False,
                       **{k: v for k, v in data.items() if k in ("honorific", "given_name", "family_name",
                                                                 "organisation", "position", "country")})
    raw = create_token(user, "reset", hours=24 * 14)
    return user, external_url("accounts.reset_password", token=raw)


def register_member(delegation: Delegation, email: str, data: dict, *, actor) -> Registration:
    """The head (or accreditation) registers a member on their behalf. The member
    gets their own account (a link to choose a password when new) and an email;
    the registration is submitted at once, the head vouching for the address."""
    category = _delegation_category(delegation)
    _lock_delegation(delegation)
    user, set_password_url = _member_account(email, data)
    if live_registration(delegation.event, user) is not None:
        raise RegistrationError(_l("%(email)s is already registered for this event.", email=email))
    registration = Registration(event=delegation.event, user=user, category=category, delegation=delegation,
                                email=user.email, state=RegistrationState.draft, organisation=plain_name(delegation),
                                country=delegation.country)
    insert_registration(registration, data)
    _check_quota(delegation)
    record(actor=actor, action="registration.create", obj=registration, event=delegation.event,
           summary=f"{registration.full_name} ({delegation.name})", after=snapshot(registration, AUDIT_FIELDS))
    notify_delegate(registration, "registration_member_added", head=actor, set_password_url=set_password_url)
    submit_registration(registration, actor=actor)
    return registration


def substitute_member(registration: Registration, email: str, data: dict, *, actor) -> Registration:
    """Put another person on a delegation's place (or name a held place). The place,
    state and approval stay; the replaced person is emailed and their badge stops
    being valid. Audited."""
    if registration.delegation is None or registration.state in (RegistrationState.cancelled,
                                                                 RegistrationState.rejected):
        raise RegistrationError(_l("Only a live place of a delegation can be given to someone else."))
    user, set_password_url = _member_account(email, data)
    if user.id == registration.user_id:
        raise RegistrationError(_l("This person already holds the place."))
    if live_registration(registration.event, user) is not None:
        raise RegistrationError(_l("%(email)s is already registered for this event.", email=email))
    replaced = registration.user
    before = snapshot(registration, AUDIT_FIELDS + ("user_id",))
    if replaced is not None:
        notify_delegate(registration, "registration_replaced")
        invalidate_badge(registration)
    registration.user = user
    registration.email = user.email
    # Nothing of the replaced person stays on the place: the newcomer starts, like a
    # member registered by the head, from the delegation's organisation and country,
    # and has agreed to nothing (not to the public participant list either).
    clear_passport(registration)
    registration.visa_letter_needed = False
    registration.photo_filename = ""
    registration.organisation = plain_name(registration.delegation)
    registration.country = registration.delegation.country
    registration.phone = registration.dietary = registration.accessibility = ""
    registration.languages = []
    registration.arrival_date = registration.departure_date = None
    registration.public_listing = False
    registration.answers = {}
    for field in TRAVEL_FIELDS:
        setattr(registration, field, None if field in NULLABLE_FIELDS else TRAVEL_BLANKS.get(field, ""))
    registration.travel_updated_at = None
    apply_details(registration, data)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise AlreadyRegistered() from exc
    record(actor=actor, action="registration.substitute", obj=registration, event=registration.event,
           summary=f"{registration.full_name} ({registration.delegation.name})", before=before,
           after=snapshot(registration, AUDIT_FIELDS + ("user_id",)))
    notify_delegate(registration, "registration_member_added", head=actor, set_password_url=set_password_url)
    return registration


def set_member_rank(registration: Registration, rank: int, *, actor) -> None:
    audited_update(registration, {"protocol_rank": rank}, ("protocol_rank",), actor=actor,
                   action="registration.rank", event=registration.event, summary=registration.full_name)
