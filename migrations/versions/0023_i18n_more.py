"""delegation names in every language of the event

A delegation's name becomes one text per language (JSON, as app.utils.translated
stores them): the name written before is kept as the event's default language's version.

Revision ID: 0023_i18n_more
Revises: 0022_lists
Create Date: 2026-12-07 17:40:00.000000

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_i18n_more'
down_revision = '0022_lists'
branch_labels = None
depends_on = None


def _default_language(raw) -> str:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raw = None
    return raw[0] if isinstance(raw, list) and raw and isinstance(raw[0], str) else 'en'


def _plain(value: str) -> str:
    """The version in the text's own language (its source), else any."""
    try:
        data = json.loads(value)
    except (TypeError, ValueError):
        return value or ''
    if not isinstance(data, dict):
        return str(data)
    texts = {k: v for k, v in data.items() if not k.startswith('@') and isinstance(v, str)}
    return texts.get(data.get('@') or '') or next(iter(texts.values()), '')


def upgrade():
    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.alter_column('name', existing_type=sa.String(length=200), type_=sa.Text(), existing_nullable=False)
    bind = op.get_bind()
    rows = bind.execute(sa.text('SELECT d.id, d.name, e.languages FROM delegations d '
                                'JOIN events e ON e.id = d.event_id')).fetchall()
    for delegation_id, name, languages in rows:
        lang = _default_language(languages)
        stored = json.dumps({lang: name, '@': lang}, ensure_ascii=False, separators=(',', ':'))
        bind.execute(sa.text('UPDATE delegations SET name = :name WHERE id = :id'),
                     {'name': stored, 'id': delegation_id})


def downgrade():
    bind = op.get_bind()
    rows = bind.execute(sa.text('SELECT id, event_id, name FROM delegations ORDER BY id')).fetchall()
    seen: set = set()
    for delegation_id, event_id, value in rows:
        # Two names alike in one language only would clash once plain: the id tells them apart.
        name = _plain(value)[:200] or str(delegation_id)
        if (event_id, name.lower()) in seen:
            name = f'{name[:190]} ({delegation_id})'
        seen.add((event_id, name.lower()))
        bind.execute(sa.text('UPDATE delegations SET name = :name WHERE id = :id'), {'name': name, 'id': delegation_id})
    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.alter_column('name', existing_type=sa.Text(), type_=sa.String(length=200), existing_nullable=False)
