"""seats: free pre-registration for sessions

`programme_sessions.registration_required`, and `seat_reservations`: a seat reserved for
one ticket in one session, released when not used by ten minutes after the start.

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-07 17:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0040'
down_revision = '0039'
branch_labels = None
depends_on = None

_STATUS = sa.Enum('reserved', 'cancelled', 'released', 'used', name='seat_status',
                  native_enum=False, length=20)


def upgrade():
    with op.batch_alter_table('programme_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registration_required', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.create_table(
        'seat_reservations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('status', _STATUS, nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['session_id'], ['programme_sessions.id'],
                                name=op.f('fk_seat_reservations_session_id_programme_sessions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                                name=op.f('fk_seat_reservations_ticket_id_tickets'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_seat_reservations')),
    )
    with op.batch_alter_table('seat_reservations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seat_reservations_session_id'), ['session_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_seat_reservations_ticket_id'), ['ticket_id'],
                              unique=False)
        batch_op.create_index('uq_seat_reservations_active', ['session_id', 'ticket_id'],
                              unique=True, sqlite_where=sa.text("status = 'reserved'"),
                              postgresql_where=sa.text("status = 'reserved'"))


def downgrade():
    op.drop_table('seat_reservations')
    with op.batch_alter_table('programme_sessions', schema=None) as batch_op:
        batch_op.drop_column('registration_required')
