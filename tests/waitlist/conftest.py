"""Waiting-list fixtures: a sold-out ticket type, people in line."""
from __future__ import annotations

from festival.extensions import db
from festival.ticketing import orders
from festival.ticketing.models import PaymentMethod
from festival.ticketing.orders import Item
from tests.ticketing.conftest import (  # noqa: F401  (edition: the fixture)
    edition,
    make_edition,
    make_type,
)


def buy(an_edition, ticket_type, n: int = 1, email: str = "buyer@example.fr", paid=True,
        box_office=False):
    names = [f"Person {k}" for k in range(n)]
    order = orders.create_order(an_edition, buyer_name="Buyer", email=email,
                                items=[Item(ticket_type.id, n, names)], terms_accepted=True,
                                box_office=box_office)
    if paid:
        orders.mark_paid(order, PaymentMethod.BANK_TRANSFER)
    db.session.flush()
    return order


def sold_out_type(an_edition, quota: int = 2, **fields):
    """A ticket type whose quota is all sold: returns (type, the orders that hold it)."""
    ticket_type = make_type(an_edition, quota=quota, **fields)
    held = [buy(an_edition, ticket_type, 1, email=f"early{n}@example.fr") for n in range(quota)]
    return ticket_type, held
