"""The multilingual text type: what a reader gets, staleness, storage."""
from __future__ import annotations

import pytest
from flask_babel import force_locale

from app.utils.translated import Translated, TranslatedText, lang_attribute, shown_markup


def test_reader_gets_their_language_else_the_source_else_any():
    name = Translated({"en": "Water security", "ru": "Водная безопасность"})
    assert name.in_("ru") == "Водная безопасность"
    assert name.pick("kk") == ("Water security", "en")
    only_kazakh = Translated({"kk": "Су қауіпсіздігі"}, source="en")
    assert only_kazakh.pick("ru") == ("Су қауіпсіздігі", "kk")


def test_str_follows_the_current_locale(app):
    name = Translated({"en": "Plenary hall", "kk": "Пленарлық зал"})
    with force_locale("kk"):
        assert str(name) == "Пленарлық зал"
        assert f"{name}!" == "Пленарлық зал!"
    with force_locale("ru"):
        assert str(name) == "Plenary hall"


def test_text_in_another_language_than_the_page_carries_lang(app):
    name = Translated({"en": "Plenary hall", "kk": "Пленарлық зал"})
    assert shown_markup(name, "kk") == "Пленарлық зал"
    assert shown_markup(name, "ru") == '<span lang="en">Plenary hall</span>'
    assert lang_attribute(name, "ru") == ' lang="en"'
    assert lang_attribute(name, "en") == ""
    assert shown_markup(Translated({"en": "<b>"}), "ru") == '<span lang="en">&lt;b&gt;</span>'


def test_a_changed_source_marks_its_translations_stale():
    title = Translated({"en": "Water", "ru": "Вода"})
    assert not title.is_stale("ru")
    changed = title.with_text("en", "Water security")
    assert changed.is_stale("ru") and changed.stale(["en", "ru", "kk"]) == ["ru"]
    refreshed = changed.with_text("ru", "Водная безопасность")
    assert not refreshed.is_stale("ru")
    assert refreshed.missing(["en", "ru", "kk"]) == ["kk"]


def test_saving_unchanged_translations_keeps_them_stale():
    stale = Translated({"en": "Water", "ru": "Вода"}).with_text("en", "Water security")
    saved = stale.merged({"en": "Water security", "ru": "Вода", "kk": ""})
    assert saved.is_stale("ru")


def test_json_round_trip_keeps_source_and_origins():
    value = Translated({"en": "A", "ru": "Б"}).with_text("en", "AA")
    again = Translated.from_json(value.to_json())
    assert again.source == "en" and again.is_stale("ru") and again.texts == {"en": "AA", "ru": "Б"}


def test_column_stores_letters_as_they_are_so_like_finds_any_language(app):
    column = TranslatedText()
    stored = column.process_bind_param(Translated({"en": "Water", "kk": "Су қауіпсіздігі"}), None)
    assert "қауіпсіздігі" in stored
    assert column.process_result_value(stored, None).get("kk") == "Су қауіпсіздігі"
    assert column.process_result_value("plain old text", None).get("en") == "plain old text"
    assert column.process_bind_param("typed by code", None).startswith('{"en":"typed by code"')


@pytest.mark.parametrize("value", [None, ""])
def test_an_empty_column_reads_as_an_empty_text(app, value):
    assert not TranslatedText().process_result_value(value, None)
    assert str(TranslatedText().process_result_value(value, None)) == ""
