"""translations: what organisers write for the public, in every language

Each table with texts for the public gets `translations` ({field: {language: text}}); the
text already there stays in its column as the French version (core/translated.py), so
nothing moves and nothing is lost.

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-07 16:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0037'
down_revision = '0036'
branch_labels = None
depends_on = None

TABLES = ('editions', 'ticket_types', 'edition_rooms', 'speakers', 'programme_sessions',
          'checkin_lists')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=False,
                                          server_default='{}'))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('translations')
