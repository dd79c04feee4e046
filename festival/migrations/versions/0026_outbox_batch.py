"""mail: the mailing an outbox message belongs to

`outbox_messages.batch` names a mailing ("reminder:…", "message:…") so that organisers
see, per mailing, how many messages are queued, sent and failed.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 12:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('batch', sa.String(length=120), nullable=True))
        batch_op.create_index('ix_outbox_messages_batch', ['batch'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_batch')
        batch_op.drop_column('batch')
