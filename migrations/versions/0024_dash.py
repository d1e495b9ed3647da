"""dashboards at scale: indexes that the secretariat's figures read alone (registrations
over time, registrations per delegation and state)

Revision ID: 0024_dash
Revises: 0023_i18n_more
Create Date: 2026-12-07 17:30:00.000000
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0024_dash'
down_revision = '0023_i18n_more'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index('ix_registrations_event_sent', ['event_id', 'state', 'submitted_at', 'created_at'],
                              unique=False)
        batch_op.create_index('ix_registrations_delegation_state', ['delegation_id', 'state'], unique=False)


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_registrations_delegation_state')
        batch_op.drop_index('ix_registrations_event_sent')
