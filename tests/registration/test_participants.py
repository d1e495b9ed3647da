"""The public participant list: who is in it, what it shows, and how the organisers open it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.registration import services
from app.registration.models import Registration, RegistrationState as S
from tests.factories import grant, login_session, make_category, make_event, make_user, page, queries_for
from tests.registration.conftest import details, set_event_settings


@pytest.fixture
def category(event):
    return make_category(event, "Climate expert / academia", protocol_rank=40)


@pytest.fixture
def officer(event):
    user = make_user("officer@example.org")
    grant(user, event, "accreditation")
    return user


@pytest.fixture
def list_on(event):
    set_event_settings(event, participant_list=True)
    db.session.commit()
    return event


def delegate(event, category, officer, given, family, *, state=S.approved, consent=True, delegation=None,
             **fields) -> Registration:
    """A delegate registered through the services and brought to `state`."""
    user = make_user(f"{given}.{family}@example.org".lower(), given_name=given, family_name=family)
    registration = services.create_registration(
        event, user, details(given_name=given, family_name=family, public_listing=consent, **fields),
        category=category, actor=user, delegation=delegation)
    if state in (S.approved, S.rejected, S.waitlisted):
        services.decide(registration, {S.approved: "approve", S.rejected: "reject", S.waitlisted: "waitlist"}[state],
                        actor=officer)
    elif state == S.cancelled:
        services.cancel_registration(registration, actor=user)
    assert registration.state == state
    return registration


def listed_names(response) -> list[str]:
    assert response.status_code == 200
    return [name.strip() for name in page(response).xpath('//ul[contains(@class, "participant-list")]'
                                                          '/li/div/div[1]/span[1]/text()')]


def text(response) -> str:
    return response.get_data(as_text=True)


# --- Who is listed ------------------------------------------------------------------------

def test_consenting_approved_delegate_is_listed_with_what_they_agreed_to_show(client, event, category, officer,
                                                                              list_on):
    pakistan = services.save_delegation(event, None, {"name": "Pakistan", "country": "PK", "category_id": category.id,
                                                      "head_user_id": None, "quota": None, "protocol_rank": 10},
                                        actor=officer)
    delegate(event, category, officer, "Farrukh", "Iqbal", honorific="Mr", position="Joint Secretary",
             organisation="Ministry of Climate Change", country="PK", delegation=pakistan)
    db.session.commit()
    response = client.get(f"/e/{event.slug}/participants")
    assert listed_names(response) == ["Mr Farrukh Iqbal"]
    entry = page(response).xpath('//ul[contains(@class, "participant-list")]/li')[0]
    assert " ".join(entry.text_content().split()) == ("Mr Farrukh Iqbal Joint Secretary Ministry of Climate Change "
                                                      "Pakistan Delegation: Pakistan")


def test_only_approved_delegates_who_agreed_are_listed(client, event, category, officer, list_on):
    delegate(event, category, officer, "Aliya", "Serikova")
    delegate(event, category, officer, "Nurlan", "Quiet", consent=False)
    delegate(event, category, officer, "Pending", "Person", state=S.submitted)
    delegate(event, category, officer, "Cancelled", "Person", state=S.cancelled)
    delegate(event, category, officer, "Rejected", "Person", state=S.rejected)
    delegate(event, category, officer, "Waiting", "Person", state=S.waitlisted)
    # An approved delegate who changed their name is back in review, so off the list until approved again.
    renamed = delegate(event, category, officer, "Renamed", "Person")
    services.update_registration(renamed, {"given_name": "Changed"}, actor=renamed.user)
    db.session.commit()
    assert renamed.state == S.submitted
    assert listed_names(client.get(f"/e/{event.slug}/participants")) == ["Dr Aliya Serikova"]


def test_delegate_who_withdraws_consent_leaves_the_list(client, event, category, officer, list_on):
    registration = delegate(event, category, officer, "Aliya", "Serikova")
    db.session.commit()
    assert listed_names(client.get(f"/e/{event.slug}/participants")) == ["Dr Aliya Serikova"]
    services.update_registration(registration, {"public_listing": False}, actor=registration.user)
    db.session.commit()
    assert listed_names(client.get(f"/e/{event.slug}/participants")) == []


def test_held_place_without_a_name_is_not_listed(client, event, category, officer, list_on):
    delegation = services.save_delegation(event, None, {"name": "Pakistan", "country": "PK", "category_id": category.id,
                                                        "head_user_id": None, "quota": 5, "protocol_rank": 10},
                                          actor=officer)
    held = services.hold_places(delegation, 1, actor=officer)[0]
    # Whatever the row says, a place without a person is nobody to list.
    held.state, held.public_listing, held.family_name = S.approved, True, "Placeholder"
    db.session.commit()
    assert listed_names(client.get(f"/e/{event.slug}/participants")) == []


def test_other_events_delegates_are_not_listed(client, event, category, officer, list_on):
    other = make_event()
    set_event_settings(other, participant_list=True)
    delegate(other, make_category(other), officer, "Elsewhere", "Person")
    delegate(event, category, officer, "Aliya", "Serikova")
    db.session.commit()
    assert listed_names(client.get(f"/e/{event.slug}/participants")) == ["Dr Aliya Serikova"]


def test_list_is_alphabetical_by_family_name(client, event, category, officer, list_on):
    for given, family in (("Zarina", "Abenova"), ("Amina", "Diallo"), ("Bakyt", "osmonov"), ("Aliya", "Serikova"),
                          ("Aidar", "Abenov")):
        delegate(event, category, officer, given, family)
    db.session.commit()
    assert listed_names(client.get(f"/e/{event.slug}/participants")) == [
        "Dr Aidar Abenov", "Dr Zarina Abenova", "Dr Amina Diallo", "Dr Bakyt osmonov", "Dr Aliya Serikova"]


# --- What is never shown ---------------------------------------------------------------------

def test_email_phone_and_category_never_appear(client, event, category, officer, list_on):
    registration = delegate(event, category, officer, "Aliya", "Serikova", phone="+7 701 123 45 67",
                            dietary="Vegetarian")
    db.session.commit()
    for viewer in (None, officer):  # the public, and an organiser who may see everything elsewhere
        if viewer is not None:
            login_session(client, viewer)
        body = text(client.get(f"/e/{event.slug}/participants"))
        assert "Dr Aliya Serikova" in body
        for private in (registration.email, registration.user.email, "+7 701 123 45 67", "Vegetarian",
                        str(category.name), "Climate expert"):
            assert private not in body, private


def test_list_query_reads_only_the_shown_columns(event):
    """Data minimisation: the page's statement never even reads an email, a phone or a passport."""
    import re

    statement = services.participant_query(event, services.ParticipantFilters(q="aliya", country="KZ"))
    select_clause = str(statement.compile(db.engine)).split("FROM")[0]
    columns = sorted(re.findall(r"(\w+)\.(\w+)", select_clause))
    assert columns == sorted([
        ("registrations", "id"), ("registrations", "honorific"), ("registrations", "given_name"),
        ("registrations", "family_name"), ("registrations", "organisation"), ("registrations", "position"),
        ("registrations", "country"), ("registrations", "delegation_id"), ("delegations_1", "id"),
        ("delegations_1", "name")])


