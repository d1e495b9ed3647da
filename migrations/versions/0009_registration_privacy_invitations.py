"""privacy notice per event; registrations flagged for an invitation used by another address

Revision ID: 0007_registration
Revises: 0007_ops
Create Date: 2026-12-07 01:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_registration'
down_revision = '0007_ops'
branch_labels = None
depends_on = None


def upgrade():
    # Server defaults fill the existing rows, then go: the model sets the values itself.
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('privacy_notice', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invitation_other_address', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.alter_column('privacy_notice', server_default=None)
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.alter_column('invitation_other_address', server_default=None)


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('invitation_other_address')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('privacy_notice')
