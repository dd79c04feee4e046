"""Ticket types, quotas, vouchers, orders, tickets, their history and their money (payments
and refunds as rows)."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.accounts.models import User
from festival.core.models import TimestampMixin
from festival.core.timeutil import utcnow
from festival.core.translated import Translated, translated
from festival.core.types import UTCDateTime, str_enum
from festival.editions.models import Edition
from festival.extensions import db


class OrderStatus(str, enum.Enum):
    PENDING = "pending"
    PAID = "paid"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"

    def can_become(self, to: OrderStatus) -> bool:
        return to in ORDER_TRANSITIONS[self]


# The order's state machine, in one place: orders.record() refuses any other change. A partial
# refund leaves the order paid (its refund rows say how much went back). A cancelled order
# stays cancelled: a payment that still arrives is refunded, never honoured.
ORDER_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.PAID, OrderStatus.EXPIRED,
                                    OrderStatus.CANCELLED}),
    # Paid late: revived if its seats are still free, otherwise the payment is refunded.
    OrderStatus.EXPIRED: frozenset({OrderStatus.PAID, OrderStatus.REFUNDED}),
    OrderStatus.PAID: frozenset({OrderStatus.REFUNDED, OrderStatus.CANCELLED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
}


class PaymentState(str, enum.Enum):
    CREATED = "created"                  # a Checkout Session is open, nothing paid yet
    CANCEL_REQUESTED = "cancel_requested"  # the order was cancelled: the session is to close
    CONFIRMED = "confirmed"              # the money arrived
    FAILED = "failed"                    # the provider said it did not (or wrong amount)
    CANCELLED = "cancelled"              # the session was closed before any payment


class RefundState(str, enum.Enum):
    REQUESTED = "requested"  # to be paid back by hand, or accepted by the provider, pending
    DONE = "done"
    FAILED = "failed"


class PaymentMethod(str, enum.Enum):
    STRIPE = "stripe"
    DEMO = "demo"            # development stand-in for Checkout, impossible in production
    FREE = "free"            # total 0
    BANK_TRANSFER = "bank_transfer"
    CASH = "cash"            # box office
    CARD_TERMINAL = "card_terminal"  # box office


class TermsAcceptance(str, enum.Enum):
    """How the buyer of an order agreed to the terms of sale (ticketing/terms.py)."""

    ONLINE = "online"              # ticked in the shop, or `accept_terms: true` in the API
    AT_DESK = "at_desk"            # sold at the box office: the terms hang at the desk
    BY_STAFF = "by_staff"          # taken by an organiser (bank transfer), agreed by mail
    NOT_RECORDED = "not_recorded"  # ordered before the shop asked for it


class TicketStatus(str, enum.Enum):
    VALID = "valid"
    REVOKED = "revoked"      # cancelled or refunded


class Quota(db.Model):
    """A number of seats that tickets count against from the moment they are reserved.

    `used` moves only through conditional UPDATEs (see ticketing.quotas), so that concurrent
    buyers can never push it past `size`. A quota is either a ticket type's or a festival
    day's: the venue capacity is one quota per day of the edition (`day`), and a ticket counts
    against each day it admits on (TicketType.valid_days; none listed: every day).
    """

    __tablename__ = "quotas"
    __table_args__ = (
        CheckConstraint("used >= 0", name="used_not_negative"),
        CheckConstraint("used <= size", name="used_within_size"),
        CheckConstraint("(ticket_type_id IS NULL) <> (day IS NULL)", name="type_or_day"),
        UniqueConstraint("edition_id", "ticket_type_id", name="uq_quotas_edition_type"),
        UniqueConstraint("edition_id", "day", name="uq_quotas_edition_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            index=True)
    ticket_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket_types.id", ondelete="CASCADE"))
    day: Mapped[date | None] = mapped_column(Date)  # a festival day's venue capacity
    size: Mapped[int] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def available(self) -> int:
        return max(self.size - self.used, 0)


class TicketType(Translated, TimestampMixin, db.Model):
    __tablename__ = "ticket_types"
    __table_args__ = (
        CheckConstraint("price_cents >= 0", name="price_not_negative"),
        CheckConstraint("max_per_order >= 1", name="max_per_order_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            index=True)
    name_fr: Mapped[str] = mapped_column("name", String(120))
    description_fr: Mapped[str] = mapped_column("description", Text, default="")
    TRANSLATED = {"name": "name_fr", "description": "description_fr"}
    name = translated("name_fr", "name")
    description = translated("description_fr", "description")
    # Fixed price, or the minimum when pay-what-you-want.
    price_cents: Mapped[int] = mapped_column(Integer, default=0)
    is_pay_what_you_want: Mapped[bool] = mapped_column(default=False)
    suggested_price_cents: Mapped[int | None] = mapped_column(Integer)
    sales_open_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sales_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # ISO dates the ticket admits on; empty means every day of the edition.
    valid_days: Mapped[list[str]] = mapped_column(JSON, default=list)
    max_per_order: Mapped[int] = mapped_column(Integer, default=10)
    requires_attendee_name: Mapped[bool] = mapped_column(default=True)
    is_hidden: Mapped[bool] = mapped_column(default=False)  # sold only with a voucher
    is_active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    edition: Mapped[Edition] = relationship()
    quota: Mapped[Quota | None] = relationship(
        primaryjoin="TicketType.id == Quota.ticket_type_id", uselist=False,
        cascade="all, delete-orphan")

    @property
    def valid_dates(self) -> list[date]:
        return [date.fromisoformat(d) for d in self.valid_days or []]

    def admission_days(self, edition_days: list[date]) -> list[date]:
        """The festival days this ticket admits on: its valid days that are days of the
        edition, or every day of the edition when it lists none."""
        if not self.valid_days:
            return list(edition_days)
        return [d for d in edition_days if d.isoformat() in self.valid_days]


class Voucher(TimestampMixin, db.Model):
    __tablename__ = "vouchers"
    __table_args__ = (
        UniqueConstraint("edition_id", "code", name="uq_vouchers_edition_code"),
        CheckConstraint("used_count <= max_uses", name="uses_within_max"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            index=True)
    code: Mapped[str] = mapped_column(String(40))  # stored upper-case
    ticket_type_id: Mapped[int] = mapped_column(ForeignKey("ticket_types.id",
                                                           ondelete="CASCADE"))
    max_uses: Mapped[int] = mapped_column(Integer, default=1)
    used_count: Mapped[int] = mapped_column(Integer, default=0)
    price_override_cents: Mapped[int | None] = mapped_column(Integer)
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(String(200), default="")

    ticket_type: Mapped[TicketType] = relationship()


class Order(TimestampMixin, db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("total_cents >= 0", name="total_not_negative"),
        CheckConstraint("donation_cents >= 0", name="donation_not_negative"),
        Index("ix_orders_status_expires", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"), index=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    secret: Mapped[str] = mapped_column(String(64))
    buyer_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)
    language: Mapped[str] = mapped_column(String(5), default="fr")
    status: Mapped[OrderStatus] = mapped_column(str_enum(OrderStatus, "order_status", length=20),
                                                default=OrderStatus.PENDING)
    payment_method: Mapped[PaymentMethod | None] = mapped_column(
        str_enum(PaymentMethod, "payment_method", length=20))
    tickets_cents: Mapped[int] = mapped_column(Integer, default=0)
    donation_cents: Mapped[int] = mapped_column(Integer, default=0)
    total_cents: Mapped[int] = mapped_column(Integer, default=0)
    refunded_cents: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    voucher_id: Mapped[int | None] = mapped_column(ForeignKey("vouchers.id",
                                                              ondelete="SET NULL"))
    is_box_office: Mapped[bool] = mapped_column(default=False)
    marketing_consent: Mapped[bool] = mapped_column(default=False)
    # The terms of sale in force when the order was made, and how its buyer agreed to them;
    # accepted_at only when the buyer ticked them (online).
    terms_acceptance: Mapped[TermsAcceptance] = mapped_column(
        str_enum(TermsAcceptance, "terms_acceptance", length=20),
        default=TermsAcceptance.NOT_RECORDED, server_default="not_recorded")
    terms_version: Mapped[str] = mapped_column(String(40), default="", server_default="")
    terms_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    stripe_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    stripe_session_url: Mapped[str | None] = mapped_column(Text)
    stripe_payment_intent: Mapped[str | None] = mapped_column(String(255), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))

    edition: Mapped[Edition] = relationship()
    voucher: Mapped[Voucher | None] = relationship()
    tickets: Mapped[list[Ticket]] = relationship(back_populates="order",
                                                 order_by="Ticket.id",
                                                 cascade="all, delete-orphan")
    events: Mapped[list[OrderEvent]] = relationship(back_populates="order",
                                                    order_by="OrderEvent.id",
                                                    cascade="all, delete-orphan")
    payments: Mapped[list[Payment]] = relationship(back_populates="order",
                                                   order_by="Payment.id",
                                                   cascade="all, delete-orphan")
    refunds: Mapped[list[Refund]] = relationship(back_populates="order",
                                                 order_by="Refund.id",
                                                 cascade="all, delete-orphan")

    @property
    def paid_cents(self) -> int:
        """What the ledger says was paid: the confirmed payments."""
        return sum(p.amount_cents for p in self.payments if p.state is PaymentState.CONFIRMED)

    @property
    def ledger_refunded_cents(self) -> int:
        """What the ledger says went back (or is to go back): every refund not failed.
        `refunded_cents` is its cache, kept in step in the same transaction, for the
        dashboards' SQL sums."""
        return sum(r.amount_cents for r in self.refunds if r.state is not RefundState.FAILED)

    @property
    def holds_seats(self) -> bool:
        return self.status in (OrderStatus.PENDING, OrderStatus.PAID)

    @property
    def admission_days(self) -> list[date]:
        """The festival days the order's valid tickets admit on, in date order."""
        days: set[date] = set()
        for ticket in self.tickets:
            if ticket.status is TicketStatus.VALID:
                days.update(ticket.ticket_type.admission_days(self.edition.dates))
        return sorted(days)


