"""programme sessions: iCalendar sequence

A change of time, room or status counts one more. The new `cancelled` status needs no schema
change (statuses are a VARCHAR with no CHECK constraint).

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-07 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('programme_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sequence', sa.Integer(), server_default='0',
                                      nullable=False))


def downgrade():
    # Cancelled sessions did not exist before: they go back to drafts, hidden from the public.
    op.execute("UPDATE programme_sessions SET status = 'draft' WHERE status = 'cancelled'")
    with op.batch_alter_table('programme_sessions', schema=None) as batch_op:
        batch_op.drop_column('sequence')
