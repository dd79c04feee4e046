"""Quota counters: a refused take changes nothing, and `quotas check` compares every counter
with the seats the orders hold."""
from collections import Counter
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update

from festival.audit.models import AuditEntry
from festival.core.errors import Conflict
from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.ticketing import orders, quotas
from festival.ticketing.models import OrderStatus, PaymentMethod, Quota
from festival.ticketing.orders import Item
from tests.ticketing.conftest import make_edition, make_type


def _used(edition, ticket_type=None) -> int:
    return db.session.scalar(select(Quota.used).where(
        Quota.edition_id == edition.id,
        Quota.ticket_type_id.is_(None) if ticket_type is None
        else Quota.ticket_type_id == ticket_type.id))


def _order(edition, items, **kw):
    kw.setdefault("buyer_name", "Aïcha Ben")
    kw.setdefault("email", "aicha@example.fr")
    return orders.create_order(edition, terms_accepted=True, items=items, **kw)


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
        return SimpleNamespace(id=f"re_{len(self.refunds)}", status="succeeded")


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
    assert quotas.drift() == []


def _corrupt(app, **values) -> int:
    with app.app_context():
        edition = make_edition()
        day = make_type(edition, name="Samedi", quota=10)
        _order(edition, [Item(day.id, 3)])
        paid = _order(edition, [Item(day.id, 2)], email="b@example.fr")
        orders.mark_paid(paid, PaymentMethod.CASH)
        gone = _order(edition, [Item(day.id, 4)], email="c@example.fr",
                      now=utcnow() - timedelta(hours=1))
        orders.expire_order(gone)
        quota_id = day.quota.id
        db.session.execute(update(Quota).where(Quota.id == quota_id).values(**values))
        db.session.commit()
        return quota_id


def test_quotas_check_passes_when_every_counter_is_true(runner, app):
    with app.app_context():
        edition = make_edition()
        _order(edition, [Item(make_type(edition, quota=10).id, 3)])
        db.session.commit()
    result = runner.invoke(args=["quotas", "check"])
    assert result.exit_code == 0, result.output
    assert "Every quota counts the seats its orders hold." in result.output


def test_quotas_check_reports_each_difference_and_fix_sets_the_truth(runner, app):
    quota_id = _corrupt(app, used=7)  # 5 seats held (3 pending, 2 paid; 4 expired)
    result = runner.invoke(args=["quotas", "check"])
    assert result.exit_code == 1
    assert f"2027 “Samedi” (quota #{quota_id}, size 10): counter 7, seats held 5" \
        in result.output
    assert "venue" not in result.output
    with app.app_context():
        assert db.session.scalar(select(Quota.used).where(Quota.id == quota_id)) == 7

    result = runner.invoke(args=["quotas", "check", "--fix"])
    assert result.exit_code == 0, result.output
    assert "counter 7, seats held 5 (fixed)" in result.output
    with app.app_context():
        assert db.session.scalar(select(Quota.used).where(Quota.id == quota_id)) == 5
        entry = db.session.scalar(select(AuditEntry))
        assert (entry.action, entry.method, entry.target) == (
            "quotas.fix", "CLI", f"quota_id={quota_id}")
        assert "used 7 -> 5" in entry.details
    assert runner.invoke(args=["quotas", "check"]).exit_code == 0


def test_quotas_check_cannot_fix_a_quota_holding_more_than_its_size(runner, app):
    quota_id = _corrupt(app, size=4, used=4)
    result = runner.invoke(args=["quotas", "check", "--fix"])
    assert result.exit_code == 1
    assert "counter 4, seats held 5 (not fixed" in result.output
    with app.app_context():
        assert db.session.scalar(select(Quota.used).where(Quota.id == quota_id)) == 4
