"""The treasurer's books for a period: one journal entry per payment received and per
refund, in FEC-like lines (date, journal, entry, account, label, debit, credit, reference),
balanced entry by entry, for the accountant's CSV or XLSX (core.spreadsheet).

A payment debits the account its money arrived on (Stripe's, the till, the card terminal's,
the bank) and credits ticket sales (706) and manual donations (754) by the order's split; a
refund does the reverse, taking back ticket sales first and the donation only for what goes
past them (as ticketing.refunds pays back the tickets, then the rest of the order). What
Stripe kept of a payment, once it reported it (ticketing.checkout.record_provider_fees), is
in the payment's entry as bank charges (627) taken from Stripe's account. An entry's number
names its payment or refund (ST-P000042, BQ-R000007): it is the same in every export that
holds it, whatever the period asked for. The sums follow the
dashboards' revenue (payments = gross, refunds = refunded, 754 = donations) for the orders the
dashboards count, the paid and the refunded; the books also hold the money of cancelled
orders (a payment that came after the cancellation and its refund, a paid order cancelled at
the desk), which the dashboards leave out.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.core.errors import ValidationError
from festival.core.spreadsheet import DAY, EUROS, Column, Table, write
from festival.core.timeutil import paris_to_utc, to_paris
from festival.editions.models import Edition
from festival.extensions import db
from festival.ticketing.models import (
    Order,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentState,
    Refund,
    RefundState,
)

MAX_DAYS = 366
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the books' days: far dates overflow the conversion to UTC
MAX_ROWS = 50_000  # payments or refunds in one export: more is refused, never cut silently
TICKETS = ("706000", "Prestations de services — billetterie")
DONATIONS = ("754100", "Dons manuels")
FEES = ("627800", "Commissions et frais sur paiements en ligne")
# Where the money of each means of payment arrives, and the journal it is written in.
TREASURY = {
    PaymentMethod.STRIPE: ("ST", "467100", "Stripe — encaissements en ligne"),
    PaymentMethod.CASH: ("CA", "531000", "Caisse (billetterie sur place)"),
    PaymentMethod.CARD_TERMINAL: ("CB", "511200", "Cartes bancaires à encaisser"),
    PaymentMethod.BANK_TRANSFER: ("BQ", "512000", "Banque"),
    PaymentMethod.DEMO: ("OD", "471000", "Compte d’attente (démonstration)"),
    PaymentMethod.FREE: ("OD", "471000", "Compte d’attente"),
}


@dataclass(frozen=True)
class Line:
    day: date
    journal: str
    entry: str
    account: str
    account_label: str
    label: str
    debit_cents: int
    credit_cents: int
    reference: str
    counted: bool = True  # its order is one the dashboards count (paid or refunded)


def check_period(start, end) -> tuple[date, date]:
    """Two ISO dates from FIRST_YEAR to LAST_YEAR, the end not before the start, at most
    MAX_DAYS apart.
    Errors: validation_failed (start, end)."""
    errors: dict[str, list] = {}
    days = {}
    for name, value in (("start", start), ("end", end)):
        try:
            days[name] = value if isinstance(value, date) else date.fromisoformat(
                value if isinstance(value, str) and len(value) <= 10 else "")
        except ValueError:
            errors[name] = [_l("Give a date as YYYY-MM-DD.")]
            continue
        if not FIRST_YEAR <= days[name].year <= LAST_YEAR:
            errors[name] = [_l("Choose a date from %(first)s to %(last)s.",
                               first=FIRST_YEAR, last=LAST_YEAR)]
    if not errors and days["end"] < days["start"]:
        errors["end"] = [_l("The end comes before the start.")]
    if not errors and (days["end"] - days["start"]).days >= MAX_DAYS:
        errors["end"] = [_l("At most %(n)s days at a time.", n=MAX_DAYS)]
    if errors:
        raise ValidationError(errors)
    return days["start"], days["end"]


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return paris_to_utc(start, time(0)), paris_to_utc(end + timedelta(days=1), time(0))


def _split(amount: int, tickets_left: int) -> tuple[int, int]:
    tickets = min(amount, max(tickets_left, 0))
    return tickets, amount - tickets


def lines(start: date, end: date) -> list[Line]:
    """Every line of the period (Paris days, both included), entry by entry, in time
    order. Errors: validation_failed (too many rows)."""
    low, high = _bounds(start, end)
    payments = db.session.execute(
        select(Payment, Order).join(Order, Order.id == Payment.order_id)
        .where(Payment.state == PaymentState.CONFIRMED, Payment.confirmed_at >= low,
               Payment.confirmed_at < high, Payment.amount_cents > 0)
        .order_by(Payment.confirmed_at, Payment.id).limit(MAX_ROWS + 1)).all()
    refunds = db.session.execute(
        select(Refund, Order).join(Order, Order.id == Refund.order_id)
        .where(Refund.state != RefundState.FAILED, Refund.created_at >= low,
               Refund.created_at < high)
        .order_by(Refund.created_at, Refund.id).limit(MAX_ROWS + 1)).all()
    if len(payments) > MAX_ROWS or len(refunds) > MAX_ROWS:
        raise ValidationError({"end": [_l("Too many payments in this period: choose a "
                                          "shorter one.")]})
    earlier = _refunded_before({refund.order_id for refund, _ in refunds})
    events = [(p.confirmed_at, 0, p.id, p, o) for p, o in payments] + \
             [(r.created_at, 1, r.id, r, o) for r, o in refunds]
    found: list[Line] = []
    for moment, kind, _, row, order in sorted(events, key=lambda e: e[:3]):
        found.extend(_payment_entry(moment, row, order) if kind == 0
                     else _refund_entry(moment, row, order, earlier))
    return found


# The orders the dashboards' revenue counts (dashboard.queries.sales.revenue).
COUNTED = (OrderStatus.PAID, OrderStatus.REFUNDED)


@dataclass(frozen=True)
class Outside:
    """An order whose money is in the books but not in the dashboards (cancelled, or a
    payment that came after its expiry): what it paid and got back in the period."""

    code: str
    year: int  # its edition's
    status: str
    received_cents: int
    refunded_cents: int

    @property
    def kept_cents(self) -> int:
        return self.received_cents - self.refunded_cents


@dataclass(frozen=True)
class Totals:
    """The period's books summed up, to set beside the dashboards: money received and given
    back, income by account, fees, and the orders the dashboards leave out."""

    received_cents: int
    refunded_cents: int
    tickets_cents: int      # 706, net of refunds
    donations_cents: int    # 754, net of refunds
    fees_cents: int         # 627
    outside: list[Outside]

    @property
    def net_cents(self) -> int:
        return self.received_cents - self.refunded_cents - self.fees_cents

    @property
    def outside_received_cents(self) -> int:
        return sum(order.received_cents for order in self.outside)

    @property
    def outside_refunded_cents(self) -> int:
        return sum(order.refunded_cents for order in self.outside)


def totals(start: date, end: date) -> Totals:
    """The totals of the period's lines. The dashboards' gross and refunded figures are
    `received − outside received` and `refunded − outside refunded` when the period holds all
    of an edition's sales. Errors: as `lines`."""
    found = lines(start, end)

    def net(account: str) -> int:
        return sum(line.credit_cents - line.debit_cents for line in found
                   if line.account == account)
    received = sum(line.credit_cents for line in found if line.account in (TICKETS[0],
                                                                           DONATIONS[0]))
    refunded = sum(line.debit_cents for line in found if line.account in (TICKETS[0],
                                                                          DONATIONS[0]))
    outside: dict[str, list[int]] = {}
    for line in found:
        if line.counted or line.account not in (TICKETS[0], DONATIONS[0]):
            continue
        code = line.reference.split("/")[0]
        sums = outside.setdefault(code, [0, 0])
        sums[0] += line.credit_cents
        sums[1] += line.debit_cents
    known = {code: (year, status) for code, year, status in db.session.execute(
        select(Order.code, Edition.year, Order.status).join(Edition, Edition.id ==
                                                             Order.edition_id)
        .where(Order.code.in_(list(outside))))} if outside else {}
    return Totals(received, refunded, net(TICKETS[0]), net(DONATIONS[0]),
                  -net(FEES[0]),
                  [Outside(code, known[code][0], known[code][1].value, sums[0], sums[1])
                   for code, sums in sorted(outside.items())])


