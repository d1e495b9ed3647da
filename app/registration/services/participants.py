"""The public participant list.

Approved delegates who ticked "show me in the public participant list", and of them
only what that box names: formal name, position, organisation, country, delegation.
The category stays out: it is the secretariat's classification (some categories are
invitation-only, badges and access follow it) and the delegate never agreed to show it.
"""
from __future__ import annotations

from sqlalchemy import String, and_, func, or_, select
from sqlalchemy.orm import joinedload, load_only

from app.extensions import db
from app.registration.models import Delegation, Registration, RegistrationSettings, RegistrationState
from app.registration.services.delegations import delegations_named
from app.utils.countries import is_country
from app.utils.paging import MAX_PAGE


PARTICIPANT_FIELDS = ("honorific", "given_name", "family_name", "organisation", "position", "country",
                      "delegation_id")


MAX_SEARCH_WORDS = 6


class ParticipantFilters:
    """The list's search words and country, read from query arguments: malformed values
    are dropped, never an error; an unknown country is remembered to be pointed out."""

    def __init__(self, q: str = "", country: str = "", bad_country: str = ""):
        self.q, self.country, self.bad_country = q, country, bad_country

    @classmethod
    def from_args(cls, args) -> "ParticipantFilters":
        q = " ".join((args.get("q") or "").split())[:100]
        country = (args.get("country") or "").strip()[:10].upper()
        if country and not is_country(country):
            return cls(q=q, bad_country=country)
        return cls(q=q, country=country)

    @property
    def words(self) -> list[str]:
        return self.q.split()[:MAX_SEARCH_WORDS]

    def link_args(self) -> dict[str, str]:
        """The query arguments that give the same list (for the pages' links)."""
        return {k: v for k, v in (("q", self.q), ("country", self.country)) if v}


def _listed(event) -> tuple:
    """Who is in the public list: approved, with their own account, and agreed to it.
    A held place without a name and a registration back in review are not."""
    return (Registration.event_id == event.id, Registration.state == RegistrationState.approved,
            Registration.public_listing.is_(True), Registration.user_id.is_not(None))


def _contains_word(column, word: str):
    """`column` contains `word`, case aside, in any script (lower() folds every
    alphabet on both databases: see `tune_sqlite`)."""
    return func.lower(column, type_=String).contains(word.lower(), autoescape=True)


def participant_query(event, filters: ParticipantFilters):
    """The public list's statement: listed delegates by family name, then given name.
    It reads the shown fields and the delegation's name, no other column."""
    stmt = (select(Registration).where(*_listed(event))
            .options(load_only(*(getattr(Registration, f) for f in PARTICIPANT_FIELDS)),
                     joinedload(Registration.delegation).load_only(Delegation.name)))
    if filters.country:
        stmt = stmt.where(Registration.country == filters.country)
    if filters.words:
        # A word may also name the delegation, in any language of the event.
        conditions = []
        for w in filters.words:
            named = delegations_named(event, w)
            conditions.append(or_(_contains_word(Registration.given_name, w),
                                  _contains_word(Registration.family_name, w),
                                  _contains_word(Registration.organisation, w),
                                  *([Registration.delegation_id.in_(named)] if named else [])))
        stmt = stmt.where(and_(*conditions))
    return stmt.order_by(func.lower(Registration.family_name), func.lower(Registration.given_name),
                         Registration.id)


def participants_page(event, filters: ParticipantFilters, *, page: int, per_page: int):
    """One page of the public list (a count and a page of rows). A page past the end
    shows the last one (two more queries, only then)."""
    stmt = participant_query(event, filters)
    page = min(max(page, 1), MAX_PAGE)
    pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    if pagination.page > 1 and pagination.page > pagination.pages:
        pagination = db.paginate(stmt, page=max(pagination.pages, 1), per_page=per_page, error_out=False)
    return pagination


def participant_countries(event) -> list[str]:
    """The country codes of the listed delegates (for the list's country filter): one query."""
    return list(db.session.scalars(select(Registration.country).where(*_listed(event), Registration.country != "")
                                   .distinct()))


def participant_list_switched_on(event) -> bool:
    """Whether organisers have opened the event's public participant list (asked by
    the access rules, which may not read this domain's tables)."""
    return bool(db.session.scalar(select(RegistrationSettings.participant_list)
                                  .where(RegistrationSettings.event_id == event.id)))


def participant_list_switched_on_clause(event):
    """`participant_list_switched_on` as an SQL condition (read with other facts in one query)."""
    return select(RegistrationSettings.event_id).where(RegistrationSettings.event_id == event.id,
                                                       RegistrationSettings.participant_list.is_(True)).exists()


def is_approved_delegate(user, event) -> bool:
    """Whether `user` holds an approved registration for `event`."""
    return db.session.scalar(select(Registration.id).where(
        Registration.event_id == event.id, Registration.user_id == user.id,
        Registration.state == RegistrationState.approved).limit(1)) is not None
