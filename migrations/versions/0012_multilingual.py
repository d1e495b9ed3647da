"""organiser-written texts in every language of the event

Revision ID: 0012_multilingual
Revises: 0011_api
Create Date: 2026-12-07 04:30:00.000000

Each text column becomes a JSON text holding one version per language
(app/utils/translated.py); what is there now becomes the version in the event's
default language (the first of `events.languages`).
"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_multilingual'
down_revision = '0011_api'
branch_labels = None
depends_on = None

# table -> (columns, how to reach the event's id from a row)
TEXTS = {
    'events': (('title', 'description', 'venue', 'city', 'privacy_notice'), 'id'),
    'registration_categories': (('name', 'description'), 'event_id'),
    'registration_questions': (('label',), 'event_id'),
    'rooms': (('name', 'location'), 'event_id'),
    'tracks': (('name', 'description'), 'event_id'),
    'agenda_sessions': (('title', 'abstract'), 'event_id'),
    'speaker_profiles': (('bio',), 'event_id'),
}
NEW_EVENT_TEXTS = ('short_title', 'practical_info')


def _as_json(text, language):
    return json.dumps({language: text, '@': language} if text else {'@': language},
                      ensure_ascii=False, separators=(',', ':'))


def _plain(stored, language):
    try:
        data = json.loads(stored)
    except (TypeError, ValueError):
        return stored or ''
    if not isinstance(data, dict):
        return stored or ''
    source = data.get('@') or language
    return data.get(source) or next((v for k, v in data.items() if not k.startswith('@') and isinstance(v, str)), '')


def _event_languages(bind):
    languages = {}
    for event_id, value in bind.execute(sa.text('SELECT id, languages FROM events')):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = None
        languages[event_id] = (value or ['en'])[0]
    return languages


def _convert(bind, table, columns, event_key, convert):
    defaults = _event_languages(bind)
    names = ', '.join(columns)
    rows = bind.execute(sa.text(f'SELECT id, {event_key}, {names} FROM {table}')).fetchall()
    assignments = ', '.join(f'{c} = :{c}' for c in columns)
    statement = sa.text(f'UPDATE {table} SET {assignments} WHERE id = :id')
    for row in rows:
        language = defaults.get(row[1], 'en')
        values = {c: convert(row[2 + i], language) for i, c in enumerate(columns)}
        bind.execute(statement, {'id': row[0], **values})


def upgrade():
    for table, (columns, _key) in TEXTS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(column, type_=sa.Text(), existing_nullable=False)
    with op.batch_alter_table('events', schema=None) as batch_op:
        for column in NEW_EVENT_TEXTS:
            batch_op.add_column(sa.Column(column, sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('registration_questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('help', sa.Text(), nullable=False, server_default=''))

    # The defaults only filled the rows already there; new rows get theirs from the application.
    with op.batch_alter_table('events', schema=None) as batch_op:
        for column in NEW_EVENT_TEXTS:
            batch_op.alter_column(column, server_default=None)
    with op.batch_alter_table('registration_questions', schema=None) as batch_op:
        batch_op.alter_column('help', server_default=None)

    bind = op.get_bind()
    for table, (columns, key) in TEXTS.items():
        _convert(bind, table, columns, key, _as_json)


def downgrade():
    bind = op.get_bind()
    for table, (columns, key) in TEXTS.items():
        _convert(bind, table, columns, key, _plain)
    with op.batch_alter_table('registration_questions', schema=None) as batch_op:
        batch_op.drop_column('help')
    with op.batch_alter_table('events', schema=None) as batch_op:
        for column in NEW_EVENT_TEXTS:
            batch_op.drop_column(column)
