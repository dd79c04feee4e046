"""Services of the sales made by people: box office, bank transfers, resending the e-mail; and
the expiry sweep command."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from festival.core.errors import DomainError, ValidationError
from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.ticketing import orders, sales
from festival.ticketing.models import OrderStatus, PaymentMethod, TicketStatus
from festival.ticketing.orders import Item
from tests import factories
from tests.ticketing.conftest import make_type


@pytest.fixture
def organiser(ctx):
    return factories.gen_user("organiser")


def _mails() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def test_a_box_office_sale_is_paid_at_once_whatever_the_sales_window(edition, organiser):
    closed = make_type(edition, quota=5, requires_attendee_name=True,
                       sales_close_at=(utcnow() - timedelta(days=1)).isoformat())
    order = sales.sell_at_door(edition, items=[Item(closed.id, 2)], method="card_terminal",
                               actor=organiser)
    assert order.status is OrderStatus.PAID and order.is_box_office
    assert order.payment_method is PaymentMethod.CARD_TERMINAL
    assert order.email == "" and _mails() == 0  # no address, nothing sent
    assert [t.status for t in order.tickets] == [TicketStatus.VALID] * 2
    assert {t.attendee_name for t in order.tickets} == {"Box office sale"}
    assert [e.actor_id for e in order.events] == [organiser.id] * 2


def test_a_box_office_sale_with_an_email_sends_the_tickets(edition, organiser):
    pass_type = make_type(edition, quota=5)
    order = sales.sell_at_door(edition, items=[Item(pass_type.id, 1)], method="cash",
                               actor=organiser, buyer_name="Hassan", email="H@example.fr")
    assert order.email == "h@example.fr" and _mails() == 1


def test_the_box_office_takes_only_cash_or_a_card_terminal(edition, organiser):
    pass_type = make_type(edition, quota=5)
    for method in ("stripe", "bank_transfer", "gold"):
        with pytest.raises(ValidationError) as info:
            sales.sell_at_door(edition, items=[Item(pass_type.id, 1)], method=method,
                               actor=organiser)
        assert "method" in info.value.fields


def test_a_transfer_order_holds_its_seats_until_paid(edition, organiser):
    pass_type = make_type(edition, quota=5, requires_attendee_name=True)
    order = sales.create_transfer_order(edition, buyer_name="CE Renault", email="ce@example.fr",
                                        items=[Item(pass_type.id, 3)], actor=organiser)
    assert order.status is OrderStatus.PENDING and order.expires_at is None
    assert sales.is_awaiting_transfer(order) and not order.is_box_office
    assert orders.expire_due(now=utcnow() + timedelta(days=90)) == 0
    assert sales.mark_transfer_paid(order, actor=organiser) == "paid"
    assert order.payment_method is PaymentMethod.BANK_TRANSFER and _mails() == 1
    with pytest.raises(DomainError) as info:
        sales.mark_transfer_paid(order, actor=organiser)
    assert info.value.code == "not_payable"


def test_a_transfer_for_an_expired_order_whose_seats_are_gone_is_refused(edition, organiser):
    pass_type = make_type(edition, quota=1)
    order = orders.create_order(edition, terms_accepted=True, buyer_name="A", email="a@example.fr",
                                items=[Item(pass_type.id, 1)])
    orders.expire_order(order, now=utcnow() + timedelta(hours=1))
    orders.create_order(edition, terms_accepted=True, buyer_name="B", email="b@example.fr",
                        items=[Item(pass_type.id, 1)])
    with pytest.raises(DomainError) as info:
        sales.mark_transfer_paid(order, actor=organiser)
    assert info.value.code == "sold_out"


def test_resend_is_limited_to_once_per_interval(edition):
    pass_type = make_type(edition, quota=5)
    order = orders.create_order(edition, terms_accepted=True, buyer_name="A", email="a@example.fr",
                                items=[Item(pass_type.id, 1)])
    with pytest.raises(DomainError) as info:
        sales.resend_confirmation(order)
    assert info.value.code == "not_paid"
    orders.mark_paid(order, PaymentMethod.DEMO)
    now = utcnow()
    assert sales.resend_confirmation(order, now=now) == 1 and _mails() == 2
    with pytest.raises(DomainError) as info:
        sales.resend_confirmation(order, now=now + timedelta(minutes=4))
    assert info.value.code == "resend_too_soon" and info.value.status == 429
    assert sales.resend_confirmation(order, now=now + timedelta(minutes=5)) == 2
    assert _mails() == 3
    kinds = [e.kind for e in order.events]
    assert kinds.count("email_resent") == 2


def test_resend_without_an_address_is_refused(edition, organiser):
    pass_type = make_type(edition, quota=5)
    order = sales.sell_at_door(edition, items=[Item(pass_type.id, 1)], method="cash",
                               actor=organiser)
    with pytest.raises(DomainError) as info:
        sales.resend_confirmation(order, actor=organiser)
    assert info.value.code == "no_email"


def test_the_expire_command_prints_how_many(app, runner):
    with app.app_context():
        from tests.ticketing.conftest import make_edition
        edition = make_edition()
        pass_type = make_type(edition, quota=5)
        for _ in range(3):
            orders.create_order(edition, terms_accepted=True, buyer_name="A", email="a@example.fr",
                                items=[Item(pass_type.id, 1)],
                                now=utcnow() - timedelta(hours=1))
        orders.create_order(edition, terms_accepted=True, buyer_name="B", email="b@example.fr",
                            items=[Item(pass_type.id, 1)])
        db.session.commit()
    result = runner.invoke(args=["orders", "expire"])
    assert result.exit_code == 0 and result.output.strip() == "Expired 3 orders."
    result = runner.invoke(args=["orders", "expire"])
    assert result.output.strip() == "Expired 0 orders."
