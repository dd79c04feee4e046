"""accounting: credit notes for refunded invoices, the provider's fee of a payment, papers as issued

`credit_notes` (an avoir per refund on an invoiced order, numbered in its own unbroken yearly
sequence), `payments.fee_cents` (what Stripe kept, once it reported it), and `printed` on
receipts, invoices and credit notes (the association's details and the event's name they
were issued with; empty for the papers issued before, which print today's settings).

Revision ID: 0045
Revises: 0042
Create Date: 2026-12-07 19:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0045'
down_revision = '0042'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'credit_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=20), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('invoice_id', sa.Integer(), nullable=False),
        sa.Column('amount_cents', sa.Integer(), nullable=False),
        sa.Column('issued_at', sa.DateTime(), nullable=False),
        sa.Column('printed', sa.JSON(), nullable=True),
        sa.CheckConstraint('amount_cents > 0', name=op.f('ck_credit_notes_amount_positive')),
        sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'],
                                name=op.f('fk_credit_notes_invoice_id_invoices')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_notes')),
        sa.UniqueConstraint('number', name=op.f('uq_credit_notes_number')),
        sa.UniqueConstraint('year', 'sequence', name='uq_credit_notes_year_sequence'),
    )
    with op.batch_alter_table('credit_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_notes_invoice_id'), ['invoice_id'],
                              unique=False)
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fee_cents', sa.Integer(), nullable=True))
    for table in ('donation_receipts', 'invoices'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('printed', sa.JSON(), nullable=True))


def downgrade():
    for table in ('donation_receipts', 'invoices'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('printed')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_column('fee_cents')
    with op.batch_alter_table('credit_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_notes_invoice_id'))
    op.drop_table('credit_notes')