class Ticket(db.Model):
    """One admission. Its QR token is derived from its id and the edition's key."""

    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    ticket_type_id: Mapped[int] = mapped_column(ForeignKey("ticket_types.id"), index=True)
    attendee_name: Mapped[str] = mapped_column(String(200), default="")
    price_cents: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[TicketStatus] = mapped_column(str_enum(TicketStatus, "ticket_status", length=20),
                                                 default=TicketStatus.VALID)
    refunded_cents: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A ticket handed over (ticketing/changes.py): the one it replaces, how many hands the
    # seat has passed through since it was bought, and the new holder's address (personal
    # data: exported and erased with the person, festival/privacy).
    transferred_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="SET NULL"), index=True)
    transfer_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    holder_email: Mapped[str | None] = mapped_column(String(254), index=True)

    order: Mapped[Order] = relationship(back_populates="tickets")
    ticket_type: Mapped[TicketType] = relationship()


# Every kind of line in an order's history (orders.record refuses any other): each has its
# words in ticketing/labels.py (EVENT_KIND), which a test holds to this set.
ORDER_EVENT_KINDS = frozenset({
    "created", "checkout_started", "awaiting_payment", "payment_failed", "payment_mismatch",
    "awaiting_bank_transfer", "paid", "paid_too_late", "paid_after_cancel", "expired",
    "cancelled", "refunded", "partial_refund", "partial_refund_at_stripe",
    "late_payment_refunded", "email_resent", "anonymised",
    "names_corrected", "email_corrected", "ticket_transferred",
})


