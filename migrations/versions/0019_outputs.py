"""organisers' invitation message in every language of the event

Revision ID: 0012_outputs
Revises: 0012_i18n_screens
Create Date: 2026-12-07 05:40:00.000000

`invitations.message` becomes a JSON text holding one version per language
(app/utils/translated.py), as the other organiser-written texts did; a message
already written becomes the version in the event's default language.
"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_outputs'
down_revision = '0012_i18n_screens'
branch_labels = None
depends_on = None


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


def _default_languages(bind):
    languages = {}
    for event_id, value in bind.execute(sa.text('SELECT id, languages FROM events')):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = None
        languages[event_id] = (value or ['en'])[0]
    return languages


def _convert(convert):
    bind = op.get_bind()
    defaults = _default_languages(bind)
    statement = sa.text('UPDATE invitations SET message = :message WHERE id = :id')
    for row_id, event_id, message in bind.execute(sa.text('SELECT id, event_id, message FROM invitations')).fetchall():
        bind.execute(statement, {'id': row_id, 'message': convert(message, defaults.get(event_id, 'en'))})


def upgrade():
    _convert(_as_json)


def downgrade():
    _convert(_plain)
