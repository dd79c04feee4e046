"""The demo gives the dashboards something true to show: the archived 2026 edition with six
weeks of sales and about 900 people at its doors, the coming 2027 edition with first sales;
twice run, nothing doubles; the counters the services keep stay exact."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from festival.checkin.models import Scan, TicketPresence
from festival.dashboard import queries
from festival.editions.services.editions import edition_by_year
from festival.extensions import db
from festival.ticketing import quotas
from festival.ticketing.models import Order, OrderStatus, Quota, Voucher


def _scans() -> int:
    return db.session.scalar(select(func.count()).select_from(Scan))


def test_demo_history_is_realistic_consistent_and_idempotent(ctx):
    from festival.demo import load_demo
    load_demo()
    orders, scans = db.session.scalar(select(func.count()).select_from(Order)), _scans()
    load_demo()
    assert db.session.scalar(select(func.count()).select_from(Order)) == orders
    assert _scans() == scans

    past, coming = edition_by_year(2026), edition_by_year(2027)
    a = queries.edition_attendance(past)
    assert 850 <= a.checked_in <= 950 and a.sold > a.checked_in_sold   # some no-shows
    assert 0.03 < a.no_show_total / a.sold < 0.15
    assert a.refusal_total > 30 and all(a.refusals.values())
    assert [d.total > 400 for d in a.per_day] == [True, True]
    assert a.busiest.count > 40                                   # an opening rush
    s = queries.edition_sales(past)
    assert len(s.per_day) >= 40 and s.per_day[0].day <= past.first_day - timedelta(days=40)
    assert all(s.by_status[status][0] for status in ("paid", "expired", "cancelled",
                                                     "refunded"))
    assert s.revenue.refunded > 0 and s.revenue.donations > 0
    assert {c.is_box_office for c in s.channels} == {True, False}
    assert s.vouchers and s.vouchers[0]["tickets_sold"] > 0
    assert queries.room_fill(past)                                # the big room was scanned
    sales_2027 = queries.edition_sales(coming)
    assert 50 < sales_2027.tickets_sold < 300 and sales_2027.tickets_reserved == 0

    # Seats held, exactly: per type, and per festival day the tickets that admit on it.
    assert db.session.scalar(select(func.count(Quota.id)).where(Quota.day.is_not(None))) == 4
    assert quotas.drift() == []
    for voucher in db.session.scalars(select(Voucher)):
        assert voucher.used_count == db.session.scalar(select(func.count(Order.id)).where(
            Order.voucher_id == voucher.id,
            Order.status.in_((OrderStatus.PAID, OrderStatus.PENDING))))
    # Every admitted ticket has its presence on the list, as the check-in service keeps it.
    admitted = db.session.scalar(select(func.count(func.distinct(
        Scan.ticket_id.concat("-").concat(Scan.list_id)))).where(
        Scan.result == "ok", Scan.kind == "scan", Scan.direction == "in",
        Scan.is_undone.is_(False)))
    assert db.session.scalar(select(func.count()).select_from(TicketPresence)) == admitted
