"""ticketing: the facts of an order's history as data, written in words when shown

`order_events.data` holds the facts of a change (amounts in cents, counts, a payment
method's code); the back office writes them in the reader's language. The notes the code
used to write in English ("3 ticket(s), 5500 cents") are turned into data; what people
wrote (reasons) stays in `note`.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 12:50:00.000000

"""
import json
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None

# (kind, pattern of the old note) → the data it held, and the note that stays.
_OLD_NOTES = [
    ("created", r"(\d+) ticket\(s\), (\d+) cents",
     lambda m: ({"tickets": int(m[1]), "total_cents": int(m[2])}, "")),
    ("payment_mismatch", r"received (\d+) (\w+), expected (\d+) eur",
     lambda m: ({"amount_cents": int(m[1]), "currency": m[2], "expected_cents": int(m[3])},
                "")),
    ("paid_after_cancel", r"(\d+) cents paid after the order was cancelled: refund",
     lambda m: ({"amount_cents": int(m[1])}, "")),
    ("paid_too_late", r"paid after expiry; no seats left: refund",
     lambda m: ({"reason": "no_seats"}, "")),
    ("paid_too_late", r"paid after expiry; the voucher has no use left: refund",
     lambda m: ({"reason": "voucher_used"}, "")),
    ("paid", r"([a-z_]+)", lambda m: ({"method": m[1], "revived": False}, "")),
    ("paid", r"([a-z_]+), revived after expiry",
     lambda m: ({"method": m[1], "revived": True}, "")),
    ("late_payment_refunded",
     r"(\d+) cents paid after the order was cancelled: refunded automatically",
     lambda m: ({"amount_cents": int(m[1])}, "")),
    ("refunded", r"paid after the hold ended and the tickets were gone",
     lambda m: ({"reason": "paid_too_late"}, "")),
    ("refunded", r"refunded in Stripe", lambda m: ({"reason": "at_stripe"}, "")),
    ("refunded", r"(\d+) cents\. ?(.*)", lambda m: ({"amount_cents": int(m[1])}, m[2])),
    ("partial_refund", r"(\d+) cents\. ?(.*)", lambda m: ({"amount_cents": int(m[1])}, m[2])),
    ("partial_refund_at_stripe", r"(\d+) cents refunded in Stripe; tickets left valid",
     lambda m: ({"amount_cents": int(m[1])}, "")),
    ("awaiting_payment", r"completed; payment not yet confirmed", lambda m: (None, "")),
]


def convert(kind: str, note: str):
    """The (data, note) of an old row, or None when its note is not one the code wrote."""
    for known, pattern, make in _OLD_NOTES:
        if known == kind:
            match = re.fullmatch(pattern, note, re.DOTALL)
            if match:
                return make(match)
    return None


def upgrade():
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data', sa.JSON(), nullable=True))
    events = sa.table('order_events', sa.column('id', sa.Integer), sa.column('kind', sa.String),
                      sa.column('note', sa.Text), sa.column('data', sa.JSON))
    bind = op.get_bind()
    kinds = sorted({kind for kind, _, _ in _OLD_NOTES})
    rows = bind.execute(sa.select(events.c.id, events.c.kind, events.c.note).where(
        events.c.kind.in_(kinds), events.c.note != "")).all()
    for row in rows:
        converted = convert(row.kind, row.note)
        if converted is not None:
            data, note = converted
            bind.execute(events.update().where(events.c.id == row.id).values(
                data=data, note=note))


def downgrade():
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.drop_column('data')
