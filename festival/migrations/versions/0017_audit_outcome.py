"""audit entries: outcome

Back-office actions refused (rolled back) are recorded too, as `refused`; the entries written
so far were all of actions done.

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-07 10:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.String(length=10), server_default='done',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_column('outcome')
