"""ticketing: which terms of sale each order was made under, and how they were accepted

`orders.terms_acceptance` says how the buyer agreed (online: ticked; at_desk: box office;
by_staff: bank transfer taken by an organiser), `terms_version` which terms were in force,
`terms_accepted_at` when the buyer ticked them. Orders made before the shop asked are
`not_recorded`, with no version.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 13:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'terms_acceptance',
            sa.Enum('online', 'at_desk', 'by_staff', 'not_recorded', name='terms_acceptance',
                    native_enum=False, length=20),
            nullable=False, server_default='not_recorded'))
        batch_op.add_column(sa.Column('terms_version', sa.String(length=40), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('terms_accepted_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('terms_accepted_at')
        batch_op.drop_column('terms_version')
        batch_op.drop_column('terms_acceptance')
