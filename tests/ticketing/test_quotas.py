"""Quota counters: a refused take changes nothing."""
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from festival.core.errors import Conflict
from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.ticketing import orders, quotas
from festival.ticketing.models import OrderStatus, Quota
from festival.ticketing.orders import Item
from tests.ticketing.conftest import make_type


def _used(edition, ticket_type=None) -> int:
    return db.session.scalar(select(Quota.used).where(
        Quota.edition_id == edition.id,
        Quota.ticket_type_id.is_(None) if ticket_type is None
        else Quota.ticket_type_id == ticket_type.id))


def _order(edition, items, **kw):
    kw.setdefault("buyer_name", "Aïcha Ben")
    kw.setdefault("email", "aicha@example.fr")
    return orders.create_order(edition, items=items, **kw)


def test_a_take_refused_on_the_second_quota_leaves_the_first_unchanged(edition):
    scarce = make_type(edition, quota=1)
    needed = quotas.needed_seats(edition.id, Counter({scarce.id: 2}))
    venue_id = db.session.scalar(select(Quota.id).where(Quota.ticket_type_id.is_(None)))
    assert min(needed) == venue_id  # the venue's counter is raised first, then refused
    with pytest.raises(Conflict):
        quotas.take(needed)
    assert _used(edition) == 0 and _used(edition, scarce) == 0
    quotas.take(quotas.needed_seats(edition.id, Counter({scarce.id: 1})))
    assert _used(edition) == 1 and _used(edition, scarce) == 1  # the transaction goes on


class RefundingGateway:
    def __init__(self):
        self.refunds = []

    def create_refund(self, **kwargs):
        self.refunds.append(kwargs)


def test_a_late_payment_for_a_sold_out_type_leaves_the_counters_true(edition):
    from festival.payments.services import handle_event

    scarce = make_type(edition, quota=2)
    now = utcnow()
    late = _order(edition, [Item(scarce.id, 2)], now=now - timedelta(hours=2))
    assert orders.expire_order(late, now=now - timedelta(hours=1))
    _order(edition, [Item(scarce.id, 2)], email="other@example.fr", now=now)
    gateway = RefundingGateway()
    session = {"id": "cs_late", "object": "checkout.session", "payment_status": "paid",
               "amount_total": late.total_cents, "currency": "eur",
               "payment_intent": "pi_late", "metadata": {"order_code": late.code}}
    outcome = handle_event({"id": "evt_late", "type": "checkout.session.completed",
                            "data": {"object": session}}, gateway, now=now)
    assert outcome == "refund_needed" and len(gateway.refunds) == 1
    assert late.status is OrderStatus.REFUNDED
    assert _used(edition) == 2 and _used(edition, scarce) == 2

