"""Letters and badges in every language of the event; forms of address from a fixed list

The letterhead, signatory, addressee and letter text become one text per language
(JSON, as app.utils.translated stores them): a letterhead written before is kept as
the event's default language's version, the English and Russian letter texts become
the "en" and "ru" versions of one text. Badges name the languages they print the
category in. Titles written before forms of address were a fixed list ("Mrs",
"Sir", "dr.") become the form of address they stand for.

Revision ID: 0012_content
Revises: 0012_bilaterals
Create Date: 2026-12-07 04:20:00.000000

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_content'
down_revision = '0012_bilaterals'
branch_labels = None
depends_on = None

LETTER_TEXTS = ('letter_organisation', 'letter_address', 'letter_signatory', 'letter_signatory_title')
# Earlier titles and the form of address each stands for (see app/accounts/labels.py).
EARLIER_TITLES = {
    'mr.': 'Mr', 'sir': 'Mr', 'ms.': 'Ms', 'mrs': 'Ms', 'mrs.': 'Ms', 'miss': 'Ms', 'dame': 'Ms', 'mx.': 'Mx',
    'dr.': 'Dr', 'prof': 'Prof.', 'professor': 'Prof.', 'h.e': 'H.E.', 'he': 'H.E.', 'hon': 'Hon.',
}
CANONICAL = ('Mr', 'Ms', 'Mx', 'Dr', 'Prof.', 'H.E.', 'Hon.')
PEOPLE_TABLES = ('users', 'registrations', 'invitations')


def _json(texts: dict, source: str) -> str:
    texts = {lang: text for lang, text in texts.items() if text and text.strip()}
    if texts and source not in texts:
        source = next(iter(texts))
    data = {source: texts[source]} if texts else {}
    data.update((lang, text) for lang, text in texts.items() if lang != source)
    data['@'] = source
    return json.dumps(data, ensure_ascii=False, separators=(',', ':'))


def _plain(value, lang: str) -> str:
    if not value:
        return ''
    try:
        data = json.loads(value)
    except ValueError:
        return value
    if not isinstance(data, dict):
        return str(data)
    return data.get(lang) or data.get(data.get('@') or '') or next(
        (v for k, v in data.items() if not k.startswith('@') and isinstance(v, str)), '')


def _languages(raw) -> list:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raw = None
    return raw if isinstance(raw, list) and raw else ['en']


def upgrade():
    with op.batch_alter_table('onsite_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('badge_languages', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('letter_addressee', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('letter_body', sa.Text(), nullable=True))
        for name, length in zip(LETTER_TEXTS, (200, 500, 200, 200)):
            batch_op.alter_column(name, existing_type=sa.String(length=length), type_=sa.Text(),
                                  existing_nullable=False)

    bind = op.get_bind()
    rows = bind.execute(sa.text(
        'SELECT s.id, s.letter_organisation, s.letter_address, s.letter_signatory, s.letter_signatory_title, '
        's.letter_body_en, s.letter_body_ru, e.languages FROM onsite_settings s JOIN events e ON e.id = s.event_id'
    )).fetchall()
    for row in rows:
        default = _languages(row[7])[0]
        values = {name: _json({default: row[1 + i]}, default) for i, name in enumerate(LETTER_TEXTS)}
        values['letter_body'] = _json({'en': row[5], 'ru': row[6]}, 'en')
        values['letter_addressee'] = _json({}, default)
        bind.execute(sa.text(
            'UPDATE onsite_settings SET letter_organisation = :letter_organisation, letter_address = :letter_address, '
            'letter_signatory = :letter_signatory, letter_signatory_title = :letter_signatory_title, '
            "letter_body = :letter_body, letter_addressee = :letter_addressee, badge_languages = '[]' WHERE id = :id"),
            dict(values, id=row[0]))

    with op.batch_alter_table('onsite_settings', schema=None) as batch_op:
        batch_op.drop_column('letter_body_en')
        batch_op.drop_column('letter_body_ru')
        batch_op.alter_column('badge_languages', existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column('letter_addressee', existing_type=sa.Text(), nullable=False)
        batch_op.alter_column('letter_body', existing_type=sa.Text(), nullable=False)

    # Earlier titles become the form of address they stand for ("Mrs" -> "Ms").
    for table in PEOPLE_TABLES:
        for form in CANONICAL:
            bind.execute(sa.text(f'UPDATE {table} SET honorific = :form '
                                 'WHERE lower(honorific) = :lower AND honorific <> :form'),
                         {'form': form, 'lower': form.lower()})
        for earlier, form in EARLIER_TITLES.items():
            bind.execute(sa.text(f'UPDATE {table} SET honorific = :form WHERE lower(honorific) = :earlier'),
                         {'form': form, 'earlier': earlier})


def downgrade():
    with op.batch_alter_table('onsite_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('letter_body_en', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('letter_body_ru', sa.Text(), nullable=True))

    bind = op.get_bind()
    rows = bind.execute(sa.text(
        'SELECT s.id, s.letter_organisation, s.letter_address, s.letter_signatory, s.letter_signatory_title, '
        's.letter_body, e.languages FROM onsite_settings s JOIN events e ON e.id = s.event_id')).fetchall()
    for row in rows:
        default = _languages(row[6])[0]
        values = {name: _plain(row[1 + i], default)[:500] for i, name in enumerate(LETTER_TEXTS)}
        body = json.loads(row[5]) if row[5] else {}
        values['letter_body_en'] = body.get('en', '') if isinstance(body, dict) else ''
        values['letter_body_ru'] = body.get('ru', '') if isinstance(body, dict) else ''
        bind.execute(sa.text(
            'UPDATE onsite_settings SET letter_organisation = :letter_organisation, letter_address = :letter_address, '
            'letter_signatory = :letter_signatory, letter_signatory_title = :letter_signatory_title, '
            'letter_body_en = :letter_body_en, letter_body_ru = :letter_body_ru WHERE id = :id'),
            dict(values, id=row[0]))

    with op.batch_alter_table('onsite_settings', schema=None) as batch_op:
        batch_op.alter_column('letter_body_en', existing_type=sa.Text(), nullable=False)
        batch_op.alter_column('letter_body_ru', existing_type=sa.Text(), nullable=False)
        for name, length in zip(LETTER_TEXTS, (200, 500, 200, 200)):
            batch_op.alter_column(name, existing_type=sa.Text(), type_=sa.String(length=length),
                                  existing_nullable=False)
        batch_op.drop_column('letter_body')
        batch_op.drop_column('letter_addressee')
        batch_op.drop_column('badge_languages')