def test_public_list_is_not_offered_to_search_engines(client, event, list_on):
    robots = page(client.get(f"/e/{event.slug}/participants")).xpath('//meta[@name="robots"]/@content')
    assert robots == ["noindex"]


# --- Switched on and off ---------------------------------------------------------------------

def test_list_is_off_by_default_and_then_not_found(client, event, category, officer):
    delegate(event, category, officer, "Aliya", "Serikova")
    db.session.commit()
    assert services.settings_for(event).participant_list is False
    assert client.get(f"/e/{event.slug}/participants").status_code == 404
    login_session(client, make_user())
    db.session.commit()
    assert client.get(f"/e/{event.slug}/participants").status_code == 404


def test_organisers_preview_a_list_that_is_switched_off(client, event, category, officer):
    delegate(event, category, officer, "Aliya", "Serikova")
    db.session.commit()
    login_session(client, officer)
    response = client.get(f"/e/{event.slug}/participants")
    assert listed_names(response) == ["Dr Aliya Serikova"]
    assert "Preview: the participant list is switched off" in text(response)


def test_unpublished_event_has_no_public_list_even_when_switched_on(client, category, officer):
    event = category.event
    event.published = False
    set_event_settings(event, participant_list=True)
    db.session.commit()
    assert client.get(f"/e/{event.slug}/participants").status_code == 404
    login_session(client, officer)
    assert "Preview: the event is not published" in text(client.get(f"/e/{event.slug}/participants"))