def _refunded_before(order_ids: set[int]) -> dict[int, int]:
    """Per refund id, what its order had refunded before it (ticket sales are taken back
    first)."""
    before: dict[int, int] = {}
    running: dict[int, int] = {}
    if not order_ids:
        return before
    for refund_id, order_id, amount in db.session.execute(
            select(Refund.id, Refund.order_id, Refund.amount_cents)
            .where(Refund.order_id.in_(order_ids), Refund.state != RefundState.FAILED)
            .order_by(Refund.order_id, Refund.id)):
        before[refund_id] = running.get(order_id, 0)
        running[order_id] = running.get(order_id, 0) + amount
    return before


def _entry(entry: str, moment: datetime, method: PaymentMethod | None, label: str,
           reference: str, treasury_cents: int, tickets: int, donation: int,
           *, refund: bool, counted: bool, fee: int = 0) -> Iterator[Line]:
    """A payment debits the treasury and credits sales and donations; a refund the reverse.
    A payment's fee debits bank charges and credits the treasury it was taken from."""
    journal, account, account_label = TREASURY.get(method, TREASURY[PaymentMethod.DEMO])
    day = to_paris(moment).date()
    entry = f"{journal}-{entry}"
    parts = [(account, account_label, treasury_cents, True)]
    parts += [(code, name, cents, False) for (code, name), cents in ((TICKETS, tickets),
                                                                     (DONATIONS, donation))]
    parts += [(FEES[0], FEES[1], fee, not refund), (account, account_label, fee, False)]
    for code, name, cents, is_treasury in parts:
        if not cents:
            continue
        debit = is_treasury != refund  # treasury on a payment, sales on a refund
        yield Line(day, journal, entry, code, name, label, cents if debit else 0,
                   0 if debit else cents, reference, counted)


