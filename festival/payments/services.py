"""The effects of payments on orders: Checkout sessions, webhooks, refunds.

Stripe is a trigger, never a source of truth we trust blindly: every webhook is verified,
recorded once under a unique event id in the same transaction as its effect, and checked
against the order (amount, currency). Events may come twice or in any order.
"""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from festival.accounts.models import User
from festival.checkin.queries import admissions_of
from festival.core.errors import DomainError, ValidationError
from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.payments.gateway import LineItem, PaymentError, session_expiry
from festival.ticketing import orders, quotas
from festival.ticketing.models import (Order, OrderStatus, PaymentEvent, PaymentMethod, Ticket,
                                       TicketStatus)

log = logging.getLogger(__name__)

ASYNC_PAYMENT_HOLD = timedelta(days=5)


def checkout_line_items(order: Order) -> list[LineItem]:
    """Tickets grouped by type and price, and the donation as a line of its own."""
    groups: Counter[tuple[str, int]] = Counter(
        (t.ticket_type.name, t.price_cents) for t in order.tickets)
    items = [LineItem(name, price, n) for (name, price), n in sorted(groups.items())
             if price > 0]
    if order.donation_cents:
        items.append(LineItem(str(_l("Donation to CNSM's projects in Souss-Massa")),
                              order.donation_cents, 1))
    return items


def start_checkout(order: Order, gateway, *, success_url: str, cancel_url: str,
                   now: datetime | None = None) -> str:
    """The Checkout URL for a pending order: one session per order and attempt, so a double
    click reuses the session (idempotency key). Errors: not_payable, payment_unavailable."""
    now = now or utcnow()
    order = orders.lock_order(order.id)
    if order.status is not OrderStatus.PENDING:
        raise DomainError("not_payable", _l("This order is not waiting for a payment."),
                          status=409)
    if order.stripe_session_id and order.stripe_session_url:
        return order.stripe_session_url
    # The session and the hold end together; Stripe wants 30 minutes to 24 hours.
    order.expires_at = datetime.fromtimestamp(session_expiry(order.expires_at or now, now),
                                              timezone.utc)
    attempt = sum(1 for e in order.events if e.kind == "checkout_started")
    try:
        session_id, url = gateway.create_checkout_session(
            order_code=order.code, line_items=checkout_line_items(order),
            customer_email=order.email, success_url=success_url, cancel_url=cancel_url,
            expires_at=order.expires_at, locale=order.language,
            idempotency_key=f"checkout-{order.code}-{attempt}")
    except PaymentError as error:
        log.warning("checkout for %s failed: %s", order.code, error)
        raise DomainError("payment_unavailable", _l("Online payment is unavailable right now. "
                                                    "Your tickets are held: please try again "
                                                    "in a moment."), status=503) from error
    order.stripe_session_id = session_id
    order.stripe_session_url = url
    orders.record(order, "checkout_started", now=now, note=session_id)
    return url


def _order_for(obj: dict) -> Order | None:
    code = (obj.get("metadata") or {}).get("order_code") or obj.get("client_reference_id")
    if code:
        return orders.find_order(code)
    intent = obj.get("payment_intent")
    if intent:
        return db.session.scalar(select(Order).where(Order.stripe_payment_intent == intent))
    return None


