"""accounting: document counters (an unbroken numbering per kind and civil year), the
donors' receipt requests, the donation receipts and the companies' invoices

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-07 15:57:18.717418

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0039'
down_revision = '0038'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('document_counters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('donation_receipt', 'invoice', name='counter_kind', native_enum=False, length=30), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.CheckConstraint('last_number >= 0', name=op.f('ck_document_counters_last_number_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_counters')),
    sa.UniqueConstraint('kind', 'year', name='uq_document_counters_kind_year')
    )
    op.create_table('donation_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('donor_name', sa.String(length=200), nullable=False),
    sa.Column('donor_address', sa.Text(), nullable=False),
    sa.Column('donor_email', sa.String(length=254), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('gift_date', sa.Date(), nullable=False),
    sa.Column('payment_method', sa.String(length=20), nullable=False),
    sa.Column('status', sa.Enum('issued', 'cancelled', name='receipt_status', native_enum=False, length=20), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=500), nullable=False),
    sa.Column('duplicates', sa.Integer(), nullable=False),
    sa.Column('last_duplicate_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_donation_receipts_amount_positive')),
    sa.CheckConstraint('duplicates >= 0', name=op.f('ck_donation_receipts_duplicates_not_negative')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_donation_receipts_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_donation_receipts')),
    sa.UniqueConstraint('number', name=op.f('uq_donation_receipts_number')),
    sa.UniqueConstraint('order_id', name=op.f('uq_donation_receipts_order_id')),
    sa.UniqueConstraint('year', 'sequence', name='uq_donation_receipts_year_sequence')
    )
    with op.batch_alter_table('donation_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_donation_receipts_donor_email'), ['donor_email'], unique=False)

    op.create_table('invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('company_name', sa.String(length=200), nullable=False),
    sa.Column('company_address', sa.String(length=300), nullable=False),
    sa.Column('vat_number', sa.String(length=20), nullable=False),
    sa.Column('lines', sa.JSON(), nullable=False),
    sa.Column('total_cents', sa.Integer(), nullable=False),
    sa.Column('refunded_cents', sa.Integer(), nullable=False),
    sa.Column('payment_method', sa.String(length=20), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('total_cents >= 0', name=op.f('ck_invoices_total_not_negative')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_invoices_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices')),
    sa.UniqueConstraint('number', name=op.f('uq_invoices_number')),
    sa.UniqueConstraint('order_id', name=op.f('uq_invoices_order_id')),
    sa.UniqueConstraint('year', 'sequence', name='uq_invoices_year_sequence')
    )
    op.create_table('receipt_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('donor_name', sa.String(length=200), nullable=False),
    sa.Column('street', sa.String(length=200), nullable=False),
    sa.Column('postal_code', sa.String(length=20), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('country', sa.String(length=100), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_receipt_requests_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipt_requests')),
    sa.UniqueConstraint('order_id', name=op.f('uq_receipt_requests_order_id'))
    )


def downgrade():
    op.drop_table('receipt_requests')
    op.drop_table('invoices')
    with op.batch_alter_table('donation_receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_donation_receipts_donor_email'))

    op.drop_table('donation_receipts')
    op.drop_table('document_counters')
