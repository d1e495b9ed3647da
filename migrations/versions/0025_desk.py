"""offline desk: an event may let its offline desks keep a small photo of each delegate

Revision ID: 0025_desk
Revises: 0024_dash
Create Date: 2026-12-07 17:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025_desk'
down_revision = '0024_dash'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('onsite_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('desk_photos', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('onsite_settings', schema=None) as batch_op:
        batch_op.drop_column('desk_photos')
