"""question choices in every language of the event, each with a stable key

Revision ID: 0012_i18n_screens
Revises: 0012_content
Create Date: 2026-12-07 05:50:00.000000

A question's choices were a list of texts and the answers stored the chosen text.
Each choice becomes {"key": ..., <language>: text}; a choice already there keeps its
text as its key, so the answers already given keep their meaning unchanged.
"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_i18n_screens'
down_revision = '0012_content'
branch_labels = None
depends_on = None


def _load(value):
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _rewrite(convert):
    bind = op.get_bind()
    languages = {}
    for event_id, value in bind.execute(sa.text('SELECT id, languages FROM events')):
        languages[event_id] = ((_load(value) or ['en']) or ['en'])[0]
    statement = sa.text('UPDATE registration_questions SET choices = :choices WHERE id = :id')
    rows = bind.execute(sa.text('SELECT id, event_id, choices FROM registration_questions')).fetchall()
    for question_id, event_id, value in rows:
        choices = _load(value)
        if not isinstance(choices, list) or not choices:
            continue
        new = convert(choices, languages.get(event_id, 'en'))
        if new != choices:
            bind.execute(statement, {'id': question_id, 'choices': json.dumps(new, ensure_ascii=False)})


def _to_objects(choices, language):
    return [{'key': item, language: item} if isinstance(item, str) else item for item in choices]


def _to_texts(choices, language):
    texts = []
    for item in choices:
        if isinstance(item, dict):
            # Back to one text per choice: the key when answers were stored as texts.
            texts.append(item.get(language) or str(item.get('key', '')))
        else:
            texts.append(item)
    return texts


def upgrade():
    _rewrite(_to_objects)


def downgrade():
    _rewrite(_to_texts)
