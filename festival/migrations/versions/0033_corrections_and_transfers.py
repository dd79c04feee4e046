"""ticketing: tickets handed over to someone else

A ticket handed over is revoked and replaced by a new one in the same order:
`transferred_from_id` names the ticket it replaces, `transfer_count` how many times its seat
changed hands, `holder_email` the new holder's address (personal data).

Revision ID: 0033
Revises: 0031
Create Date: 2026-12-07 13:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0033'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tickets') as batch:
        batch.add_column(sa.Column('transferred_from_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('transfer_count', sa.Integer(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('holder_email', sa.String(length=254), nullable=True))
        batch.create_foreign_key('fk_tickets_transferred_from_id_tickets', 'tickets',
                                 ['transferred_from_id'], ['id'], ondelete='SET NULL')
        batch.create_index('ix_tickets_transferred_from_id', ['transferred_from_id'])
        batch.create_index('ix_tickets_holder_email', ['holder_email'])


def downgrade():
    with op.batch_alter_table('tickets') as batch:
        batch.drop_index('ix_tickets_holder_email')
        batch.drop_index('ix_tickets_transferred_from_id')
        batch.drop_constraint('fk_tickets_transferred_from_id_tickets', type_='foreignkey')
        batch.drop_column('holder_email')
        batch.drop_column('transfer_count')
        batch.drop_column('transferred_from_id')
