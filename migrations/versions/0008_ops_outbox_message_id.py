"""outbox message id

Revision ID: 0007_ops
Revises: 0007_exports
Create Date: 2026-12-07 01:50:00.000000

"""
import uuid

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_ops'
down_revision = '0007_exports'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.String(length=255), nullable=True))
    # Messages already queued get their Message-ID now; any later attempt reuses it.
    outbox = sa.table('outbox_messages', sa.column('id', sa.Integer), sa.column('message_id', sa.String))
    connection = op.get_bind()
    for (message_id,) in connection.execute(sa.select(outbox.c.id)).all():
        connection.execute(outbox.update().where(outbox.c.id == message_id)
                           .values(message_id=f'<{uuid.uuid4().hex}@kurultai.local>'))
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.alter_column('message_id', existing_type=sa.String(length=255), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_outbox_messages_message_id'), ['message_id'])


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_outbox_messages_message_id'), type_='unique')
        batch_op.drop_column('message_id')
