"""outreach: message rules, their deliveries, feedback, unsubscribed addresses; outbox headers

Each edition's automatic messages (reminder, thank-you, announcement) with their texts per
language; one delivery row per message a rule queued (unique per rule, recipient and
occasion); the attendees' feedback (one per order); the addresses that asked for no more
announcements; `outbox_messages.headers` for a marketing message's List-Unsubscribe, and
`outbox_messages.send_before`, after which a message is given up rather than sent late.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 13:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

from festival.core.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headers', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('send_before', UTCDateTime(), nullable=True))

    op.create_table(
        'message_rules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('edition_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('reminder', 'thank_you', 'announcement', name='rule_kind',
                                  native_enum=False, length=20), nullable=False),
        sa.Column('is_enabled', sa.Boolean(), nullable=False),
        sa.Column('subjects', sa.JSON(), nullable=False),
        sa.Column('bodies', sa.JSON(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['edition_id'], ['editions.id'],
                                name=op.f('fk_message_rules_edition_id_editions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message_rules')),
        sa.UniqueConstraint('edition_id', 'kind', name='uq_message_rules_kind'),
    )
    op.create_index('ix_message_rules_edition_id', 'message_rules', ['edition_id'])

    op.create_table(
        'rule_deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('rule_id', sa.Integer(), nullable=False),
        sa.Column('recipient', sa.String(length=270), nullable=False),
        sa.Column('occasion', sa.String(length=40), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=True),
        sa.Column('outbox_message_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['rule_id'], ['message_rules.id'],
                                name=op.f('fk_rule_deliveries_rule_id_message_rules'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'],
                                name=op.f('fk_rule_deliveries_order_id_orders'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_deliveries')),
        sa.UniqueConstraint('rule_id', 'recipient', 'occasion', name='uq_rule_deliveries_once'),
    )
    op.create_index('ix_rule_deliveries_rule_id', 'rule_deliveries', ['rule_id'])
    op.create_index('ix_rule_deliveries_order_id', 'rule_deliveries', ['order_id'])

    op.create_table(
        'unsubscribed_addresses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('address', sa.String(length=254), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_unsubscribed_addresses')),
        sa.UniqueConstraint('address', name=op.f('uq_unsubscribed_addresses_address')),
    )

    op.create_table(
        'feedback_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('edition_id', sa.Integer(), nullable=False),
        sa.Column('mark', sa.Integer(), nullable=False),
        sa.Column('best_session_id', sa.Integer(), nullable=True),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint('mark BETWEEN 1 AND 5', name=op.f('ck_feedback_answers_mark_1_to_5')),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'],
                                name=op.f('fk_feedback_answers_order_id_orders'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['edition_id'], ['editions.id'],
                                name=op.f('fk_feedback_answers_edition_id_editions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['best_session_id'], ['programme_sessions.id'],
                                name=op.f('fk_feedback_answers_best_session_id_programme_sessions'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_answers')),
        sa.UniqueConstraint('order_id', name=op.f('uq_feedback_answers_order_id')),
    )
    op.create_index('ix_feedback_answers_edition_id', 'feedback_answers', ['edition_id'])


def downgrade():
    op.drop_table('feedback_answers')
    op.drop_table('unsubscribed_addresses')
    op.drop_table('rule_deliveries')
    op.drop_table('message_rules')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('send_before')
        batch_op.drop_column('headers')