def handle_event(event: dict, gateway, *, now: datetime | None = None) -> str:
    """Apply one verified webhook event. Returns its outcome; a repeated event id returns
    'duplicate' and changes nothing. The caller commits."""
    now = now or utcnow()
    obj = (event.get("data") or {}).get("object") or {}
    order = _order_for(obj)
    seen = PaymentEvent(provider_event_id=str(event.get("id")), type=str(event.get("type")),
                        order_code=order.code if order else None, received_at=now)
    db.session.add(seen)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    if order is None:
        seen.outcome = "no_order"
        return seen.outcome
    order = orders.lock_order(order.id)
    kind = event.get("type")
    if kind in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        if obj.get("payment_status") not in ("paid", "no_payment_required"):
            if order.status is OrderStatus.PENDING:
                order.expires_at = max(order.expires_at or now, now + ASYNC_PAYMENT_HOLD)
                orders.record(order, "awaiting_payment", now=now,
                              note="completed; payment not yet confirmed")
            seen.outcome = "awaiting_payment"
        else:
            seen.outcome = _paid(order, obj, gateway, now)
    elif kind == "checkout.session.async_payment_failed":
        seen.outcome = "failed"
        if order.status is OrderStatus.PENDING:
            order.expires_at = now
            orders.expire_order(order, now=now)
            orders.record(order, "payment_failed", now=now)
    elif kind == "checkout.session.expired":
        seen.outcome = "ignored"
        if order.status is OrderStatus.PENDING and order.stripe_session_id == obj.get("id"):
            order.expires_at = min(order.expires_at or now, now)
            orders.expire_order(order, now=now)
            seen.outcome = "expired"
    elif kind == "charge.refunded":
        seen.outcome = _refunded_at_stripe(order, obj, gateway, now)
    else:
        seen.outcome = "ignored"
    return seen.outcome


def _paid(order: Order, session: dict, gateway, now: datetime) -> str:
    try:
        outcome = orders.mark_paid(order, PaymentMethod.STRIPE,
                                   amount_cents=session.get("amount_total"),
                                   currency=session.get("currency") or "",
                                   payment_intent=session.get("payment_intent"), now=now)
    except DomainError as error:  # payment_mismatch: recorded on the order, nothing issued
        log.error("order %s: %s", order.code, error.message)
        return error.code
    if outcome == "refund_needed":
        _refund_with_stripe(order, gateway, order.total_cents, key=f"late-{order.code}")
        _revoke(order, list(order.tickets), give_back_seats=False)
        order.refunded_cents = order.total_cents
        orders.record(order, "refunded", to=OrderStatus.REFUNDED, now=now,
                      note="paid after the hold ended and the tickets were gone")
        from festival.ticketing.notifications import queue_late_payment_refunded
        queue_late_payment_refunded(order)
    return outcome


def _refunded_at_stripe(order: Order, charge: dict, gateway, now: datetime) -> str:
    refunded = int(charge.get("amount_refunded") or 0)
    if order.status is OrderStatus.PENDING:
        # The refund event came first: the payment it refunds did happen.
        _paid(order, {"amount_total": charge.get("amount"), "currency": charge.get("currency"),
                      "payment_intent": charge.get("payment_intent")}, gateway, now)
    if order.status is not OrderStatus.PAID or refunded <= order.refunded_cents:
        return "already_refunded"
    if refunded >= order.total_cents:
        _revoke(order, [t for t in order.tickets if t.status is TicketStatus.VALID])
        order.refunded_cents = order.total_cents
        orders.record(order, "refunded", to=OrderStatus.REFUNDED, now=now,
                      note="refunded in Stripe")
        return "refunded"
    orders.record(order, "partial_refund_at_stripe", now=now,
                  note=f"{refunded - order.refunded_cents} cents refunded in Stripe; "
                       "tickets left valid")
    order.refunded_cents = refunded
    return "partially_refunded"


def _revoke(order: Order, tickets: list[Ticket], *, give_back_seats: bool = True) -> None:
    valid = [t for t in tickets if t.status is TicketStatus.VALID]
    if give_back_seats:
        quotas.give_back(orders.seats_of(order, valid))
    for ticket in valid:
        ticket.status = TicketStatus.REVOKED


def _refund_with_stripe(order: Order, gateway, amount: int, *, key: str) -> None:
    if gateway is None:
        raise DomainError("refund_unavailable", _l("Stripe is not configured here: refund this "
                                                   "payment from the Stripe dashboard."),
                          status=409)
    if not order.stripe_payment_intent:
        raise DomainError("refund_unavailable", _l("No online payment is known for this "
                                                   "order."), status=409)
    try:
        gateway.create_refund(payment_intent=order.stripe_payment_intent, amount_cents=amount,
                              idempotency_key=f"refund-{key}",
                              metadata={"order_code": order.code})
    except PaymentError as error:
        raise DomainError("refund_failed", _l("Stripe refused the refund: %(reason)s",
                                              reason=str(error)), status=502) from error