def test_switching_the_list_on_in_the_settings_is_audited(client, event, officer):
    login_session(client, officer)
    db.session.commit()
    response = client.post(f"/e/{event.slug}/manage/categories", data={
        "settings-capacity": "", "settings-waitlist_mode": "promote", "settings-invited_preapproved": "y",
        "settings-passport_retention_days": "30", "settings-invitation_days": "21", "settings-participant_list": "y",
        "settings-submit": "Save settings"})
    assert response.status_code == 302
    db.session.expire_all()
    assert services.settings_for(event).participant_list is True
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "registration.settings")).one()
    assert (entry.actor_id, entry.event_id) == (officer.id, event.id)
    assert entry.changes["participant_list"] == [False, True]
    assert client.application.test_client().get(f"/e/{event.slug}/participants").status_code == 200


def test_settings_form_shows_the_switch_and_a_preview_link(client, event, officer):
    login_session(client, officer)
    db.session.commit()
    doc = page(client.get(f"/e/{event.slug}/manage/categories"))
    assert doc.xpath('//input[@id="settings-participant_list"]/@type') == ["checkbox"]
    assert doc.xpath('//input[@id="settings-participant_list"]/@checked') == []
    assert doc.xpath('//a[text()="Preview the participant list"]/@href') == [f"/e/{event.slug}/participants"]


# --- Filters, search and pages ----------------------------------------------------------------

@pytest.fixture
def several(event, category, officer, list_on):
    delegate(event, category, officer, "Aliya", "Serikova", organisation="Nazarbayev University", country="KZ")
    delegate(event, category, officer, "Farrukh", "Iqbal", organisation="Ministry of Climate Change", country="PK")
    delegate(event, category, officer, "Sana", "Mirza", organisation="100% Green Lab", country="PK")
    delegate(event, category, officer, "Айгерим", "Нурланова", organisation="Министерство экологии", country="KZ")
    db.session.commit()
    return event


def test_country_filter_lists_that_country_only(client, several):
    url = f"/e/{several.slug}/participants"
    assert listed_names(client.get(url, query_string={"country": "PK"})) == ["Dr Farrukh Iqbal", "Dr Sana Mirza"]
    assert listed_names(client.get(url, query_string={"country": "kz"})) == ["Dr Aliya Serikova",
                                                                           "Dr Айгерим Нурланова"]
    options = page(client.get(url)).xpath('//select[@id="p-country"]/option/@value')
    assert options == ["", "KZ", "PK"]  # only countries someone listed is from


def test_real_country_nobody_is_from_gives_an_empty_list(client, several):
    response = client.get(f"/e/{several.slug}/participants", query_string={"country": "FR"})
    assert listed_names(response) == []
    assert "No participants match the search." in text(response)
    assert page(response).xpath('//select[@id="p-country"]/option[@selected]/@value') == ["FR"]