class OrderEvent(db.Model):
    """One change of an order: state change, payment, refund, e-mail resent. Never edited.

    `data` holds the facts of the change (amounts in cents, counts, the payment method's
    code), written in words in the reader's language when shown (labels.describe_event);
    `note` holds only what a person wrote (a reason) or an address."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    kind: Mapped[str] = mapped_column(String(40))  # created, paid, expired, refund, …
    from_status: Mapped[OrderStatus | None] = mapped_column(
        str_enum(OrderStatus, "order_status", length=20))
    to_status: Mapped[OrderStatus | None] = mapped_column(
        str_enum(OrderStatus, "order_status", length=20))
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict | None] = mapped_column(JSON)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    order: Mapped[Order] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class PaymentEvent(db.Model):
    """A Stripe webhook event already handled; its unique id makes a repeat a no-op."""

    __tablename__ = "payment_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(80))
    order_code: Mapped[str | None] = mapped_column(String(12), index=True)
    outcome: Mapped[str] = mapped_column(String(80), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Payment(db.Model):
    """One attempt to pay an order, as the payment provider reported it: a Checkout Session
    (created, then confirmed, failed or cancelled), or money taken at the box office or by
    transfer (confirmed at once). The order's paid amount is the sum of its confirmed rows."""

    __tablename__ = "payments"
    __table_args__ = (CheckConstraint("amount_cents >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    provider: Mapped[PaymentMethod] = mapped_column(
        str_enum(PaymentMethod, "payment_method", length=20))
    amount_cents: Mapped[int] = mapped_column(Integer)
    state: Mapped[PaymentState] = mapped_column(
        str_enum(PaymentState, "payment_state", length=20), default=PaymentState.CREATED)
    checkout_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    payment_intent_id: Mapped[str | None] = mapped_column(String(255), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # What the provider kept of it (Stripe's fee), once it reported it (payments.fees).
    fee_cents: Mapped[int | None] = mapped_column(Integer)

    order: Mapped[Order] = relationship(back_populates="payments")


class Refund(db.Model):
    """Money sent back for an order, with its reason: by the organiser, by Stripe's dashboard,
    or automatically for a payment that arrived after the order was cancelled or sold out."""

    __tablename__ = "refunds"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id",
                                                              ondelete="SET NULL"))
    amount_cents: Mapped[int] = mapped_column(Integer)
    provider_refund_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    state: Mapped[RefundState] = mapped_column(
        str_enum(RefundState, "refund_state", length=20), default=RefundState.DONE)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    order: Mapped[Order] = relationship(back_populates="refunds")
    payment: Mapped[Payment | None] = relationship()
