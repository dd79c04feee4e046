"""Reads for the register of receipts and the order page's documents."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from festival.accounting import numbering
from festival.accounting.models import CounterKind, DonationReceipt, ReceiptStatus
from festival.extensions import db

MAX_REGISTER_ROWS = 5000  # on the register's page
MAX_EXPORT_ROWS = 50_000  # in the accountant's export: more is refused, never cut


@dataclass(frozen=True)
class Register:
    year: int
    receipts: list[DonationReceipt]
    last_number: int          # the counter: every number up to it is in `receipts`
    issued_cents: int
    cancelled: int
    is_truncated: bool

    @property
    def is_unbroken(self) -> bool:
        """Every number from 1 up to the counter is a receipt (up to the rows shown)."""
        shown = [r.sequence for r in self.receipts]
        return shown == list(range(1, len(shown) + 1)) and (
            self.is_truncated or len(shown) == self.last_number)


def register(year: int, limit: int | None = None) -> Register:
    """The receipts of `year`, the first `limit` (MAX_REGISTER_ROWS by default)."""
    limit = MAX_REGISTER_ROWS if limit is None else limit
    rows = list(db.session.scalars(select(DonationReceipt).where(DonationReceipt.year == year)
                                   .order_by(DonationReceipt.sequence).limit(limit + 1)))
    truncated = len(rows) > limit
    rows = rows[:limit]
    issued = db.session.scalar(select(func.coalesce(func.sum(DonationReceipt.amount_cents), 0))
                               .where(DonationReceipt.year == year,
                                      DonationReceipt.status == ReceiptStatus.ISSUED))
    return Register(year=year, receipts=rows,
                    last_number=numbering.last_number(CounterKind.DONATION_RECEIPT, year),
                    issued_cents=int(issued or 0),
                    cancelled=sum(1 for r in rows if r.is_cancelled), is_truncated=truncated)


def years() -> list[int]:
    """The civil years that have receipts, latest first."""
    return list(db.session.scalars(select(DonationReceipt.year).distinct()
                                   .order_by(DonationReceipt.year.desc()).limit(100)))