def _payment_entry(moment: datetime, payment: Payment, order: Order) -> Iterator[Line]:
    donation = min(order.donation_cents, payment.amount_cents)
    return _entry(f"P{payment.id:06d}", moment, payment.provider,
                  f"Commande {order.code} — paiement", f"{order.code}/P{payment.id}",
                  payment.amount_cents, payment.amount_cents - donation, donation,
                  refund=False, counted=order.status in COUNTED, fee=payment.fee_cents or 0)


def _refund_entry(moment: datetime, refund: Refund, order: Order,
                  earlier: dict[int, int]) -> Iterator[Line]:
    tickets, donation = _split(refund.amount_cents,
                               order.tickets_cents - earlier.get(refund.id, 0))
    method = refund.payment.provider if refund.payment else order.payment_method
    return _entry(f"R{refund.id:06d}", moment, method,
                  f"Commande {order.code} — remboursement", f"{order.code}/R{refund.id}",
                  refund.amount_cents, tickets, donation, refund=True,
                  counted=order.status in COUNTED)


def books_table(start: date, end: date) -> Table:
    rows = ([line.day, line.journal, line.entry, line.account, line.account_label,
             line.label, line.debit_cents, line.credit_cents, line.reference]
            for line in lines(start, end))
    return Table(_l("Books %(start)s to %(end)s", start=start.isoformat(),
                    end=end.isoformat()), (
        Column(_l("Date"), DAY), Column(_l("Journal")), Column(_l("Entry")),
        Column(_l("Account")), Column(_l("Account name")), Column(_l("Label")),
        Column(_l("Debit (€)"), EUROS), Column(_l("Credit (€)"), EUROS),
        Column(_l("Reference"))), rows)


def books_file(start: date, end: date, fmt: str) -> bytes:
    return write(books_table(start, end), fmt)