@dataclass(frozen=True)
class Admission:
    """A ticket to be refunded that a door has let in already."""

    ticket: Ticket
    list_name: str
    scanned_at: datetime
    gate: str


@dataclass(frozen=True)
class RefundPlan:
    """What a refund would do: the tickets it revokes, the amount paid back, and those of
    the tickets that were let in at a door (revoking them does not take anyone out)."""

    tickets: list[Ticket]
    amount_cents: int
    is_full: bool
    checked_in: list[Admission]


def plan_refund(order: Order, ticket_ids: list[int] | None = None) -> RefundPlan:
    """The refund of the whole order (`ticket_ids` None) or of some of its valid tickets,
    as refund() would make it, for the organiser to see before confirming. Changes nothing.
    Errors: not_refundable (409), validation_failed (ticket_ids)."""
    if order.status is not OrderStatus.PAID:
        raise DomainError("not_refundable", _l("Only a paid order can be refunded."),
                          status=409)
    valid = {t.id: t for t in order.tickets if t.status is TicketStatus.VALID}
    if ticket_ids is None:
        chosen = list(valid.values())
    else:
        # More ids than the order has tickets is refused before any of them is looked at.
        if not ticket_ids or len(ticket_ids) > len(order.tickets) \
                or any(i not in valid for i in ticket_ids):
            raise ValidationError({"ticket_ids": [_l("Choose valid tickets of this order.")]})
        chosen = [valid[i] for i in sorted(set(ticket_ids))]
    full = len(chosen) == len(valid)
    amount = sum(t.price_cents - t.refunded_cents for t in chosen)
    if full:
        amount = order.total_cents - order.refunded_cents
    by_id = {t.id: t for t in chosen}
    checked_in = [Admission(by_id[row.ticket_id], row.list_name, row.scanned_at, row.gate)
                  for row in admissions_of(list(by_id))]
    return RefundPlan(chosen, amount, full, checked_in)


def refund(order: Order, gateway, *, ticket_ids: list[int] | None = None, actor: User,
           reason: str, now: datetime | None = None) -> int:
    """Refund the whole order, or some of its tickets; revokes them and frees their seats.
    Online payments are refunded through Stripe; others are recorded to be paid back by hand.
    The reason is required: it goes in the order's history, with the tickets that were
    already let in at a door (see plan_refund). Returns the amount refunded.
    Errors: validation_failed (reason, ticket_ids), not_refundable, refund_unavailable,
    refund_failed."""
    reason = (reason or "").strip()[:500]
    if not reason:
        raise ValidationError({"reason": [_l("Give the reason for the refund: it is kept "
                                             "in the order's history.")]})
    now = now or utcnow()
    order = orders.lock_order(order.id)
    plan = plan_refund(order, ticket_ids)
    chosen, amount, full = plan.tickets, plan.amount_cents, plan.is_full
    if amount > 0 and order.payment_method is PaymentMethod.STRIPE:
        key = f"{order.code}-{'-'.join(str(t.id) for t in chosen)}"
        _refund_with_stripe(order, gateway, amount, key=key)
    _revoke(order, chosen)
    for ticket in chosen:
        ticket.refunded_cents = ticket.price_cents
    order.refunded_cents += amount
    note = reason
    if order.payment_method is not PaymentMethod.STRIPE and amount > 0:
        note += " — to be paid back by hand"
    if plan.checked_in:
        note += " — already checked in: " + ", ".join(
            f"#{a.ticket.id} ({a.gate}, {a.scanned_at:%Y-%m-%d %H:%M} UTC)"
            for a in plan.checked_in)
    orders.record(order, "refunded" if full else "partial_refund",
                  to=OrderStatus.REFUNDED if full else None, actor=actor, now=now,
                  note=f"{amount} cents. {note}")
    return amount
