"""e-mail links: a reset row for an address without an account; confirmed addresses

Asking for a reset link writes a row whether the address has an account or not (with no
user when it has none), so that both answers cost the same statements.

An account made by the public application form cannot log in until its holder follows the
link sent to the address (users.email_confirmed_at). Accounts made before are taken as
confirmed, from their creation.

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
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed_at', sa.DateTime(), nullable=True))
    op.execute("UPDATE users SET email_confirmed_at = created_at")


def downgrade():
    # The older code knows no confirmation: an account still waiting for it stays shut.
    op.execute("UPDATE users SET is_enabled = false WHERE email_confirmed_at IS NULL")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_confirmed_at')
    op.execute("DELETE FROM password_resets WHERE user_id IS NULL")
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
