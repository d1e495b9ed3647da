"""Personal data rights: erasure requests and each event's retention period; an index
for the dashboards' registration counts

Revision ID: 0012_dash
Revises: 0012_multilingual
Create Date: 2026-12-07 04:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.utils.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0012_dash'
down_revision = '0012_multilingual'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'erasure_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('state', sa.Enum('pending', 'cancelled', 'refused', 'done', name='erasurestate',
                                   native_enum=False, length=12), nullable=False),
        sa.Column('pseudonym', sa.String(length=40), nullable=False),
        sa.Column('requested_at', UTCDateTime(), nullable=False),
        sa.Column('due_at', UTCDateTime(), nullable=False),
        sa.Column('decided_at', UTCDateTime(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_erasure_requests_decided_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_erasure_requests_user_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_requests')),
    )
    with op.batch_alter_table('erasure_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erasure_requests_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_erasure_requests_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_erasure_requests_pending', ['user_id'], unique=True,
                              sqlite_where=sa.text("state = 'pending'"), postgresql_where=sa.text("state = 'pending'"))

    op.create_table(
        'event_retention',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('retention_days', sa.Integer(), nullable=False),
        sa.Column('anonymised_at', UTCDateTime(), nullable=True),
        sa.Column('anonymised_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['anonymised_by_id'], ['users.id'],
                                name=op.f('fk_event_retention_anonymised_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_retention_event_id_events'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_event_retention')),
        sa.UniqueConstraint('event_id', name=op.f('uq_event_retention_event_id')),
    )

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index('ix_registrations_event_summary', ['event_id', 'category_id', 'state', 'country'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_registrations_event_summary')
    op.drop_table('event_retention')
    with op.batch_alter_table('erasure_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_erasure_requests_pending')
        batch_op.drop_index(batch_op.f('ix_erasure_requests_user_id'))
        batch_op.drop_index(batch_op.f('ix_erasure_requests_state'))
    op.drop_table('erasure_requests')
