"""Changing a custom question after it was added: its wording, help and choices in
every language of the event."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField
from wtforms.validators import ValidationError

from app.registration.forms import QuestionForm
from app.registration.models import QuestionKind
from app.utils.forms import content_languages
from app.utils.translated import Translated, fingerprint


class QuestionEditForm(QuestionForm):
    """A question's wording, choices, whether it is required and its order, changed in any
    language after it was added. Its kind stays: the answers already given keep their meaning."""

    kind = None
    submit = SubmitField(_l("Save question"))

    def __init__(self, question, *args, **kwargs):
        self.question = question
        super().__init__(*args, data={
            "label": question.label, "help": question.help, "required": question.required,
            "position": question.position, "choices": choices_text(question.choice_items, content_languages()),
        }, **kwargs)

    def validate_choices(self, field):
        if self.question.kind in (QuestionKind.choice, QuestionKind.multi) and len(self.edited_choices()) < 2:
            raise ValidationError(_l("Give at least two choices, one per line."))

    def edited_choices(self) -> list[dict]:
        """The choices as stored after the edit. A choice keeps its key when its text in
        the default language is unchanged, or when it was reworded in place (the line
        where it was, its old text gone), so earlier answers keep their meaning; its
        translations keep their state, and become stale when the default text changed.
        The n-th line of each other language translates the n-th choice (an empty line:
        not translated yet)."""
        field = self.choices
        value = field.data or Translated()
        default = field.default_language
        lines = [line.strip()[:200] for line in value.get(default).splitlines() if line.strip()][:50]
        others = {lang: [line.strip()[:200] for line in value.get(lang).splitlines()]
                  for lang in field.languages if lang != default}
        existing = self.question.choice_items
        old = dict(existing)
        by_text = {text.get(default) or text.original: key for key, text in existing}
        keys: list[str | None] = []
        for line in lines:  # the same text: the same choice
            key = by_text.get(line)
            keys.append(key if key not in keys else None)
        for n, line in enumerate(lines):  # reworded in place
            if keys[n] is None and n < len(existing):
                key, text = existing[n]
                if key not in keys and (text.get(default) or text.original) not in lines:
                    keys[n] = key
        counter = 0
        for n in range(len(lines)):  # new choices get keys never used before
            while keys[n] is None:
                counter += 1
                candidate = f"c{counter}"
                if candidate not in old and candidate not in keys:
                    keys[n] = candidate
        result = []
        for n, line in enumerate(lines):
            key = keys[n]
            versions = {default: line}
            versions.update((lang, texts[n] if n < len(texts) else "") for lang, texts in others.items())
            text = old.get(key, Translated({}, default)).merged(versions, field.languages)
            result.append({"key": key, **text.to_json()})
        return result


def choices_text(items, languages) -> Translated:
    """A question's choices as the choices field shows them: one line per choice in each
    language (an empty line where a choice is not translated yet); a language is marked
    stale when one of its choices is."""
    languages = list(languages)
    default = languages[0]
    texts = {}
    for lang in languages:
        column = [text.get(lang) for _key, text in items]
        while column and not column[-1]:
            column.pop()
        texts[lang] = "\n".join(column)
    source_text = texts.get(default, "")
    origins = {lang: ("" if any(text.is_stale(lang) for _key, text in items) else fingerprint(source_text))
               for lang in languages if lang != default}
    return Translated(texts, default, origins)
