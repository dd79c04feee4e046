"""editions: the cut-off of a festival day

A festival day runs until `day_cutoff` the next morning, in Paris (05:00 unless the
organisers say otherwise): the door, the programme, the dashboards and the exports agree
on it (festival/editions/days.py).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 11:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('editions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('day_cutoff', sa.Time(), nullable=False,
                                      server_default='05:00:00'))


def downgrade():
    with op.batch_alter_table('editions', schema=None) as batch_op:
        batch_op.drop_column('day_cutoff')
