"""password resets: a row for an address without an account too

Asking for a reset link writes a row whether the address has an account or not (with no
user when it has none), so that both answers cost the same statements.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-14 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True)


def downgrade():
    op.execute("DELETE FROM password_resets WHERE user_id IS NULL")
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
