"""participant list

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 03:43:38.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    # Existing events get the list switched off (the server default fills their rows);
    # the default is then dropped, as the model sets the value itself.
    with op.batch_alter_table('registration_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('participant_list', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('registration_settings', schema=None) as batch_op:
        batch_op.alter_column('participant_list', server_default=None)
    # The list shows more than the earlier consent named (title, position and delegation
    # besides name, organisation and country), so that consent does not cover it:
    # delegates are asked again, on their registration page.
    op.execute(sa.text('UPDATE registrations SET public_listing = :no').bindparams(no=False))


def downgrade():
    with op.batch_alter_table('registration_settings', schema=None) as batch_op:
        batch_op.drop_column('participant_list')
