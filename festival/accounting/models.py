"""Document counters, receipt requests, donation receipts and invoices.

A receipt is a row that is never deleted: cancelled, it keeps its number (the sequence of a
civil year has no hole), and every reissue is counted on it (the copy says DUPLICATA)."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.timeutil import utcnow
from festival.core.types import UTCDateTime, str_enum
from festival.extensions import db
from festival.ticketing.models import Order


class CounterKind(str, enum.Enum):
    DONATION_RECEIPT = "donation_receipt"
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class DocumentCounter(db.Model):
    """The last number given to a kind of document in a civil year. Moved only under its row
    lock, in the transaction that stores the document (accounting.numbering)."""

    __tablename__ = "document_counters"
    __table_args__ = (
        UniqueConstraint("kind", "year", name="uq_document_counters_kind_year"),
        CheckConstraint("last_number >= 0", name="last_number_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[CounterKind] = mapped_column(str_enum(CounterKind, "counter_kind", length=30))
    year: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class ReceiptStatus(str, enum.Enum):
    ISSUED = "issued"
    CANCELLED = "cancelled"  # the donation went back: the number stays used


class ReceiptRequest(db.Model):
    """A donor's wish for a tax receipt, with the postal address it is made out to: asked at
    checkout, or later from the order's page. One per order."""

    __tablename__ = "receipt_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"),
                                          unique=True)
    donor_name: Mapped[str] = mapped_column(String(200))
    street: Mapped[str] = mapped_column(String(200))
    postal_code: Mapped[str] = mapped_column(String(20))
    city: Mapped[str] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(100), default="France")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    order: Mapped[Order] = relationship()

    @property
    def address_lines(self) -> list[str]:
        return [self.street, f"{self.postal_code} {self.city}".strip(), self.country]


class DonationReceipt(db.Model):
    """One tax receipt for the donation part of one order (never its tickets)."""

    __tablename__ = "donation_receipts"
    __table_args__ = (
        UniqueConstraint("year", "sequence", name="uq_donation_receipts_year_sequence"),
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("duplicates >= 0", name="duplicates_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # 2026-000001
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    donor_name: Mapped[str] = mapped_column(String(200))
    donor_address: Mapped[str] = mapped_column(Text)  # lines joined by newlines
    donor_email: Mapped[str] = mapped_column(String(254), default="", index=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    gift_date: Mapped[date] = mapped_column(Date)
    payment_method: Mapped[str] = mapped_column(String(20))
    status: Mapped[ReceiptStatus] = mapped_column(
        str_enum(ReceiptStatus, "receipt_status", length=20), default=ReceiptStatus.ISSUED)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str] = mapped_column(String(500), default="")
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    last_duplicate_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The association's details and the event's name as issued (accounting.documents).
    printed: Mapped[dict | None] = mapped_column(JSON)

    order: Mapped[Order] = relationship()

    @property
    def is_cancelled(self) -> bool:
        return self.status is ReceiptStatus.CANCELLED

    @property
    def address_lines(self) -> list[str]:
        return [line for line in self.donor_address.split("\n") if line]


class Invoice(db.Model):
    """An invoice made out to a company for one paid order, numbered in the unbroken
    sequence of its year. Its lines and amounts are copied when it is issued: it never
    changes afterwards (a later refund does not rewrite it)."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("year", "sequence", name="uq_invoices_year_sequence"),
        CheckConstraint("total_cents >= 0", name="total_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # F2026-000001
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    company_name: Mapped[str] = mapped_column(String(200))
    company_address: Mapped[str] = mapped_column(String(300))
    vat_number: Mapped[str] = mapped_column(String(20), default="")
    # [label, quantity, unit cents, total cents] per line, as printed
    lines: Mapped[list] = mapped_column(JSON, default=list)
    total_cents: Mapped[int] = mapped_column(Integer)
    refunded_cents: Mapped[int] = mapped_column(Integer, default=0)
    payment_method: Mapped[str] = mapped_column(String(20), default="")
    paid_on: Mapped[date | None] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The association's details and the event's name as issued (accounting.documents).
    printed: Mapped[dict | None] = mapped_column(JSON)

    order: Mapped[Order] = relationship()


class CreditNote(db.Model):
    """An avoir: money given back on an invoiced order, numbered A<year>-<n> in its own
    unbroken sequence. It cancels that part of the invoice, which itself never changes; one
    per refund that reached the order after its invoice."""

    __tablename__ = "credit_notes"
    __table_args__ = (
        UniqueConstraint("year", "sequence", name="uq_credit_notes_year_sequence"),
        CheckConstraint("amount_cents > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # A2026-000001
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The association's details and the event's name as issued (accounting.documents).
    printed: Mapped[dict | None] = mapped_column(JSON)

    invoice: Mapped[Invoice] = relationship()
