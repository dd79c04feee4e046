"""outbox: messages rendered when they are sent

A message may be queued as what to render (its template, language and `context`, the ids
its renderer needs) and rendered by the sender after the commit: `text_body` is empty until
then. Rows already rendered keep their bodies and are sent as they are.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('context', sa.JSON(), nullable=True))
        batch_op.alter_column('text_body', existing_type=sa.Text(), nullable=True)


def downgrade():
    # The older sender cannot render: a message still waiting for it is given up, visibly.
    op.execute("UPDATE outbox_messages SET text_body = '', status = 'failed', "
               "last_error = 'Not rendered: the outbox was downgraded before it was sent.' "
               "WHERE text_body IS NULL")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.alter_column('text_body', existing_type=sa.Text(), nullable=False)
        batch_op.drop_column('context')
