"""quotas: the venue capacity per festival day

The venue capacity was one quota for the whole edition that every ticket counted against, so
600 Saturday and 600 Sunday passes could not both be sold at a capacity of 1,000. It becomes
one quota per day of the edition (`quotas.day`), each of the old size, counting the valid
tickets of pending and paid orders that admit on that day (a ticket type's `valid_days`, or
every day when it lists none). The size itself is kept as `editions.day_capacity`, the size a
day added later is given. A day already holding more tickets than the old size gets a quota
as large as what it holds.

Revision ID: 0023
Revises: 0021
Create Date: 2026-12-07 11:00:00.000000

"""
from collections import Counter

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0021'
branch_labels = None
depends_on = None

editions = sa.table('editions', sa.column('id', sa.Integer), sa.column('day_capacity', sa.Integer))
edition_days = sa.table('edition_days', sa.column('edition_id', sa.Integer),
                        sa.column('day', sa.Date))
ticket_types = sa.table('ticket_types', sa.column('id', sa.Integer),
                        sa.column('edition_id', sa.Integer), sa.column('valid_days', sa.JSON))
quotas = sa.table('quotas', sa.column('id', sa.Integer), sa.column('edition_id', sa.Integer),
                  sa.column('ticket_type_id', sa.Integer), sa.column('day', sa.Date),
                  sa.column('size', sa.Integer), sa.column('used', sa.Integer))
orders = sa.table('orders', sa.column('id', sa.Integer), sa.column('status', sa.String))
tickets = sa.table('tickets', sa.column('id', sa.Integer), sa.column('order_id', sa.Integer),
                   sa.column('ticket_type_id', sa.Integer), sa.column('status', sa.String))

HOLDING = ('pending', 'paid')  # the orders that hold seats


def _held_per_type(bind, edition_id):
    return Counter(dict(bind.execute(
        sa.select(ticket_types.c.id, sa.func.count(tickets.c.id))
        .join(tickets, tickets.c.ticket_type_id == ticket_types.c.id)
        .join(orders, orders.c.id == tickets.c.order_id)
        .where(ticket_types.c.edition_id == edition_id, tickets.c.status == 'valid',
               orders.c.status.in_(HOLDING))
        .group_by(ticket_types.c.id)).all()))


def _held_per_day(bind, edition_id, days):
    held = _held_per_type(bind, edition_id)
    per_day = Counter({day: 0 for day in days})
    for type_id, valid_days in bind.execute(sa.select(ticket_types.c.id, ticket_types.c.valid_days)
                                            .where(ticket_types.c.edition_id == edition_id)):
        for day in days:
            if not valid_days or day.isoformat() in valid_days:
                per_day[day] += held[type_id]
    return per_day


def upgrade():
    with op.batch_alter_table('editions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('day_capacity', sa.Integer(), nullable=True))
    with op.batch_alter_table('quotas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('day', sa.Date(), nullable=True))
        batch_op.drop_index('uq_quotas_edition_venue')  # one per edition: the days are many

    bind = op.get_bind()
    venues = bind.execute(sa.select(quotas.c.id, quotas.c.edition_id, quotas.c.size)
                          .where(quotas.c.ticket_type_id.is_(None))).all()
    for quota_id, edition_id, size in venues:
        bind.execute(editions.update().where(editions.c.id == edition_id)
                     .values(day_capacity=size))
        days = list(bind.scalars(sa.select(edition_days.c.day)
                                 .where(edition_days.c.edition_id == edition_id)
                                 .order_by(edition_days.c.day)))
        for day, held in sorted(_held_per_day(bind, edition_id, days).items()):
            bind.execute(quotas.insert().values(edition_id=edition_id, ticket_type_id=None,
                                                day=day, size=max(size, held), used=held))
        bind.execute(quotas.delete().where(quotas.c.id == quota_id))

    with op.batch_alter_table('quotas', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_quotas_edition_day'),
                                          ['edition_id', 'day'])
        batch_op.create_check_constraint(batch_op.f('ck_quotas_type_or_day'),
                                         '(ticket_type_id IS NULL) <> (day IS NULL)')


def downgrade():
    # Back to one venue quota for the edition, of the day capacity, counting every ticket held.
    with op.batch_alter_table('quotas', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_quotas_type_or_day'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_quotas_edition_day'), type_='unique')

    bind = op.get_bind()
    for edition_id, size in bind.execute(sa.select(editions.c.id, editions.c.day_capacity)
                                         .where(editions.c.day_capacity.is_not(None))).all():
        held = sum(_held_per_type(bind, edition_id).values())
        bind.execute(quotas.insert().values(edition_id=edition_id, ticket_type_id=None,
                                            day=None, size=max(size, held), used=held))
    bind.execute(quotas.delete().where(quotas.c.day.is_not(None)))

    with op.batch_alter_table('quotas', schema=None) as batch_op:
        batch_op.drop_column('day')
        batch_op.create_index('uq_quotas_edition_venue', ['edition_id'], unique=True,
                              postgresql_where=sa.text('ticket_type_id IS NULL'),
                              sqlite_where=sa.text('ticket_type_id IS NULL'))
    with op.batch_alter_table('editions', schema=None) as batch_op:
        batch_op.drop_column('day_capacity')