@pytest.mark.parametrize(("q", "expected"), [
    ("serikova", ["Dr Aliya Serikova"]),
    ("IQBAL farrukh", ["Dr Farrukh Iqbal"]),
    ("climate", ["Dr Farrukh Iqbal"]),
    ("ministry iqbal", ["Dr Farrukh Iqbal"]),
    ("нурланова", ["Dr Айгерим Нурланова"]),
    ("Министерство", ["Dr Айгерим Нурланова"]),
    ("100%", ["Dr Sana Mirza"]),
    ("%", ["Dr Sana Mirza"]),
    ("_", []),
    ("nobody", []),
])
def test_search_matches_names_and_organisations(client, several, q, expected):
    assert listed_names(client.get(f"/e/{several.slug}/participants", query_string={"q": q})) == expected


def test_search_and_country_combine_and_can_be_cleared(client, several):
    response = client.get(f"/e/{several.slug}/participants", query_string={"q": "a", "country": "PK"})
    assert listed_names(response) == ["Dr Farrukh Iqbal", "Dr Sana Mirza"]
    assert "2 participants" in text(response)
    assert page(response).xpath('//a[text()="Show everyone"]/@href') == [f"/e/{several.slug}/participants"]


def test_russian_page_names_countries_in_russian(client, several):
    response = client.get(f"/e/{several.slug}/participants", query_string={"lang": "ru"})
    body = text(response)
    assert "Участники" in body
    entries = [" ".join(li.text_content().split())
               for li in page(response).xpath('//ul[contains(@class, "participant-list")]/li')]
    assert entries[0] == "Д-р Farrukh Iqbal Professor Ministry of Climate Change Пакистан"
    assert page(response).xpath('//select[@id="p-country"]/option/text()') == ["Все страны", "Казахстан",
                                                                               "Пакистан"]
    assert "Kazakhstan" not in body and "Pakistan" not in body


def test_kazakh_page_names_countries_in_kazakh(client, several):
    response = client.get(f"/e/{several.slug}/participants", query_string={"lang": "kk"})
    assert page(response).xpath('//h1/text()') == ["Қатысушылар"]
    assert "Қазақстан" in text(response)


@pytest.mark.parametrize(("lang", "listed", "offered"), [
    ("ru", ["Г-жа Amina Diallo", "Е. П. Farrukh Iqbal"], ["—", "Г-н", "Г-жа (Ms)", "Mx (без указания пола)"]),
    ("kk", ["Ханым Amina Diallo", "Жоғары мәртебелі Farrukh Iqbal"],
     ["—", "Мырза", "Ханым (Ms)", "Mx (жынысы көрсетілмейді)"]),
    ("en", ["Ms Amina Diallo", "H.E. Farrukh Iqbal"], ["—", "Mr", "Ms", "Mx"]),
])
def test_titles_print_short_before_names_while_the_form_explains_them(client, event, category, officer, list_on,
                                                                       lang, listed, offered):
    delegate(event, category, officer, "Amina", "Diallo", honorific="Ms")
    delegate(event, category, officer, "Farrukh", "Iqbal", honorific="H.E.")
    db.session.commit()
    response = client.get(f"/e/{event.slug}/participants", query_string={"lang": lang})
    assert listed_names(response) == listed
    assert "(Ms)" not in text(response)
    form = page(client.get(f"/e/{event.slug}/register", query_string={"lang": lang}))
    assert form.xpath("//select[@id='honorific']/option/text()")[:4] == offered


@pytest.mark.parametrize("query", [
    {"page": "abc"}, {"page": "-1"}, {"page": "0"}, {"page": "1.5"}, {"page": "9" * 30},
    {"country": "XX"}, {"country": "zzzz"}, {"country": "<script>"}, {"country": ""},
    {"q": "Ж" * 10_000}, {"q": "<script>alert(1)</script>"}, {"q": "   "}, {"q": "a b c d e f g h i j"},
])
def test_bad_query_arguments_never_fail(client, several, query):
    response = client.get(f"/e/{several.slug}/participants", query_string=query)
    assert response.status_code == 200
    assert "<script>alert" not in text(response)


