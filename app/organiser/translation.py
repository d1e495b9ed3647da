"""The event's texts seen by translators: what is missing or stale per language, and
applying translated texts brought back from a file (see app/organiser/exchange.py)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from app.agenda import texts as agenda_texts
from app.audit.services import audited_update, record
from app.checkin import texts as checkin_texts
from app.events import texts as event_texts
from app.registration import texts as registration_texts
from app.speakers import texts as speaker_texts
from app.utils.textkinds import TextKind
from app.utils.translated import Translated, fingerprint


def text_kinds() -> tuple[TextKind, ...]:
    """Every kind of organiser-written text, in the order the status page lists them."""
    return (event_texts.KINDS + registration_texts.KINDS + agenda_texts.KINDS + speaker_texts.KINDS
            + checkin_texts.KINDS)


def target_languages(event) -> list[str]:
    """The languages texts are translated into: every language of the event but its default."""
    return [lang for lang in (event.languages or []) if lang != event.default_language]


@dataclass
class TextUnit:
    """One text of one thing (e.g. a session's abstract), as translators see it."""

    id: str  # "<kind>.<object id>.<field>", stable across exports
    kind: TextKind
    obj: Any
    field: str
    value: Translated

    @property
    def source_language(self) -> str:
        return self.value.source

    @property
    def source_text(self) -> str:
        return self.value.original

    @property
    def source_fingerprint(self) -> str:
        return fingerprint(self.source_text)

    def state(self, lang: str) -> str:
        """'missing', 'stale' or 'done' for `lang`."""
        if not self.value.has(lang):
            return "missing"
        return "stale" if self.value.is_stale(lang) else "done"


def text_units(event) -> list[TextUnit]:
    """Every non-empty text of the event (one query per kind, whatever the size)."""
    units = []
    for kind in text_kinds():
        for obj in kind.load(event):
            for name, value in kind.values(obj):
                value = Translated.coerce(value)
                if value.original:
                    units.append(TextUnit(f"{kind.key}.{obj.id}.{name}", kind, obj, name, value))
    return units


@dataclass
class KindStatus:
    kind: TextKind
    total: int = 0
    missing: dict[str, int] = field(default_factory=dict)
    stale: dict[str, int] = field(default_factory=dict)


@dataclass
class Status:
    languages: list[str]
    kinds: list[KindStatus]
    # (unit, {lang: state}) for every unit missing or stale in some language.
    todo: list[tuple[TextUnit, dict[str, str]]]

    def total(self, what: str, lang: str) -> int:
        return sum(getattr(k, what).get(lang, 0) for k in self.kinds)


def translation_status(event) -> Status:
    """Per kind and language, how many texts are missing or stale, and which."""
    languages = target_languages(event)
    by_kind = {kind.key: KindStatus(kind) for kind in text_kinds()}
    todo = []
    for unit in text_units(event):
        status = by_kind[unit.kind.key]
        status.total += 1
        states = {lang: unit.state(lang) for lang in languages}
        for lang, state in states.items():
            if state == "missing":
                status.missing[lang] = status.missing.get(lang, 0) + 1
            elif state == "stale":
                status.stale[lang] = status.stale.get(lang, 0) + 1
        if any(state != "done" for state in states.values()):
            todo.append((unit, states))
    return Status(languages, list(by_kind.values()), todo)


def units_to_export(event, lang: str, *, only_todo: bool) -> list[TextUnit]:
    """The texts to send a translator into `lang`: all, or only those missing or stale."""
    units = text_units(event)
    if only_todo:
        units = [u for u in units if u.state(lang) != "done"]
    return units


@dataclass
class Incoming:
    """One translated text read from a file."""

    id: str
    source: str
    target: str


@dataclass
class Preview:
    """What importing a file would do, before anyone confirms it."""

    lang: str
    new: list[tuple[TextUnit, str]] = field(default_factory=list)
    changed: list[tuple[TextUnit, str]] = field(default_factory=list)
    unchanged: list[TextUnit] = field(default_factory=list)
    stale_source: list[tuple[TextUnit, str]] = field(default_factory=list)
    # Translations the thing cannot take (e.g. a letter's unknown placeholder), with the reason.
    refused: list[tuple[TextUnit, str, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    empty: int = 0

    @property
    def applicable(self) -> list[tuple[TextUnit, str]]:
        return self.new + self.changed


def preview_import(event, lang: str, incoming: Iterable[Incoming]) -> Preview:
    """Sort the file's texts: new translations, changed ones, unchanged ones, those made
    from a source text that has changed since (not applied), and ids the event does not
    know (not applied)."""
    units = {u.id: u for u in text_units(event)}
    preview = Preview(lang)
    for item in incoming:
        target = (item.target or "").strip()
        unit = units.get(item.id)
        if unit is None:
            preview.unknown.append(item.id)
        elif not target:
            preview.empty += 1
        elif item.source.strip() != unit.source_text.strip():
            preview.stale_source.append((unit, target))
        elif unit.kind.check is not None and (reason := unit.kind.check(unit.field, target)):
            preview.refused.append((unit, target, str(reason)))
        elif not unit.value.has(lang):
            preview.new.append((unit, target))
        elif unit.value.get(lang) == target and not unit.value.is_stale(lang):
            preview.unchanged.append(unit)
        else:
            preview.changed.append((unit, target))
    return preview


def apply_import(event, preview: Preview, *, actor, filename: str = "") -> int:
    """Write the new and changed translations of `preview`; each changed thing and the
    import itself are audited. Returns how many texts were written."""
    per_object: dict[tuple[str, int], tuple[TextUnit, dict[str, Translated]]] = {}
    for unit, target in preview.applicable:
        key = (unit.kind.key, unit.obj.id)
        _unit, values = per_object.setdefault(key, (unit, {}))
        current = values.get(unit.field, unit.value)
        values[unit.field] = current.with_text(preview.lang, target)
    for unit, values in per_object.values():
        columns = unit.kind.columns(unit.obj, values)
        audited_update(unit.obj, columns, tuple(columns), actor=actor, action="translation.import", event=event,
                       summary=f"{preview.lang}: {', '.join(values)}"[:250])
    count = len(preview.applicable)
    record(actor=actor, action="translation.import_file", obj=event, event=event,
           summary=f"{preview.lang}: {count} texts from {filename or 'a file'}"[:250])
    return count
