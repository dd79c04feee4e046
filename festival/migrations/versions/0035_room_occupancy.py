"""rooms: the check-in list at a room's door, its overflow room and stream, a session's seats

`checkin_lists.room_id` says which room a list keeps the door of (until now a list named
like a room stood for it: those lists get their room here); `edition_rooms.overflow_room_id`
and `stream_url` say where to send people when the room is full; `programme_sessions.capacity`
is a session's own number of seats, below its room's.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-07 13:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checkin_lists', schema=None) as batch_op:
        batch_op.add_column(sa.Column('room_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_checkin_lists_room_id', 'edition_rooms', ['room_id'],
                                    ['id'], ondelete='SET NULL')
        batch_op.create_index('ix_checkin_lists_room_id', ['room_id'], unique=False)
    with op.batch_alter_table('edition_rooms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('overflow_room_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('stream_url', sa.String(length=500), nullable=False,
                                      server_default=''))
        batch_op.create_foreign_key('fk_edition_rooms_overflow_room_id', 'edition_rooms',
                                    ['overflow_room_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('programme_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('capacity', sa.Integer(), nullable=True))
    # A list named after a room of its edition (case and outer spaces aside) kept its door.
    lists = sa.table('checkin_lists', sa.column('id', sa.Integer),
                     sa.column('edition_id', sa.Integer), sa.column('name', sa.String),
                     sa.column('room_id', sa.Integer))
    rooms = sa.table('edition_rooms', sa.column('id', sa.Integer),
                     sa.column('edition_id', sa.Integer), sa.column('name', sa.String))
    bind = op.get_bind()
    by_name = {(r.edition_id, r.name.strip().lower()): r.id
               for r in bind.execute(sa.select(rooms.c.id, rooms.c.edition_id, rooms.c.name))}
    for row in bind.execute(sa.select(lists.c.id, lists.c.edition_id, lists.c.name)).all():
        room_id = by_name.get((row.edition_id, row.name.strip().lower()))
        if room_id is not None:
            bind.execute(lists.update().where(lists.c.id == row.id).values(room_id=room_id))


def downgrade():
    with op.batch_alter_table('programme_sessions', schema=None) as batch_op:
        batch_op.drop_column('capacity')
    with op.batch_alter_table('edition_rooms', schema=None) as batch_op:
        batch_op.drop_constraint('fk_edition_rooms_overflow_room_id', type_='foreignkey')
        batch_op.drop_column('stream_url')
        batch_op.drop_column('overflow_room_id')
    with op.batch_alter_table('checkin_lists', schema=None) as batch_op:
        batch_op.drop_index('ix_checkin_lists_room_id')
        batch_op.drop_constraint('fk_checkin_lists_room_id', type_='foreignkey')
        batch_op.drop_column('room_id')
