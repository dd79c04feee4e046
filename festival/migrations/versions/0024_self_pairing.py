"""checkin lists: volunteers may pair their own phones

A logged-in volunteer may pair the phone in their hand to a gate of a list from the door's
start page (/scan/start), where the list allows it. Existing lists allow it, as new ones do
by default; organisers untick the lists where only their pairing links should work.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 11:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checkin_lists', schema=None) as batch_op:
        batch_op.add_column(sa.Column('allow_self_pairing', sa.Boolean(),
                                      server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table('checkin_lists', schema=None) as batch_op:
        batch_op.drop_column('allow_self_pairing')
