"""editions: where and when, per festival day

Each festival day may name its venue (none: the edition's main venue) and the hours its
doors open and close (wall-clock times in Paris). Each venue gets a map link and, per
language, how to get there by public transport and its step-free access
(festival/editions/practical.py).

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 13:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('edition_venues', schema=None) as batch_op:
        batch_op.add_column(sa.Column('map_url', sa.String(length=500), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('transport', sa.JSON(), nullable=False,
                                      server_default='{}'))
        batch_op.add_column(sa.Column('access', sa.JSON(), nullable=False,
                                      server_default='{}'))
    with op.batch_alter_table('edition_days', schema=None) as batch_op:
        batch_op.add_column(sa.Column('venue_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('doors_open', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('doors_close', sa.Time(), nullable=True))
        batch_op.create_index(batch_op.f('ix_edition_days_venue_id'), ['venue_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_edition_days_venue_id_edition_venues'),
                                    'edition_venues', ['venue_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('edition_days', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_edition_days_venue_id_edition_venues'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_edition_days_venue_id'))
        batch_op.drop_column('doors_close')
        batch_op.drop_column('doors_open')
        batch_op.drop_column('venue_id')
    with op.batch_alter_table('edition_venues', schema=None) as batch_op:
        batch_op.drop_column('access')
        batch_op.drop_column('transport')
        batch_op.drop_column('map_url')
