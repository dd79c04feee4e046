"""Waiting-list fixtures: a sold-out ticket type, people in line."""
from __future__ import annotations

from festival.extensions import db
from festival.ticketing import orders
from festival.ticketing.orders import Item
from tests.ticketing.conftest import make_edition, make_type  # noqa: F401
from tests.ticketing.conftest import edition  # noqa: F401  (the fixture)
from tests.mail.conftest import compiled_translations, translated_app  # noqa: F401


def buy(edition, ticket_type, n: int = 1, email: str = "buyer@example.fr", paid=True):
    order = orders.create_order(edition, buyer_name="Buyer", email=email,
                                items=[Item(ticket_type.id, n, [f"Person {k}" for k in range(n)])], terms_accepted=True)
    if paid:
        from festival.ticketing.models import PaymentMethod
        orders.mark_paid(order, PaymentMethod.BANK_TRANSFER)
    db.session.flush()
    return order


def sold_out_type(edition, quota: int = 2, **fields):
    """A ticket type whose quota is all sold: returns (type, the orders that hold it)."""
    ticket_type = make_type(edition, quota=quota, **fields)
    held = [buy(edition, ticket_type, 1, email=f"early{n}@example.fr") for n in range(quota)]
    return ticket_type, held
