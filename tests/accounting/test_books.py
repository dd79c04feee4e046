"""The treasurer's books: balanced entries for payments and refunds, by means of payment,
whose totals are the dashboards' revenue figures."""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from festival.accounting import books
from festival.core.errors import ValidationError
from festival.dashboard.queries import sales as dashboard
from festival.extensions import db
from festival.ticketing import orders, refunds
from festival.ticketing.models import PaymentMethod, TicketType
from festival.ticketing.orders import Item
from tests.factories import gen_user
from tests.ticketing.conftest import make_edition, make_type

NOW = datetime(2027, 4, 2, 10, 0, tzinfo=UTC)
LATER = datetime(2027, 4, 20, 16, 0, tzinfo=UTC)


def _order(edition, ticket_type, quantity, donation, method=None, *, box_office=False,
           actor=None):
    order = orders.create_order(edition, buyer_name="Buyer", email="" if box_office else
                                "buyer@example.fr", items=[Item(ticket_type.id, quantity)],
                                donation_cents=donation, terms_accepted=True,
                                box_office=box_office, actor=actor, now=NOW)
    if method is not None:
        orders.mark_paid(order, method, now=NOW)
    db.session.flush()
    return order


@pytest.fixture
def sales(ctx):
    edition = make_edition()
    pass_type = make_type(edition, "Pass festival", 1500, quota=100)
    child = make_type(edition, "Enfant", 0, quota=100)
    organiser = gen_user("organiser")
    _order(edition, pass_type, 2, 2550, PaymentMethod.STRIPE)
    _order(edition, pass_type, 1, 0, PaymentMethod.CASH, box_office=True, actor=organiser)
    _order(edition, pass_type, 1, 500, PaymentMethod.CARD_TERMINAL, box_office=True,
           actor=organiser)
    refunded = _order(edition, pass_type, 2, 1000, PaymentMethod.BANK_TRANSFER)
    _order(edition, pass_type, 3, 700)  # pending: no money yet
    _order(edition, child, 1, 0)        # free: paid at once, nothing to book
    refunds.refund(refunded, None, ticket_ids=[refunded.tickets[0].id], actor=organiser,
                   reason="malade", confirmed=True, now=LATER)
    refunds.refund(refunded, None, actor=organiser, reason="annulé", confirmed=True, now=LATER)
    db.session.flush()
    return edition


def _sums(lines, accounts, side):
    return sum(getattr(line, side) for line in lines if line.account in accounts)


def test_the_books_add_up_to_the_dashboards(sales):
    lines = books.lines(date(2027, 4, 1), date(2027, 4, 30))
    revenue = dashboard.revenue(sales)
    income = {books.TICKETS[0], books.DONATIONS[0]}
    assert _sums(lines, income, "credit_cents") == revenue.gross == 5550 + 1500 + 2000 + 4000
    assert _sums(lines, income, "debit_cents") == revenue.refunded == 4000
    assert _sums(lines, {books.DONATIONS[0]}, "credit_cents") == revenue.donations == 4050
    assert _sums(lines, {books.DONATIONS[0]}, "debit_cents") == 1000  # the refunded gift
    balance: dict[str, int] = defaultdict(int)
    for line in lines:
        balance[line.entry] += line.debit_cents - line.credit_cents
    assert set(balance.values()) == {0} and len(balance) == 6  # 4 payments, 2 refunds
    by_journal = defaultdict(int)
    for line in lines:
        if line.account not in income:
            by_journal[line.journal] += line.debit_cents - line.credit_cents
    assert by_journal == {"ST": 5550, "CA": 1500, "CB": 2000, "BQ": 0}
    first_refund = [line for line in lines if line.label.endswith("remboursement")][:2]
    assert [(line.account, line.debit_cents, line.credit_cents) for line in first_refund] == [
        ("512000", 0, 1500), ("706000", 1500, 0)]  # a ticket: sales only


def test_a_period_takes_only_its_days(sales):
    assert books.lines(date(2027, 4, 3), date(2027, 4, 19)) == []
    refunds_only = books.lines(date(2027, 4, 20), date(2027, 4, 20))
    assert {line.label.split(" — ")[1] for line in refunds_only} == {"remboursement"}


@pytest.mark.parametrize("start, end, field", [
    ("2027-04-30", "2027-04-01", "end"), ("2027-01-01", "2028-06-01", "end"),
    ("demain", "2027-04-01", "start"), (None, "2027-04-01", "start"),
    ("2027-04-01T00:00:00+00:00", "2027-04-02", "start")])
def test_a_bad_period_is_refused(start, end, field):
    with pytest.raises(ValidationError) as refused:
        books.check_period(start, end)
    assert field in refused.value.fields


