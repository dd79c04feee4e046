"""payments and refunds as rows: the order's money ledger

Every attempt to pay an order is a `payments` row (provider, Checkout Session, PaymentIntent,
state), every amount sent back a `refunds` row; the order's paid and refunded amounts follow
from them (`orders.refunded_cents` stays as their cache for the dashboards' sums).

The ledger is backfilled from what the orders and the Stripe events kept:
- a paid or refunded order (or one with `paid_at`) gets one confirmed payment of its total,
  by its payment method, with its Checkout Session and PaymentIntent;
- an unpaid order that went to Checkout gets its session as a payment: failed when a
  webhook said so (outcome failed or payment_mismatch), cancelled when the order expired or
  was cancelled, created while it is pending;
- an order with `refunded_cents` gets one refund of that amount (done for Stripe, to be paid
  back by hand otherwise), dated by its last refund event.

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-07 11:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0017'
branch_labels = None
depends_on = None

METHODS = ('stripe', 'demo', 'free', 'bank_transfer', 'cash', 'card_terminal')


def upgrade():
    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.Enum(*METHODS, name='payment_method', native_enum=False, length=20), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('created', 'cancel_requested', 'confirmed', 'failed', 'cancelled', name='payment_state', native_enum=False, length=20), nullable=False),
    sa.Column('checkout_session_id', sa.String(length=255), nullable=True),
    sa.Column('payment_intent_id', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount_cents >= 0', name=op.f('ck_payments_amount_not_negative')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_payments_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sa.UniqueConstraint('checkout_session_id', name=op.f('uq_payments_checkout_session_id'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_payment_intent_id'), ['payment_intent_id'], unique=False)

    op.create_table('refunds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('provider_refund_id', sa.String(length=255), nullable=True),
    sa.Column('state', sa.Enum('requested', 'done', 'failed', name='refund_state', native_enum=False, length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_refunds_amount_positive')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_refunds_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_refunds_payment_id_payments'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds')),
    sa.UniqueConstraint('provider_refund_id', name=op.f('uq_refunds_provider_refund_id'))
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refunds_order_id'), ['order_id'], unique=False)

    _backfill()


def _backfill():
    # Plain SQL that SQLite and PostgreSQL read alike.
    op.execute("""
        INSERT INTO payments (order_id, provider, amount_cents, state, checkout_session_id,
                              payment_intent_id, created_at, confirmed_at, updated_at)
        SELECT id, payment_method, total_cents, 'confirmed', stripe_session_id,
               stripe_payment_intent, COALESCE(paid_at, updated_at), COALESCE(paid_at, updated_at),
               COALESCE(paid_at, updated_at)
        FROM orders
        WHERE payment_method IS NOT NULL
          AND (status IN ('paid', 'refunded') OR paid_at IS NOT NULL)
    """)
    op.execute("""
        INSERT INTO payments (order_id, provider, amount_cents, state, checkout_session_id,
                              payment_intent_id, created_at, confirmed_at, updated_at)
        SELECT o.id, 'stripe', o.total_cents,
               CASE WHEN EXISTS (SELECT 1 FROM payment_events e
                                 WHERE e.order_code = o.code
                                   AND e.outcome IN ('failed', 'payment_mismatch'))
                    THEN 'failed'
                    WHEN o.status IN ('expired', 'cancelled') THEN 'cancelled'
                    ELSE 'created' END,
               o.stripe_session_id, o.stripe_payment_intent, o.created_at, NULL, o.updated_at
        FROM orders o
        WHERE o.stripe_session_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id)
    """)
    op.execute("""
        INSERT INTO refunds (order_id, payment_id, amount_cents, provider_refund_id, state,
                             reason, created_at)
        SELECT o.id,
               (SELECT MAX(p.id) FROM payments p
                WHERE p.order_id = o.id AND p.state = 'confirmed'),
               o.refunded_cents, NULL,
               CASE WHEN o.payment_method = 'stripe' THEN 'done' ELSE 'requested' END,
               'recorded before the ledger',
               COALESCE((SELECT MAX(e.created_at) FROM order_events e
                         WHERE e.order_id = o.id AND e.kind IN
                           ('refunded', 'partial_refund', 'partial_refund_at_stripe')),
                        o.updated_at)
        FROM orders o
        WHERE o.refunded_cents > 0
    """)


def downgrade():
    # The orders kept their own amounts and Stripe ids: dropping the ledger loses no money.
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refunds_order_id'))
    op.drop_table('refunds')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_payment_intent_id'))
        batch_op.drop_index(batch_op.f('ix_payments_order_id'))
    op.drop_table('payments')
