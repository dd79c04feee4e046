"""waitlist: the waiting list of sold-out ticket types, and the offers made from it

`waitlist_entries`: one person waiting for tickets of one type, in joining order.
`waitlist_offers`: seats held for one entry for a while (counted in the quotas while open).

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07 13:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None

_ENTRY = sa.Enum('waiting', 'offered', 'bought', 'expired', 'left', 'removed',
                 name='waitlist_entry_status', native_enum=False, length=20)
_OFFER = sa.Enum('open', 'used', 'expired', 'withdrawn', name='waitlist_offer_state',
                 native_enum=False, length=20)


def upgrade():
    op.create_table(
        'waitlist_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('edition_id', sa.Integer(), nullable=False),
        sa.Column('ticket_type_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('secret', sa.String(length=64), nullable=False),
        sa.Column('status', _ENTRY, nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('quantity >= 1', name=op.f('ck_waitlist_entries_quantity_positive')),
        sa.ForeignKeyConstraint(['edition_id'], ['editions.id'],
                                name=op.f('fk_waitlist_entries_edition_id_editions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['ticket_type_id'], ['ticket_types.id'],
                                name=op.f('fk_waitlist_entries_ticket_type_id_ticket_types'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist_entries')),
        sa.UniqueConstraint('secret', name=op.f('uq_waitlist_entries_secret')),
    )
    with op.batch_alter_table('waitlist_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waitlist_entries_edition_id'), ['edition_id'],
                              unique=False)
        batch_op.create_index('ix_waitlist_entries_type_status',
                              ['ticket_type_id', 'status', 'id'], unique=False)
        batch_op.create_index('uq_waitlist_entries_active_email', ['ticket_type_id', 'email'],
                              unique=True,
                              sqlite_where=sa.text("status IN ('waiting', 'offered')"),
                              postgresql_where=sa.text("status IN ('waiting', 'offered')"))
    op.create_table(
        'waitlist_offers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('state', _OFFER, nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('order_id', sa.Integer(), nullable=True),
        sa.Column('offered_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('quantity >= 1', name=op.f('ck_waitlist_offers_quantity_positive')),
        sa.ForeignKeyConstraint(['entry_id'], ['waitlist_entries.id'],
                                name=op.f('fk_waitlist_offers_entry_id_waitlist_entries'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'],
                                name=op.f('fk_waitlist_offers_order_id_orders'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['offered_by_id'], ['users.id'],
                                name=op.f('fk_waitlist_offers_offered_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist_offers')),
        sa.UniqueConstraint('token', name=op.f('uq_waitlist_offers_token')),
    )
    with op.batch_alter_table('waitlist_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waitlist_offers_entry_id'), ['entry_id'],
                              unique=False)
        batch_op.create_index('ix_waitlist_offers_state_expires', ['state', 'expires_at'],
                              unique=False)
        batch_op.create_index('uq_waitlist_offers_one_open', ['entry_id'], unique=True,
                              sqlite_where=sa.text("state = 'open'"),
                              postgresql_where=sa.text("state = 'open'"))


def downgrade():
    op.drop_table('waitlist_offers')
    op.drop_table('waitlist_entries')
