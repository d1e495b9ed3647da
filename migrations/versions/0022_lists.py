"""lists at scale: duplicate keys and flag and search text on registrations, indexes
for the list's filters and search, lower(email) for logging in

Revision ID: 0022_lists
Revises: 0020_jobs
Create Date: 2026-12-07 14:20:00.000000

Registrations keep their duplicate keys (lower-case email; given|family|date of birth
in lower case) while live, a `duplicate` flag and their search text, filled here for
existing rows the way app/registration/keys.py keeps them. On PostgreSQL the search text
gets a trigram (pg_trgm) GIN index; where the extension may not be created, the indexes are
left out with a warning and the search reads the rows as before.
"""
import logging

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_lists'
down_revision = '0020_jobs'
branch_labels = None
depends_on = None

log = logging.getLogger('alembic.runtime.migration')

SEPARATOR = '\x1f'  # app/registration/keys.py: SEARCH_SEPARATOR


def _fill_keys(bind):
    """The keys of every registration, computed as the application computes them
    (Python's lower(), which knows every alphabet, where SQLite's knows ASCII only)."""
    rows = bind.execute(sa.text('SELECT id, state, email, given_name, family_name, date_of_birth, organisation '
                                'FROM registrations')).fetchall()
    statement = sa.text('UPDATE registrations SET email_key = :email_key, person_key = :person_key, '
                        'search_text = :search_text WHERE id = :id')
    batch = []
    for row_id, state, email, given, family, born, organisation in rows:
        live = state != 'cancelled'
        if born is not None and not hasattr(born, 'isoformat'):
            born = str(born)[:10]
        elif born is not None:
            born = born.isoformat()
        batch.append({'id': row_id,
                      'email_key': email.lower() if live and email else None,
                      'person_key': f"{(given or '').lower()}|{(family or '').lower()}|{born}"
                      if live and born else None,
                      'search_text': SEPARATOR.join((f"{given or ''} {family or ''}", email or '',
                                                     organisation or '')).lower()[:700]})
        if len(batch) == 5000:
            bind.execute(statement, batch)
            batch = []
    if batch:
        bind.execute(statement, batch)
    # Flagged: the rows whose key another row of their event shares (grouped once).
    for column in ('email_key', 'person_key'):
        bind.execute(sa.text(
            f'UPDATE registrations SET duplicate = true WHERE {column} IS NOT NULL AND EXISTS ('
            f'SELECT 1 FROM (SELECT event_id, {column} FROM registrations WHERE {column} IS NOT NULL '
            f'GROUP BY event_id, {column} HAVING count(*) > 1) AS shared '
            f'WHERE shared.event_id = registrations.event_id AND shared.{column} = registrations.{column})'))


def _trigram_available(bind) -> bool:
    try:
        with bind.begin_nested():
            bind.execute(sa.text('CREATE EXTENSION IF NOT EXISTS pg_trgm'))
        return True
    except sa.exc.DBAPIError as exc:
        log.warning('pg_trgm could not be created (%s): the registrations search has no trigram index',
                    str(exc).splitlines()[0])
        return False


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_key', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('person_key', sa.String(length=260), nullable=True))
        batch_op.add_column(sa.Column('duplicate', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('search_text', sa.String(length=700), server_default='', nullable=False))
        batch_op.create_index('ix_registrations_event_country', ['event_id', 'country'], unique=False)
        batch_op.create_index('ix_registrations_event_state_category', ['event_id', 'state', 'category_id'],
                              unique=False)
        batch_op.create_index('ix_registrations_event_visa', ['event_id', 'visa_letter_needed', 'state'],
                              unique=False)
        batch_op.create_index('ix_registrations_event_email_key', ['event_id', 'email_key'], unique=False)
        batch_op.create_index('ix_registrations_event_person_key', ['event_id', 'person_key'], unique=False)
        batch_op.create_index('ix_registrations_event_duplicate', ['event_id', 'duplicate'], unique=False)
    op.create_index('ix_users_email_lower', 'users', [sa.text('lower(email)')], unique=False)

    bind = op.get_bind()
    _fill_keys(bind)
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.alter_column('search_text', server_default=None)
    if bind.dialect.name == 'postgresql' and _trigram_available(bind):
        op.create_index('ix_registrations_search_trgm', 'registrations', ['search_text'], unique=False,
                        postgresql_using='gin', postgresql_ops={'search_text': 'gin_trgm_ops'})
    else:
        op.create_index('ix_registrations_search_trgm', 'registrations', ['search_text'], unique=False)


def downgrade():
    op.drop_index('ix_registrations_search_trgm', table_name='registrations')
    op.drop_index('ix_users_email_lower', table_name='users')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_registrations_event_duplicate')
        batch_op.drop_index('ix_registrations_event_person_key')
        batch_op.drop_index('ix_registrations_event_email_key')
        batch_op.drop_index('ix_registrations_event_visa')
        batch_op.drop_index('ix_registrations_event_state_category')
        batch_op.drop_index('ix_registrations_event_country')
        batch_op.drop_column('search_text')
        batch_op.drop_column('duplicate')
        batch_op.drop_column('person_key')
        batch_op.drop_column('email_key')
