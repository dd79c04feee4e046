"""Sales compared at the same number of days before each edition's festival, against sales
worked out by hand."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from festival.dashboard import queries
from festival.extensions import db
from tests import factories

PAST_FIRST, COMING_FIRST = date(2040, 5, 19), date(2041, 5, 18)
TODAY = COMING_FIRST - timedelta(days=30)


def _sell(edition, kind, quantity: int, day: date, *, pay: bool = True):
    from festival.ticketing import orders
    from festival.ticketing.models import PaymentMethod
    when = factories.paris(day, "12:00")
    order = orders.create_order(edition, buyer_name="Amina", email="amina@example.fr",
                                items=[orders.Item(kind.id, quantity)], now=when,
                                terms_accepted=True)
    if pay:
        orders.mark_paid(order, PaymentMethod.CASH, now=when)
    return order


@pytest.fixture
def two_editions(ctx):
    from festival.editions import services
    from festival.ticketing import catalog
    past = factories.gen_edition(2040, status="on_sale", days=[PAST_FIRST, PAST_FIRST
                                                                + timedelta(days=1)])
    coming = factories.gen_edition(2041, status="on_sale", days=[COMING_FIRST])
    for edition in (past, coming):
        edition.kind = catalog.create_ticket_type(
            edition, {"name": "Pass", "price_cents": 1000, "quota": 100,
                      "requires_attendee_name": False})
    # 2040: 3 tickets 200 days before (before the curves start), 2 sixty days before,
    # 4 ten days before, 1 on the first day; an unpaid order counts for nothing.
    for quantity, days_before in ((3, 200), (2, 60), (4, 10), (1, 0)):
        _sell(past, past.kind, quantity, PAST_FIRST - timedelta(days=days_before))
    _sell(past, past.kind, 5, PAST_FIRST - timedelta(days=40), pay=False)
    # 2041: 1 ticket 50 days before, 6 thirty-one days before, 2 today (30 days before).
    for quantity, days_before in ((1, 50), (6, 31), (2, 30)):
        _sell(coming, coming.kind, quantity, COMING_FIRST - timedelta(days=days_before))
    services.change_edition_status(past, "closed", actor=None, confirm=True)
    db.session.commit()
    return past, coming


def test_each_edition_is_read_at_the_same_distance_from_its_festival(two_editions):
    pace = queries.sales_pace(now=factories.paris(TODAY, "18:00"))
    assert (pace.point, pace.current_year) == (30, 2041)
    by_year = {row.year: row for row in pace.rows}
    past, coming = by_year[2040], by_year[2041]
    assert [past.at(d) for d in (120, 61, 60, 30, 11, 10, 1, 0)] == [3, 3, 5, 5, 5, 9, 9, 10]
    assert past.final == 10
    assert [coming.at(d) for d in (120, 50, 31, 30)] == [0, 1, 7, 9]
    assert coming.at(29) is None and coming.cumulative[-1] is None  # not reached yet
    assert coming.final == 9


def test_once_the_festival_has_begun_there_is_no_point_to_read_at(two_editions):
    pace = queries.sales_pace(now=factories.paris(COMING_FIRST, "12:00"))
    assert pace.point is None
    assert {row.year: row.final for row in pace.rows} == {2040: 10, 2041: 9}


def test_the_page_draws_a_curve_per_edition_and_the_table_at_todays_point(
        client, auth, two_editions, monkeypatch):
    real = queries.sales_pace
    monkeypatch.setattr(queries, "sales_pace",
                        lambda: real(now=factories.paris(TODAY, "18:00")))
    auth.login_as("organiser")
    html = client.get("/dashboard/editions").get_data(as_text=True)
    assert html.count("<polyline") == 2 * 2  # two curves, drawn for phones and for screens
    row = re.search(r'data-pace-year="2040">(.*?)</tr>', html, re.DOTALL).group(1)
    assert ">5<" in row and ">10<" in row  # 30 days before, and by the first day
    coming = re.search(r'data-pace-year="2041">(.*?)</tr>', html, re.DOTALL).group(1)
    assert ">9<" in coming and "not yet" in coming
    assert "Today is 30 days before Almoggar 2041" in html
