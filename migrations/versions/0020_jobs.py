"""background jobs and the claims of periodic work

Revision ID: 0020_jobs
Revises: 0012_outputs
Create Date: 2026-12-07 14:20:00.000000

`jobs`: long work done by a worker (app/jobs), with its progress and file.
`scheduled_runs`: one row per (periodic task, period), inserted by the one worker
that runs the task for that period.
"""
from alembic import op
import sqlalchemy as sa

from app.utils.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0020_jobs'
down_revision = '0012_outputs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=64), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('locale', sa.String(length=8), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('state', sa.Enum('queued', 'running', 'done', 'failed', name='jobstate', native_enum=False,
                                   length=10), nullable=False),
        sa.Column('progress_done', sa.Integer(), nullable=False),
        sa.Column('progress_total', sa.Integer(), nullable=False),
        sa.Column('message', sa.String(length=300), nullable=False),
        sa.Column('result_name', sa.String(length=255), nullable=False),
        sa.Column('result_path', sa.String(length=500), nullable=False),
        sa.Column('error', sa.String(length=1000), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('started_at', UTCDateTime(), nullable=True),
        sa.Column('finished_at', UTCDateTime(), nullable=True),
        sa.Column('heartbeat_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_event_id', ['event_id'], unique=False)
        batch_op.create_index('ix_jobs_requested_by_id', ['requested_by_id'], unique=False)
        batch_op.create_index('ix_jobs_state_heartbeat', ['state', 'heartbeat_at'], unique=False)

    op.create_table(
        'scheduled_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('task', sa.String(length=64), nullable=False),
        sa.Column('period', sa.String(length=32), nullable=False),
        sa.Column('claimed_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('task', 'period', name='uq_scheduled_runs_task_period'),
    )


def downgrade():
    op.drop_table('scheduled_runs')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_state_heartbeat')
        batch_op.drop_index('ix_jobs_requested_by_id')
        batch_op.drop_index('ix_jobs_event_id')
    op.drop_table('jobs')
