"""Money sent back: the organiser's refunds, refunds made in the provider's dashboard, and
the automatic refund of a payment that arrived too late. Each is a Refund row; the order's
`refunded_cents` is the cache of their sum, changed in the same transaction.

The online payment provider (payments.provider, registered at start-up) is passed in: this
module calls its `refund()` and knows nothing else about it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from festival.accounts.models import User
from festival.checkin.queries import admissions_of
from festival.core.errors import DomainError, ValidationError
from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.ticketing import orders, quotas
from festival.ticketing.models import (
    Order,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentState,
    Refund,
    RefundState,
    Ticket,
    TicketStatus,
)
from festival.ticketing.notifications import queue_late_payment_refunded

_REFUND_LISTENERS = "festival.order_refund_listeners"  # the key in app.extensions


def register_refund_listener(app: Flask, listener: Callable[[Order, datetime], object]) -> None:
    """`listener(order, now)` runs after every refund row is added to an order (its
    `refunded_cents` already counts it), in the same transaction, under the order's lock
    (accounting cancels the receipt of a donation that went back). It must not commit."""
    app.extensions.setdefault(_REFUND_LISTENERS, []).append(listener)


class RefundProvider(Protocol):
    def refund(self, order: Order, payment: Payment | None, amount_cents: int, *,
               key: str) -> tuple[str, bool]:
        """Send `amount_cents` of this payment back; returns (provider refund id, is done).
        Errors: refund_unavailable, refund_failed."""


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


class ConfirmationRequired(DomainError):
    """refund() asked without a confirmation: `plan` is what it would do, to be shown (the
    back office's confirmation page, the API's 409) before the refund is asked again,
    confirmed."""

    status = 409

    def __init__(self, plan: RefundPlan):
        super().__init__("confirmation_required", _l(
            "Confirm the refund: check the amount and the tickets, those already let in at a "
            "door included, then ask again with the confirmation."))
        self.plan = plan


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


def refund(order: Order, provider: RefundProvider | None, *,
           ticket_ids: list[int] | None = None, actor: User | None, reason: str,
           confirmed: bool, now: datetime | None = None) -> RefundPlan:
    """Refund the whole order, or some of its tickets; revokes them and frees their seats.
    Online payments are refunded through the provider; others are recorded as a refund to be
    paid back by hand (state requested). The reason is required: it goes in the order's
    history, with the tickets that were already let in at a door (see plan_refund). Nothing
    is refunded blind: without `confirmed` (the organiser saw the plan), it raises
    ConfirmationRequired with the plan and changes nothing. Returns the plan carried out
    (its amount_cents is the amount refunded).
    Errors: validation_failed (reason, ticket_ids), confirmation_required (409),
    not_refundable, refund_unavailable, refund_failed."""
    reason = (reason or "").strip()[:500]
    if not reason:
        raise ValidationError({"reason": [_l("Give the reason for the refund: it is kept "
                                             "in the order's history.")]})
    now = now or utcnow()
    order = orders.lock_order(order.id)
    plan = plan_refund(order, ticket_ids)
    if not confirmed:
        raise ConfirmationRequired(plan)
    chosen, amount, full = plan.tickets, plan.amount_cents, plan.is_full
    online = order.payment_method is PaymentMethod.STRIPE
    note = reason
    if not online and amount > 0:
        note += " — to be paid back by hand"
    if amount > 0:
        payment = _paid_with(order)
        provider_id, done = None, False
        if online:
            if provider is None:
                raise DomainError("refund_unavailable", _l(
                    "Stripe is not configured here: refund this payment from the Stripe "
                    "dashboard."), status=409)
            key = f"{order.code}-{'-'.join(str(t.id) for t in chosen)}"
            provider_id, done = provider.refund(order, payment, amount, key=key)
        _add_refund(order, payment, amount, provider_id=provider_id,
                    state=RefundState.DONE if done else RefundState.REQUESTED,
                    reason=reason, now=now)
    revoke(order, chosen)
    for ticket in chosen:
        ticket.refunded_cents = ticket.price_cents
    if plan.checked_in:
        note += " — already checked in: " + ", ".join(
            f"#{a.ticket.id} ({a.gate}, {a.scanned_at:%Y-%m-%d %H:%M} UTC)"
            for a in plan.checked_in)
    orders.record(order, "refunded" if full else "partial_refund",
                  to=OrderStatus.REFUNDED if full else None, actor=actor, now=now,
                  note=note, data={"amount_cents": amount})
    return plan


def refund_late_payment(order: Order, payment: Payment, *, provider_refund_id: str | None,
                        is_done: bool, now: datetime | None = None) -> None:
    """Record the automatic refund of a payment that orders.confirm_payment refused
    ('refund_needed'), already sent back through the provider. An expired order whose seats
    were sold becomes refunded and its buyer is told; a cancelled order stays cancelled (the
    organiser's decision), its history saying the late payment went back."""

    now = now or utcnow()
    order = orders.lock_order(order.id)
    cancelled = order.status is OrderStatus.CANCELLED
    revoke(order, list(order.tickets), give_back_seats=False)  # they hold no seats
    _add_refund(order, payment, payment.amount_cents, provider_id=provider_refund_id,
                state=RefundState.DONE if is_done else RefundState.REQUESTED,
                reason="paid after the order was cancelled" if cancelled
                else "paid after the hold ended and the tickets were gone", now=now)
    if cancelled:
        orders.record(order, "late_payment_refunded", now=now,
                      data={"amount_cents": payment.amount_cents})
        return
    orders.record(order, "refunded", to=OrderStatus.REFUNDED, now=now,
                  data={"reason": "paid_too_late"})
    if order.email:
        queue_late_payment_refunded(order)


def refunded_at_provider(order: Order, refunded_cents: int, *,
                         now: datetime | None = None) -> str:
    """The provider says `refunded_cents` of the order's payment went back in all (a refund
    made in its dashboard, or ours coming back as an event). Only what our rows do not
    already count is recorded; in full, the order is refunded and its tickets revoked."""
    now = now or utcnow()
    order = orders.lock_order(order.id)
    if order.status is not OrderStatus.PAID or refunded_cents <= order.refunded_cents:
        return "already_refunded"
    more = refunded_cents - order.refunded_cents
    _add_refund(order, _paid_with(order), more, provider_id=None, state=RefundState.DONE,
                reason="refunded in Stripe", now=now)
    if refunded_cents >= order.total_cents:
        revoke(order, [t for t in order.tickets if t.status is TicketStatus.VALID])
        orders.record(order, "refunded", to=OrderStatus.REFUNDED, now=now,
                      data={"reason": "at_stripe"})
        return "refunded"
    orders.record(order, "partial_refund_at_stripe", now=now,
                  data={"amount_cents": more})
    return "partially_refunded"


def revoke(order: Order, tickets: list[Ticket], *, give_back_seats: bool = True) -> None:
    valid = [t for t in tickets if t.status is TicketStatus.VALID]
    if give_back_seats:
        quotas.give_back(orders.seats_of(order, valid))
    for ticket in valid:
        ticket.status = TicketStatus.REVOKED


def _paid_with(order: Order) -> Payment | None:
    confirmed = [p for p in order.payments if p.state is PaymentState.CONFIRMED]
    return confirmed[-1] if confirmed else None


def _add_refund(order: Order, payment: Payment | None, amount: int, *,
                provider_id: str | None, state: RefundState, reason: str,
                now: datetime) -> Refund:
    row = Refund(order=order, payment=payment, amount_cents=amount,
                 provider_refund_id=provider_id, state=state, reason=reason[:500],
                 created_at=now)
    db.session.add(row)
    order.refunded_cents += amount
    for listener in current_app.extensions.get(_REFUND_LISTENERS, ()):
        listener(order, now)
    return row
