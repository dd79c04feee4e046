"""Accounting fixtures: the association's receipt settings turned on, an edition with a
ticket type, orders with a donation."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from festival.accounting import receipts
from festival.extensions import db
from festival.ticketing import orders
from festival.ticketing.models import PaymentMethod
from festival.ticketing.orders import Item

# The application with its real catalogues: the papers' pages in French and Arabic.
from tests.mail.conftest import compiled_translations, translated_app  # noqa: F401
from tests.ticketing.conftest import make_edition, make_type

RECEIPT_SETTINGS = {
    "RECEIPTS_ENABLED": True, "RECEIPT_OBJECT": "Solidarité avec la région du Souss-Massa",
    "RECEIPT_SIGNATORY_NAME": "Fatima Ait Lahcen", "RECEIPT_SIGNATORY_ROLE": "Trésorière",
    "RECEIPT_CGI_ARTICLES": ("200",),
    "VAT_EXEMPTION_MENTION": "TVA non applicable, article 261-7-1° b du CGI",
}
PAID_AT = datetime(2027, 4, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def receipts_on(app):
    saved = {name: app.config.get(name) for name in RECEIPT_SETTINGS}
    app.config.update(RECEIPT_SETTINGS)
    yield
    app.config.update(saved)


@pytest.fixture
def pass_type(ctx):
    edition = make_edition()
    return make_type(edition, "Pass festival", 1500, quota=100)


def order_with_donation(ticket_type, donation_cents: int = 2550, *, quantity: int = 1,
                        email: str = "amina@example.fr", name: str = "Amina Benali"):
    return orders.create_order(ticket_type.edition, buyer_name=name, email=email,
                               items=[Item(ticket_type.id, quantity)],
                               donation_cents=donation_cents, terms_accepted=True,
                               now=PAID_AT)


def pay(order, method: PaymentMethod = PaymentMethod.BANK_TRANSFER, now=PAID_AT):
    result = orders.mark_paid(order, method, now=now)
    db.session.flush()
    return result


def paid_order(app, donation_cents=2000, email="amina@example.fr", ask=False):
    """A paid order of today (asking afterwards is within the gift's year)."""
    with app.app_context():
        edition = make_edition()
        ticket_type = make_type(edition, "Pass festival", 1500, quota=100)
        order = orders.create_order(edition, buyer_name="Amina Benali", email=email,
                                    items=[Item(ticket_type.id, 1)],
                                    donation_cents=donation_cents, terms_accepted=True)
        if ask:
            receipts.ask_for_receipt(order, receipts.DonorAddress(
                "3 rue des Lilas", "93100", "Montreuil", "France"))
        orders.mark_paid(order, PaymentMethod.CASH)
        db.session.commit()
        return {"code": order.code, "secret": order.secret, "year": edition.year,
                "page": f"/orders/{order.code}?secret={order.secret}"}
