"""volunteers: the shifts of an edition and the people on them

`volunteer_shifts`: one task of an edition (a door, the box office, a room…) between two
instants, for a number of people, with notes per language and an optional lead.
`volunteer_shift_assignments`: one person on one shift, signed up or assigned, withdrawn
rather than deleted; when its reminders were queued and the phone paired from it.

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-07 16:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0038'
down_revision = '0037'
branch_labels = None
depends_on = None

_TASK = sa.Enum('door', 'box_office', 'room_steward', 'welcome_desk', 'set_up', 'other',
                name='shift_task', native_enum=False, length=20)


def upgrade():
    op.create_table(
        'volunteer_shifts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('edition_id', sa.Integer(), nullable=False),
        sa.Column('task', _TASK, nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('checkin_list_id', sa.Integer(), nullable=True),
        sa.Column('room_id', sa.Integer(), nullable=True),
        sa.Column('starts_at', sa.DateTime(), nullable=False),
        sa.Column('ends_at', sa.DateTime(), nullable=False),
        sa.Column('people_needed', sa.Integer(), nullable=False),
        sa.Column('notes', sa.JSON(), nullable=False),
        sa.Column('lead_id', sa.Integer(), nullable=True),
        sa.Column('lead_phone', sa.String(length=40), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('people_needed >= 1',
                           name=op.f('ck_volunteer_shifts_people_needed_positive')),
        sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_volunteer_shifts_ends_after_start')),
        sa.ForeignKeyConstraint(['edition_id'], ['editions.id'],
                                name=op.f('fk_volunteer_shifts_edition_id_editions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['checkin_list_id'], ['checkin_lists.id'],
                                name=op.f('fk_volunteer_shifts_checkin_list_id_checkin_lists'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['room_id'], ['edition_rooms.id'],
                                name=op.f('fk_volunteer_shifts_room_id_edition_rooms'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['lead_id'], ['users.id'],
                                name=op.f('fk_volunteer_shifts_lead_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_shifts')),
    )
    with op.batch_alter_table('volunteer_shifts', schema=None) as batch_op:
        batch_op.create_index('ix_volunteer_shifts_edition_starts', ['edition_id', 'starts_at'],
                              unique=False)
    op.create_table(
        'volunteer_shift_assignments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shift_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('assigned_by_id', sa.Integer(), nullable=True),
        sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
        sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
        sa.Column('day_reminder_at', sa.DateTime(), nullable=True),
        sa.Column('hour_reminder_at', sa.DateTime(), nullable=True),
        sa.Column('device_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['shift_id'], ['volunteer_shifts.id'],
                                name=op.f('fk_volunteer_shift_assignments_shift_id_volunteer_shifts'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_volunteer_shift_assignments_user_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'],
                                name=op.f('fk_volunteer_shift_assignments_assigned_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'],
                                name=op.f('fk_volunteer_shift_assignments_withdrawn_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['device_id'], ['checkin_devices.id'],
                                name=op.f('fk_volunteer_shift_assignments_device_id_checkin_devices'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_shift_assignments')),
    )
    with op.batch_alter_table('volunteer_shift_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_shift_assignments_shift_id'),
                              ['shift_id'], unique=False)
        batch_op.create_index('ix_volunteer_shift_assignments_user',
                              ['user_id', 'withdrawn_at'], unique=False)
        batch_op.create_index('uq_volunteer_shift_assignments_live', ['shift_id', 'user_id'],
                              unique=True, sqlite_where=sa.text('withdrawn_at IS NULL'),
                              postgresql_where=sa.text('withdrawn_at IS NULL'))


def downgrade():
    op.drop_table('volunteer_shift_assignments')
    op.drop_table('volunteer_shifts')