def test_unknown_country_is_pointed_out_next_to_the_filter_and_ignored(client, several):
    response = client.get(f"/e/{several.slug}/participants", query_string={"country": "XX"})
    doc = page(response)
    assert doc.xpath('//select[@id="p-country"]/@aria-invalid') == ["true"]
    assert doc.xpath('//*[@id="p-country-error"]/text()') == ["Unknown country: choose one from the list."]
    assert len(listed_names(response)) == 4


def test_list_is_paginated_in_alphabetical_order(client, event, category, officer, list_on):
    for n in range(55):
        delegate(event, category, officer, "Given", f"Family{n:02d}", state=S.approved)
    db.session.commit()
    url = f"/e/{event.slug}/participants"
    first, second = client.get(url), client.get(url, query_string={"page": 2})
    assert listed_names(first) == [f"Dr Given Family{n:02d}" for n in range(50)]
    assert listed_names(second) == [f"Dr Given Family{n:02d}" for n in range(50, 55)]
    assert "55 participants" in text(first)
    assert page(first).xpath('//nav[@aria-label="Pages"]//a/@href')[-1] == f"/e/{event.slug}/participants?page=2"
    # A page past the end shows the last one; filters travel with the page links.
    assert listed_names(client.get(url, query_string={"page": 40})) == listed_names(second)
    filtered = client.get(url, query_string={"q": "given", "country": "KZ"})
    assert page(filtered).xpath('//nav[@aria-label="Pages"]//a/@href')[-1] == \
        f"/e/{event.slug}/participants?page=2&q=given&country=KZ"


def _bulk_participants(event, category, count: int) -> None:
    """`count` approved, listed delegates written straight to the table (setting up a large list)."""
    from app.utils.time import utcnow

    pakistan = services.save_delegation(event, None, {"name": f"Delegation {count}", "country": "PK",
                                                      "category_id": category.id, "head_user_id": None,
                                                      "quota": None, "protocol_rank": 10}, actor=None)
    for n in range(count):
        user = make_user(f"bulk{count}-{n}@example.org")
        db.session.add(Registration(event=event, user=user, category=category, state=S.approved, holds_place=True,
                                    email=user.email, honorific="Dr", given_name="Given", family_name=f"F{n:04d}",
                                    organisation="Org", position="Expert", country=("KZ", "PK", "UZ")[n % 3],
                                    delegation=pakistan if n % 2 else None, public_listing=True,
                                    privacy_consent_at=utcnow()))
    db.session.flush()


@pytest.mark.parametrize("viewer", ["visitor", "organiser"])
def test_query_count_stays_constant_as_the_list_grows(client, event, category, officer, list_on, count_queries,
                                                      viewer):
    if viewer == "organiser":
        login_session(client, officer)
    url = f"/e/{event.slug}/participants?country=PK&q=given"
    counts = []
    for total in (10, 200):
        db.session.execute(Registration.__table__.delete())
        _bulk_participants(event, category, total)
        counts.append((queries_for(client, f"/e/{event.slug}/participants", count_queries),
                       queries_for(client, url, count_queries)))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_participant_list_names_the_event_in_the_readers_language(client, several, lang):
    from app.utils.translated import Translated

    names = {"en": "Regional Water Summit", "ru": "Региональный водный саммит", "kk": "Өңірлік су саммиті"}
    several.title = Translated(names, "en")
    several.city = Translated({"en": "Astana", "ru": "Астана", "kk": "Астана қаласы"}, "en")
    db.session.commit()
    response = client.get(f"/e/{several.slug}/participants", query_string={"lang": lang})
    document = page(response)
    assert document.xpath("//title/text()")[0].strip().endswith(names[lang])
    assert [a.strip() for a in document.xpath('//a[contains(@class, "navbar-brand")]/text()')] == [names[lang]]
    assert names["en"] not in text(response)
    assert len(listed_names(response)) == 4
