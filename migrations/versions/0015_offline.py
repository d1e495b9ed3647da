"""Offline check-in desks: badge signing keys, desks and the scans they upload

Revision ID: 0012_offline
Revises: 0012_footprint
Create Date: 2026-12-07 04:15:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.utils.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0012_offline'
down_revision = '0012_footprint'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'badge_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('key_id', sa.String(length=16), nullable=False),
        sa.Column('private_key', sa.LargeBinary(length=32), nullable=False),
        sa.Column('public_key', sa.LargeBinary(length=32), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('retired_at', UTCDateTime(), nullable=True),
        sa.Column('revoked_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_badge_keys_event_id_events'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_badge_keys')),
        sa.UniqueConstraint('key_id', name=op.f('uq_badge_keys_key_id')),
    )
    with op.batch_alter_table('badge_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_badge_keys_event_id'), ['event_id'], unique=False)

    op.create_table(
        'checkin_desks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.Column('issued_at', UTCDateTime(), nullable=False),
        sa.Column('last_contact_at', UTCDateTime(), nullable=True),
        sa.Column('roster_synced_at', UTCDateTime(), nullable=True),
        sa.Column('queue_length', sa.Integer(), nullable=False),
        sa.Column('clock_skew_seconds', sa.Integer(), nullable=True),
        sa.Column('revoked_at', UTCDateTime(), nullable=True),
        sa.Column('revoked_by_id', sa.Integer(), nullable=True),
        sa.Column('wiped_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_checkin_desks_event_id_events'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_checkin_desks_issued_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_checkin_desks_revoked_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin_desks')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_checkin_desks_token_hash')),
    )
    with op.batch_alter_table('checkin_desks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkin_desks_event_id'), ['event_id'], unique=False)

    op.create_table(
        'checkin_desk_scans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('desk_id', sa.Integer(), nullable=False),
        sa.Column('nonce', sa.String(length=64), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=True),
        sa.Column('checkin_id', sa.Integer(), nullable=True),
        sa.Column('badge_version', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('conflict', sa.Boolean(), nullable=False),
        sa.Column('from_revoked_desk', sa.Boolean(), nullable=False),
        sa.Column('device_time', UTCDateTime(), nullable=False),
        sa.Column('scanned_at', UTCDateTime(), nullable=False),
        sa.Column('received_at', UTCDateTime(), nullable=False),
        sa.Column('skew_seconds', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['checkin_id'], ['checkins.id'], name=op.f('fk_checkin_desk_scans_checkin_id_checkins'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['desk_id'], ['checkin_desks.id'],
                                name=op.f('fk_checkin_desk_scans_desk_id_checkin_desks'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_checkin_desk_scans_event_id_events'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'],
                                name=op.f('fk_checkin_desk_scans_registration_id_registrations'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin_desk_scans')),
        sa.UniqueConstraint('desk_id', 'nonce', name=op.f('uq_checkin_desk_scans_desk_id_nonce')),
    )
    with op.batch_alter_table('checkin_desk_scans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkin_desk_scans_desk_id'), ['desk_id'], unique=False)
        batch_op.create_index('ix_desk_scans_event_conflict', ['event_id', 'conflict'], unique=False)


def downgrade():
    op.drop_table('checkin_desk_scans')
    op.drop_table('checkin_desks')
    op.drop_table('badge_keys')