def test_the_export_is_a_spreadsheet_for_the_accountant(client, app, auth):
    with app.app_context():
        edition = make_edition()
        pass_type = make_type(edition, "Pass festival", 1500, quota=10)
        _order(edition, pass_type, 1, 500, PaymentMethod.BANK_TRANSFER)
        db.session.commit()
    auth.login_as("organiser")
    answer = client.get("/manage/accounting/books?start=2027-04-01&end=2027-04-30&fmt=csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Date", "Journal", "Entry", "Account", "Account name", "Label",
                       "Debit (€)", "Credit (€)", "Reference"]
    assert [(r[1], r[3], r[6], r[7]) for r in rows[1:]] == [
        ("BQ", "512000", "20,00", "0,00"), ("BQ", "706000", "0,00", "15,00"),
        ("BQ", "754100", "0,00", "5,00")]
    assert client.get("/manage/accounting/books?start=2027-04-01&end=2027-04-30"
                      "&fmt=xlsx").status_code == 200
    refused = client.get("/manage/accounting/books?start=x&end=2027-04-30&fmt=csv")
    assert refused.status_code == 303


@pytest.mark.parametrize("start, end, field", [
    ("9999-12-31", "9999-12-31", "end"), ("0001-01-01", "0001-01-02", "start"),
    ("1999-12-31", "2000-01-05", "start")])
def test_a_period_out_of_the_calendar_is_refused_not_a_server_error(client, auth, start, end,
                                                                    field):
    with pytest.raises(ValidationError) as refused:
        books.check_period(start, end)
    assert field in refused.value.fields
    auth.login_as("organiser")
    answer = client.get(f"/manage/accounting/books?start={start}&end={end}&fmt=csv")
    assert answer.status_code == 303


def test_an_entry_keeps_its_number_whatever_the_period(sales):
    month = books.lines(date(2027, 4, 1), date(2027, 4, 30))
    day = books.lines(date(2027, 4, 20), date(2027, 4, 20))
    numbers = {line.reference: line.entry for line in month}
    assert day and all(numbers[line.reference] == line.entry for line in day)
    assert all(line.entry == f"{line.journal}-{line.reference.split('/')[1][0]}"
               f"{int(line.reference.split('/')[1][1:]):06d}" for line in month)
    assert len(set(numbers.values())) == len(numbers) == 6


def test_the_totals_set_the_books_beside_the_dashboards(sales):
    """A cash order cancelled at the desk keeps its money in the books (nobody gave it back)
    but leaves the dashboards: the totals name it, and the rest is the dashboards' revenue."""
    pass_type = db.session.scalar(select(TicketType).where(TicketType.edition_id == sales.id,
                                                           TicketType.price_cents == 1500))
    organiser = gen_user("organiser")
    kept = _order(sales, pass_type, 1, 300, PaymentMethod.CASH, box_office=True,
                  actor=organiser)
    orders.cancel_order(kept, actor=organiser, reason="erreur de caisse", now=LATER)
    db.session.flush()
    totals = books.totals(date(2027, 4, 1), date(2027, 4, 30))
    revenue = dashboard.revenue(sales)
    assert [(o.code, o.status, o.received_cents, o.refunded_cents, o.kept_cents)
            for o in totals.outside] == [(kept.code, "cancelled", 1800, 0, 1800)]
    assert totals.received_cents - totals.outside_received_cents == revenue.gross
    assert totals.refunded_cents - totals.outside_refunded_cents == revenue.refunded
    assert totals.tickets_cents + totals.donations_cents == \
        totals.received_cents - totals.refunded_cents
    assert totals.fees_cents == 0 and totals.net_cents == 5550 + 1500 + 2000 + 1800


def test_the_totals_page(client, app, auth):
    with app.app_context():
        edition = make_edition()
        pass_type = make_type(edition, "Pass festival", 1500, quota=10)
        organiser = gen_user("organiser")
        kept = _order(edition, pass_type, 1, 0, PaymentMethod.CASH, box_office=True,
                      actor=organiser)
        orders.cancel_order(kept, actor=organiser, reason="erreur", now=LATER)
        _order(edition, pass_type, 1, 500, PaymentMethod.BANK_TRANSFER)
        db.session.commit()
        code = kept.code
    auth.login_as("organiser")
    page = client.get("/manage/accounting/books?start=2027-04-01&end=2027-04-30&fmt=summary")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "35,00" in text and code in text and "Beside the dashboards" in text
    assert client.get("/manage/accounting/books?start=2027-04-01&end=2027-04-30"
                      "&fmt=pdf").status_code == 404
    auth.login_as("volunteer")
    assert client.get("/manage/accounting/books?start=2027-04-01&end=2027-04-30"
                      "&fmt=summary").status_code == 403
