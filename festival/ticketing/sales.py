"""Sales handled by people rather than by the shop: the box office at the door, orders paid by
bank transfer, and the confirmation e-mail sent again.

Like every service, these take the acting user, flush and never commit; the caller rolls back
on a DomainError.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.accounts.models import User
from festival.core.errors import Conflict, DomainError, ValidationError
from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.ticketing import orders
from festival.ticketing.models import (
    Order,
    OrderEvent,
    OrderStatus,
    PaymentMethod,
    TermsAcceptance,
)
from festival.ticketing.notifications import queue_order_confirmation
from festival.ticketing.orders import Item

RESEND_INTERVAL = timedelta(minutes=5)
DOOR_METHODS = (PaymentMethod.CASH, PaymentMethod.CARD_TERMINAL)


def _named(items: list[Item], name: str) -> list[Item]:
    """Tickets sold by an organiser may go without names: they carry the buyer's."""
    named = []
    for item in items:
        given = [(a or "").strip() for a in item.attendees][:max(item.quantity, 0)]
        given += [""] * (max(item.quantity, 0) - len(given))
        named.append(Item(item.ticket_type_id, item.quantity, [a or name for a in given],
                          item.price_cents))
    return named


def sell_at_door(edition, *, items: list[Item], method: PaymentMethod | str, actor: User,
                 buyer_name: str = "", email: str = "", language: str = "fr",
                 now: datetime | None = None) -> Order:
    """A box-office sale: the tickets are reserved and paid at once (cash or card terminal),
    whatever the sales window; they are valid as soon as this returns. The buyer's name and
    e-mail are optional; without an e-mail nothing is sent.

    No box is ticked at the desk: the order records that it was sold there
    (terms_acceptance at_desk) under the terms in force, with no moment of acceptance. A
    door sale is made face to face and paid on the spot, for the same day: the buyer sees
    the prices and the terms posted at the desk, and asking a queue to tick a screen would
    prove nothing more.
    Errors: validation_failed (method, and those of create_order), sales_closed, sold_out."""
    now = now or utcnow()
    try:
        method = PaymentMethod(method)
    except ValueError:
        method = None
    if method not in DOOR_METHODS:
        raise ValidationError({"method": [_l("Choose cash or card terminal.")]})
    name = (buyer_name or "").strip() or str(_l("Box office sale"))
    order = orders.create_order(edition, buyer_name=name, email=email or "",
                                items=_named(items, name), language=language,
                                box_office=True, actor=actor, now=now)
    if order.status is OrderStatus.PENDING:
        orders.mark_paid(order, method, amount_cents=order.total_cents, actor=actor, now=now)
    return order


def create_transfer_order(edition, *, buyer_name: str, email: str, items: list[Item],
                          actor: User, language: str = "fr", voucher_code: str | None = None,
                          now: datetime | None = None) -> Order:
    """An order an organiser takes for someone who pays by bank transfer (a works council, a
    school): its tickets are held with no time limit until the transfer arrives
    (`mark_transfer_paid`) or the order is cancelled. Names may be left empty.
    Errors: those of create_order."""
    now = now or utcnow()
    order = orders.create_order(edition, buyer_name=buyer_name, email=email,
                                items=_named(items, (buyer_name or "").strip()),
                                voucher_code=voucher_code, language=language, box_office=True,
                                actor=actor, now=now)
    order.is_box_office = False
    order.terms_acceptance = TermsAcceptance.BY_STAFF  # agreed with the organiser, by mail
    if order.status is OrderStatus.PENDING:
        order.expires_at = None
        orders.record(order, "awaiting_bank_transfer", actor=actor, now=now)
    return order


def is_awaiting_transfer(order: Order) -> bool:
    """A pending order without a time limit waits for a bank transfer, not for Checkout."""
    return order.status is OrderStatus.PENDING and order.expires_at is None


def mark_transfer_paid(order: Order, *, actor: User, now: datetime | None = None) -> str:
    """The bank transfer for this order arrived: the order is paid and its tickets are sent.
    An order that expired meanwhile is revived if its seats are still free.
    Errors: not_payable (409), sold_out (409: expired and its seats are gone)."""
    now = now or utcnow()
    order = orders.lock_order(order.id)
    if order.status not in (OrderStatus.PENDING, OrderStatus.EXPIRED):
        raise DomainError("not_payable", _l("This order is not waiting for a payment."),
                          status=409)
    outcome = orders.mark_paid(order, PaymentMethod.BANK_TRANSFER,
                               amount_cents=order.total_cents, actor=actor, now=now)
    if outcome == "refund_needed":
        raise Conflict("sold_out", _l("This order expired and its tickets have been sold "
                                      "since: it cannot be marked as paid. Pay the money "
                                      "back."))
    return outcome


def last_resend(order: Order) -> OrderEvent | None:
    return db.session.scalar(select(OrderEvent).where(
        OrderEvent.order_id == order.id, OrderEvent.kind == "email_resent")
        .order_by(OrderEvent.id.desc()).limit(1))


def next_resend_at(order: Order) -> datetime | None:
    """When the confirmation may be sent again (None: now)."""
    last = last_resend(order)
    return last.created_at + RESEND_INTERVAL if last is not None else None


def resend_confirmation(order: Order, *, actor: User | None = None,
                        now: datetime | None = None) -> int:
    """Queue the confirmation e-mail once more, as a new message; returns its number. At most
    one resend per order every RESEND_INTERVAL, whoever asks, so the link cannot be used to
    flood a mailbox. Errors: not_paid (409), no_email (409), resend_too_soon (429)."""
    now = now or utcnow()
    order = orders.lock_order(order.id)
    if order.status is not OrderStatus.PAID:
        raise DomainError("not_paid", _l("Only the tickets of a paid order can be sent."),
                          status=409)
    if not order.email:
        raise DomainError("no_email", _l("This order has no e-mail address."), status=409)
    allowed_at = next_resend_at(order)
    if allowed_at is not None and allowed_at > now:
        minutes = max(1, -(-int((allowed_at - now).total_seconds()) // 60))
        raise DomainError("resend_too_soon",
                          _l("The e-mail was sent again a moment ago. You can ask again in "
                             "%(n)s min.", n=minutes), status=429)
    number = 1 + (db.session.scalar(select(db.func.count(OrderEvent.id)).where(
        OrderEvent.order_id == order.id, OrderEvent.kind == "email_resent")) or 0)
    orders.record(order, "email_resent", actor=actor, now=now, note=order.email)
    queue_order_confirmation(order, resend=number)
    db.session.flush()
    return number
