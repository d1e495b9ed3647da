"""when a private calendar feed last changed

Revision ID: 0007_exports
Revises: 0006
Create Date: 2026-12-07 02:05:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.utils.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0007_exports'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agenda_feeds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_etag', sa.String(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('changed_at', UTCDateTime(), nullable=True))
    with op.batch_alter_table('agenda_feeds', schema=None) as batch_op:
        batch_op.alter_column('body_etag', server_default=None)


def downgrade():
    with op.batch_alter_table('agenda_feeds', schema=None) as batch_op:
        batch_op.drop_column('changed_at')
        batch_op.drop_column('body_etag')
