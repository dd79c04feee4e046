"""The register of receipts for the accountant (CSV or XLSX, core.spreadsheet)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from festival.accounting import queries
from festival.accounting.pdf import method_label
from festival.accounting.queries import Register
from festival.core.errors import DomainError
from festival.core.spreadsheet import DAY, EUROS, INSTANT, NUMBER, Column, Table, write

STATUS = {"issued": _l("Issued"), "refunded": _l("Cancelled (refunded)"),
          "order_cancelled": _l("Cancelled (order cancelled)")}


def register_table(register: Register) -> Table:
    rows = ([r.number, r.sequence, STATUS[r.cancel_reason or "refunded"] if r.is_cancelled
             else STATUS["issued"], r.gift_date, r.amount_cents,
             r.donor_name, ", ".join(r.address_lines), r.donor_email,
             method_label(r.payment_method), r.order.code, r.issued_at, r.cancelled_at,
             r.duplicates] for r in register.receipts)
    return Table(_l("Receipts %(year)s", year=register.year), (
        Column(_l("Receipt no.")), Column(_l("Sequence"), NUMBER), Column(_l("Status")),
        Column(_l("Date of the gift"), DAY), Column(_l("Amount (€)"), EUROS),
        Column(_l("Donor")), Column(_l("Address")), Column(_l("E-mail")),
        Column(_l("Payment")), Column(_l("Order")), Column(_l("Issued at"), INSTANT),
        Column(_l("Cancelled at"), INSTANT), Column(_l("Duplicates"), NUMBER)), rows)


def register_file(register: Register, fmt: str) -> bytes:
    return write(register_table(register), fmt)


def register_export(year: int, fmt: str) -> bytes:
    """Every receipt of `year`, for the accountant: never the page's first rows only.
    Error: too_many_receipts (409: more than queries.MAX_EXPORT_ROWS)."""
    found = queries.register(year, limit=queries.MAX_EXPORT_ROWS)
    if found.is_truncated:
        raise DomainError("too_many_receipts", _l(
            "Too many receipts to export at once: more than %(n)s.",
            n=queries.MAX_EXPORT_ROWS), status=409)
    return register_file(found, fmt)
