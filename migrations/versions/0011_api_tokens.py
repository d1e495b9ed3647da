"""API tokens, idempotency keys, webhooks and webhook deliveries

Revision ID: 0011_api
Revises: 0007_accounts
Create Date: 2026-12-07 02:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.utils.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0011_api'
down_revision = '0007_accounts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'api_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('personal', 'service', name='api_token_kind', native_enum=False, length=16),
                  nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('scope', sa.Enum('read', 'read_write', name='api_token_scope', native_enum=False, length=16),
                  nullable=False),
        sa.Column('actions', sa.JSON(), nullable=False),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('expires_at', UTCDateTime(), nullable=False),
        sa.Column('last_used_at', UTCDateTime(), nullable=True),
        sa.Column('revoked_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_api_tokens_event_id_events'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash')),
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table(
        'api_idempotency_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('request_hash', sa.String(length=64), nullable=False),
        sa.Column('status_code', sa.Integer(), nullable=True),
        sa.Column('response_body', sa.Text(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['token_id'], ['api_tokens.id'],
                                name=op.f('fk_api_idempotency_keys_token_id_api_tokens'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_idempotency_keys')),
        sa.UniqueConstraint('token_id', 'key', name=op.f('uq_api_idempotency_keys_token_id_key')),
    )

    op.create_table(
        'api_webhooks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('secret', sa.String(length=128), nullable=False),
        sa.Column('events', sa.JSON(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('disabled_at', UTCDateTime(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_api_webhooks_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_api_webhooks_event_id_events'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_webhooks')),
    )
    with op.batch_alter_table('api_webhooks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_webhooks_event_id'), ['event_id'], unique=False)

    op.create_table(
        'api_webhook_deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('webhook_id', sa.Integer(), nullable=False),
        sa.Column('event_type', sa.String(length=64), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', UTCDateTime(), nullable=False),
        sa.Column('response_code', sa.Integer(), nullable=True),
        sa.Column('error', sa.String(length=500), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('delivered_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['webhook_id'], ['api_webhooks.id'],
                                name=op.f('fk_api_webhook_deliveries_webhook_id_api_webhooks'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_webhook_deliveries')),
    )
    with op.batch_alter_table('api_webhook_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_webhook_deliveries_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_webhook_deliveries_webhook_id'), ['webhook_id'], unique=False)


def downgrade():
    op.drop_table('api_webhook_deliveries')
    op.drop_table('api_webhooks')
    op.drop_table('api_idempotency_keys')
    op.drop_table('api_tokens')
