"""Every field a form refuses to leave empty is marked as required, in every language."""
from __future__ import annotations

import pytest

from app.extensions import db
from tests.factories import make_category, page

HIDDEN_WORD = {"en": "(required)", "ru": "(обязательное поле)", "kk": "(міндетті өріс)"}


def _marked_and_refused(client, url: str, lang: str) -> tuple[set[str], set[str], set[str]]:
    """(ids of marked fields, ids of fields an empty submission refuses, hidden words of the marks).
    Empty: nothing typed, nothing ticked, the empty option of every list. A list without
    an empty option cannot be left empty: it is left out of the comparison."""
    blank, unskippable = {}, set()
    for select in page(client.get(url)).xpath("//form//select"):
        blank[select.get("name")] = ""
        if "" not in select.xpath("option/@value"):
            unskippable.add(select.get("id"))
    doc = page(client.post(f"{url}?lang={lang}", data=blank))
    marked, words = set(), set()
    for mark in doc.xpath('//span[@aria-hidden="true" and text()="*"]'):
        words.add(mark.getnext().text_content())
        if mark.getparent().tag == "legend":  # a group of boxes: the fieldset carries the id
            marked.add(mark.getparent().getparent().get("id"))
        else:  # right after the field's label
            marked.add(mark.getprevious().get("for"))
    refused = {div.get("id").removesuffix("-error") for div in doc.xpath('//div[contains(@id, "-error")]')}
    return marked - unskippable, refused - unskippable, words


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_every_required_registration_field_is_marked(client, event, lang):
    make_category(event)
    db.session.commit()
    marked, refused, words = _marked_and_refused(client, f"/e/{event.slug}/register", lang)
    # Nationality and country were refused without a mark.
    assert {"country", "nationality", "given_name", "email", "privacy_consent"} <= refused
    assert marked == refused
    assert words == {HIDDEN_WORD[lang]}


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_every_required_sign_up_field_is_marked(client, lang):
    marked, refused, words = _marked_and_refused(client, "/account/signup", lang)
    assert {"email", "password"} <= refused
    assert marked == refused
    assert words == {HIDDEN_WORD[lang]}
