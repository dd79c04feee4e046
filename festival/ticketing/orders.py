"""Orders: reserve, pay, expire, cancel. Every rule of the money path lives here.

A ticket counts against its quotas from the moment it is reserved (pending order) until the
order expires or is cancelled. Every state change goes through record(), which allows only
the moves of models.ORDER_TRANSITIONS and writes an OrderEvent; the functions that change a
state do it under the order's lock (lock_order) after re-reading it. Money is rows: a Payment
per attempt to pay, a Refund per amount sent back (see refunds.py). Services flush and never
commit; on a DomainError the caller rolls back, so a refused order leaves nothing.
"""
from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from festival.accounts.models import User
from festival.accounts.services import normalise_email
from festival.core.errors import Conflict, DomainError, NotFound, ValidationError
from festival.core.timeutil import utcnow
from festival.core.unit_of_work import lock_row
from festival.editions.models import EditionStatus
from festival.extensions import db
from festival.questions import services as questions
from festival.ticketing import quotas
from festival.ticketing.models import (
    ORDER_EVENT_KINDS,
    Order,
    OrderEvent,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentState,
    TermsAcceptance,
    Ticket,
    TicketStatus,
    TicketType,
    Voucher,
)
from festival.ticketing.notifications import queue_order_confirmation
from festival.ticketing.terms import version_in_force
from festival.waitlist.rules import kept_for_the_line

HOLD = timedelta(minutes=30)
MAX_TICKETS_PER_ORDER = 20
# Every quantity read from a request (shop, API, box office) is checked against this bound
# before anything is built per ticket (names, rows): an absurd one costs nothing.
TOO_MANY_TICKETS = _l("At most %(n)s tickets per order.", n=MAX_TICKETS_PER_ORDER)
MAX_DONATION_CENTS = 1_000_000
MAX_PWYW_CENTS = 100_000
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 7
_STATUS_LISTENERS = "festival.order_status_listeners"  # the key in app.extensions


@dataclass
class Item:
    ticket_type_id: int
    quantity: int
    attendees: list[str] = field(default_factory=list)
    price_cents: int | None = None  # pay-what-you-want only
    answers: list = field(default_factory=list)  # per ticket: {question id: value}


def new_order_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """Codes are read back by people: ignore case, spaces, dashes; O→0 is not in the alphabet."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:CODE_LENGTH + 5]


def record(order: Order, kind: str, *, to: OrderStatus | None = None, note: str = "",
           data: dict | None = None, actor: User | None = None,
           now: datetime | None = None) -> None:
    """Write one line of the order's history and, with `to`, move it to that state: only the
    moves of ORDER_TRANSITIONS are allowed. `data`: the facts, in codes and cents (shown in
    words by labels.describe_event); `note`: what a person wrote. Errors: invalid_transition
    (409); ValueError for a kind that is not in ORDER_EVENT_KINDS (a bug)."""
    if kind not in ORDER_EVENT_KINDS:
        raise ValueError(f"unknown order event kind {kind!r}")
    if to is not None and not order.status.can_become(to):
        raise DomainError("invalid_transition", _l("This order can no longer change this way."),
                          status=409)
    event = OrderEvent(order=order, kind=kind, from_status=order.status if to else None,
                       to_status=to, note=note, data=data or None, actor_id=actor.id if actor else None,
                       created_at=now or utcnow())
    db.session.add(event)
    if to is not None:
        order.status = to
        for listener in current_app.extensions.get(_STATUS_LISTENERS, ()):
            listener(order, event.from_status, to, event.created_at)


def register_status_listener(
        app: Flask, listener: Callable[[Order, OrderStatus | None, OrderStatus, datetime],
                                       object]) -> None:
    """`listener(order, from_status, to_status, now)` runs after every change of an order's
    state (record), in the same transaction, under the order's lock where the change takes
    it (accounting issues a donation's receipt when the order is paid and cancels it when a
    paid order is cancelled). It must not commit; what it queues goes out after the commit."""
    app.extensions.setdefault(_STATUS_LISTENERS, []).append(listener)


def _sales_open(ticket_type: TicketType, now: datetime) -> bool:
    if ticket_type.sales_open_at and now < ticket_type.sales_open_at:
        return False
    return not (ticket_type.sales_close_at and now >= ticket_type.sales_close_at)


def check_voucher(code: str, edition_id: int, now: datetime) -> Voucher:
    """The voucher of this code, if it exists and is valid now. Errors: validation_failed
    (voucher)."""
    voucher = db.session.scalar(select(Voucher).where(
        Voucher.edition_id == edition_id, Voucher.code == code.strip().upper()))
    invalid = ValidationError({"voucher": [_l("This voucher code is not valid.")]})
    if voucher is None:
        raise invalid
    if (voucher.valid_from and now < voucher.valid_from) or (
            voucher.valid_until and now >= voucher.valid_until):
        raise ValidationError({"voucher": [_l("This voucher code is not valid today.")]})
    return voucher


# Voucher uses follow the orders that hold them: an order holds one use of its voucher while
# it holds its seats (pending or paid). The use is taken when the order is made, given back
# when it expires or is cancelled, and taken again when a late payment revives it; when no
# use is left by then, the revival is refused like one whose seats are gone (refund_needed).
# A refunded order keeps its use. An order that takes none of the tickets a voucher opens
# neither holds nor spends it. Uses move by conditional UPDATEs, as seats do.

def _use_voucher(voucher_id: int) -> None:
    """Take one use, or raise ValidationError (voucher) when none is left."""
    result = db.session.execute(
        update(Voucher).where(Voucher.id == voucher_id, Voucher.used_count < Voucher.max_uses)
        .values(used_count=Voucher.used_count + 1).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise ValidationError({"voucher": [_l("This voucher code has already been used.")]})


def _give_back_voucher(order: Order) -> None:
    if order.voucher_id:
        db.session.execute(
            update(Voucher).where(Voucher.id == order.voucher_id, Voucher.used_count > 0)
            .values(used_count=Voucher.used_count - 1)
            .execution_options(synchronize_session=False))


def _price(ticket_type: TicketType, item: Item, voucher: Voucher | None, index: int,
           errors: dict[str, list]) -> int:
    if voucher is not None and voucher.ticket_type_id == ticket_type.id \
            and voucher.price_override_cents is not None:
        return voucher.price_override_cents
    if not ticket_type.is_pay_what_you_want:
        return ticket_type.price_cents
    price = item.price_cents if item.price_cents is not None else (
        ticket_type.suggested_price_cents or ticket_type.price_cents)
    if price < ticket_type.price_cents:
        errors.setdefault(f"items.{index}.price_cents", []).append(
            _l("The minimum for this ticket is %(min)s cents.", min=ticket_type.price_cents))
    elif price > MAX_PWYW_CENTS:
        errors.setdefault(f"items.{index}.price_cents", []).append(
            _l("Please contact us for a contribution of this size."))
    return price


def create_order(edition, *, buyer_name: str, email: str, items: list[Item],
                 voucher_code: str | None = None, donation_cents: int = 0,
                 language: str = "fr", marketing_consent: bool = False,
                 terms_accepted: bool = False, box_office: bool = False,
                 for_waitlist_offer: bool = False, answers: Mapping | None = None,
                 actor: User | None = None, now: datetime | None = None) -> Order:
    """Reserve the tickets of an order.

    Errors: validation_failed (fields: name, email, items.N.*, voucher, donation_cents,
    accept_terms), sales_closed, sold_out (409). A free order is paid at once; any other
    holds its seats for 30 minutes while the buyer pays. At the box office (`box_office`) the
    sales window does not apply and the e-mail may be left empty.

    A buyer ordering alone (the shop, the API) must accept the terms of sale
    (`terms_accepted`): the order keeps their version and the moment. An order made by staff
    (`box_office`) is recorded as agreed at the desk, under the terms in force, with no
    moment: the buyer ticked nothing (see sales.sell_at_door).

    The edition's questions are answered in `answers` ({question id: value}) for the order
    and in each item's `answers` for its tickets (festival/questions; errors answers.* and
    items.N.answers.*); at the box office none is required.

    The seats of a type people are waiting for go to them (waitlist/rules.py): only the
    box office and an order made from a waiting-list offer (`for_waitlist_offer`) take them.
    """
    now = now or utcnow()
    if edition.status is not EditionStatus.ON_SALE:
        raise DomainError("sales_closed", _l("Ticket sales are not open for this edition."),
                          status=409)
    errors: dict[str, list] = {}
    buyer_name = (buyer_name or "").strip()
    if not buyer_name or len(buyer_name) > 200:
        errors["name"] = [_l("Please give your name (200 characters at most).")]
    if box_office and not (email or "").strip():
        email = ""  # a sale at the door may leave no address: nothing is sent then
    else:
        try:
            email = normalise_email(email)
        except ValidationError as error:
            errors.update(error.fields)
    if not isinstance(donation_cents, int) or not 0 <= donation_cents <= MAX_DONATION_CENTS:
        errors["donation_cents"] = [_l("The donation must be between 0 and 10,000 euros.")]
    if not items:
        errors["items"] = [_l("Choose at least one ticket.")]
    if not box_office and terms_accepted is not True:
        errors["accept_terms"] = [_l("Please accept the terms of sale to order.")]
    voucher = None
    if voucher_code and voucher_code.strip():
        try:
            voucher = check_voucher(voucher_code, edition.id, now)
        except ValidationError as error:
            errors.update(error.fields)

    if len(items) > MAX_TICKETS_PER_ORDER or any(
            isinstance(i.quantity, int) and i.quantity > MAX_TICKETS_PER_ORDER for i in items):
        errors["items"] = [TOO_MANY_TICKETS]
        raise ValidationError(errors)

    types = {t.id: t for t in db.session.scalars(select(TicketType).where(
        TicketType.edition_id == edition.id,
        TicketType.id.in_([i.ticket_type_id for i in items]))).all()}
    counts: Counter[int] = Counter()
    planned: list[tuple[TicketType, str, int]] = []
    for index, item in enumerate(items):
        key = f"items.{index}"
        ticket_type = types.get(item.ticket_type_id)
        if ticket_type is None or not ticket_type.is_active:
            errors[f"{key}.ticket_type_id"] = [_l("This ticket type does not exist.")]
            continue
        if ticket_type.is_hidden and (voucher is None or voucher.ticket_type_id != ticket_type.id):
            errors[f"{key}.ticket_type_id"] = [_l("This ticket needs a voucher code.")]
            continue
        if not box_office and not _sales_open(ticket_type, now):
            errors[f"{key}.ticket_type_id"] = [_l("This ticket is not on sale now.")]
            continue
        if not isinstance(item.quantity, int) or item.quantity < 1:
            errors[f"{key}.quantity"] = [_l("The quantity must be at least 1.")]
            continue
        counts[ticket_type.id] += item.quantity
        if counts[ticket_type.id] > ticket_type.max_per_order:
            errors[f"{key}.quantity"] = [_l("At most %(n)s of this ticket per order.",
                                            n=ticket_type.max_per_order)]
            continue
        attendees = [(a or "").strip() for a in item.attendees or []]
        if ticket_type.requires_attendee_name and (
                len(attendees) != item.quantity or not all(attendees)):
            errors[f"{key}.attendees"] = [_l("Give the name of each person, one per ticket.")]
            continue
        if any(len(a) > 200 for a in attendees):
            errors[f"{key}.attendees"] = [_l("A name is 200 characters at most.")]
            continue
        price = _price(ticket_type, item, voucher, index, errors)
        attendees += [""] * (item.quantity - len(attendees))
        planned += [(ticket_type, attendees[n], price) for n in range(item.quantity)]
    if sum(counts.values()) > MAX_TICKETS_PER_ORDER:
        errors["items"] = [TOO_MANY_TICKETS]
    try:
        checked = questions.check_answers(edition, items, answers, required=not box_office)
    except ValidationError as error:
        errors.update(error.fields)
    if errors:
        raise ValidationError(errors)
    if voucher is not None and voucher.ticket_type_id not in counts:
        voucher = None  # a code that opens none of the order's tickets is not spent
    if not (box_office or for_waitlist_offer) and kept_for_the_line(
            edition, {types[i]: n for i, n in counts.items()}, now):
        raise Conflict("sold_out", _l("Sorry, this ticket is sold out: the tickets that come "
                                      "back go first to the people on its waiting list."))

    quotas.take(quotas.needed_seats(edition.id, counts))
    if voucher is not None:
        _use_voucher(voucher.id)

    tickets_cents = sum(price for _, _, price in planned)
    order = Order(edition=edition, code=_unique_code(), secret=secrets.token_urlsafe(24),
                  buyer_name=buyer_name, email=email, language=language,
                  status=OrderStatus.PENDING, tickets_cents=tickets_cents,
                  donation_cents=donation_cents, total_cents=tickets_cents + donation_cents,
                  expires_at=now + HOLD, voucher_id=voucher.id if voucher else None,
                  is_box_office=box_office, marketing_consent=bool(marketing_consent),
                  terms_version=version_in_force(),
                  terms_acceptance=TermsAcceptance.AT_DESK if box_office
                  else TermsAcceptance.ONLINE,
                  terms_accepted_at=None if box_office else now,
                  created_by_id=actor.id if actor else None, created_at=now, updated_at=now)
    order.tickets = [Ticket(ticket_type_id=t.id, attendee_name=name, price_cents=price,
                            created_at=now) for t, name, price in planned]
    db.session.add(order)
    record(order, "created", actor=actor, now=now,
           data={"tickets": sum(counts.values()), "total_cents": order.total_cents})
    if order.total_cents == 0:  # paid before its first flush: inserted paid, not updated
        mark_paid(order, PaymentMethod.FREE, actor=actor, now=now)
    questions.record_answers(order, checked, now=now)  # (its flush gives the tickets ids)
    db.session.flush()
    return order


def _unique_code() -> str:
    for _ in range(10):
        code = new_order_code()
        if db.session.scalar(select(Order.id).where(Order.code == code)) is None:
            return code
    raise RuntimeError("could not find a free order code")  # 32^7 codes: never in practice


def seats_of(order: Order, tickets: list[Ticket] | None = None) -> Counter[int]:
    counts = Counter(t.ticket_type_id for t in (tickets if tickets is not None else
                                                [t for t in order.tickets
                                                 if t.status is TicketStatus.VALID]))
    return quotas.needed_seats(order.edition_id, counts)


def lock_order(order_id: int) -> Order:
    """The order under its row lock (core.unit_of_work.lock_row). Errors: order_not_found
    (404); RuntimeError outside a transaction."""
    order = lock_row(Order, order_id)
    if order is None:
        raise NotFound("order_not_found", _l("No such order."))
    # Its tickets and payments are read again under the lock, and become its collections (one
    # query each, no lazy load after): a page that loaded them before the lock (the refund
    # form lists the valid tickets) would otherwise decide on what another request changed
    # meanwhile (the same ticket refunded twice, by two clicks at once).
    for name, model in (("tickets", Ticket), ("payments", Payment)):
        rows = db.session.scalars(select(model).where(model.order_id == order.id)
                                  .order_by(model.id)
                                  .execution_options(populate_existing=True)).all()
        set_committed_value(order, name, list(rows))
    return order


def mark_paid(order: Order, method: PaymentMethod, *, amount_cents: int | None = None,
              currency: str = "eur", actor: User | None = None,
              now: datetime | None = None) -> str:
    """Record money received outside Checkout (box office, transfer, free, demo) as a confirmed
    payment row and apply it to the order: see confirm_payment for what is returned."""
    now = now or utcnow()
    payment = Payment(order=order, provider=method, state=PaymentState.CREATED,
                      amount_cents=order.total_cents if amount_cents is None else amount_cents,
                      created_at=now, updated_at=now)
    db.session.add(payment)
    return confirm_payment(payment, currency=currency, actor=actor, now=now)


def confirm_payment(payment: Payment, *, currency: str = "eur", actor: User | None = None,
                    now: datetime | None = None) -> str:
    """The provider says this payment went through: confirm its row and apply it to the order,
    under the order's lock and after re-reading its state. Returns what happened:
    - 'paid': the order was pending and is now paid, its confirmation queued;
    - 'revived': the order had expired and all its seats were still free: they are taken
      again and the order is paid;
    - 'refund_needed': the order had expired and its seats are gone, or it was cancelled (a
      cancelled order is never revived): the caller refunds the payment (refunds.
      refund_late_payment), nothing is issued;
    - 'already_paid' / 'already_refunded': nothing changes (a repeated or second payment).
    Errors: payment_mismatch (amount or currency differ from the order: the payment is marked
    failed and the order's history says so)."""
    now = now or utcnow()
    order = payment.order
    if order.id is not None:  # (an order being made, not yet written, is seen by no one else)
        order = lock_order(order.id)
    if payment.state is PaymentState.CONFIRMED:
        return "already_refunded" if order.status is OrderStatus.REFUNDED else "already_paid"
    payment.updated_at = now
    if payment.amount_cents != order.total_cents or currency.lower() != "eur":
        payment.state = PaymentState.FAILED
        record(order, "payment_mismatch", actor=actor, now=now,
               data={"amount_cents": payment.amount_cents, "currency": currency,
                     "expected_cents": order.total_cents})
        raise DomainError("payment_mismatch", _l("The amount paid does not match the order."),
                          status=409)
    payment.state = PaymentState.CONFIRMED
    payment.confirmed_at = now
    if payment.payment_intent_id:
        order.stripe_payment_intent = payment.payment_intent_id
    if order.status is OrderStatus.PAID:
        return "already_paid"
    if order.status is OrderStatus.REFUNDED:
        return "already_refunded"
    if order.status is OrderStatus.CANCELLED:
        record(order, "paid_after_cancel", actor=actor, now=now,
               data={"amount_cents": payment.amount_cents})
        return "refund_needed"
    outcome = "paid"
    if order.status is OrderStatus.EXPIRED:
        try:
            with db.session.begin_nested():  # the seats and the voucher's use, or neither
                quotas.take(seats_of(order, list(order.tickets)))
                if order.voucher_id:
                    _use_voucher(order.voucher_id)
        except Conflict:
            record(order, "paid_too_late", actor=actor, now=now,
                   data={"reason": "no_seats"})
            return "refund_needed"
        except ValidationError:
            record(order, "paid_too_late", actor=actor, now=now,
                   data={"reason": "voucher_used"})
            return "refund_needed"
        for ticket in order.tickets:
            ticket.status = TicketStatus.VALID
        outcome = "revived"
    return _paid(order, payment.provider, actor=actor, now=now, outcome=outcome)


def _paid(order: Order, method: PaymentMethod, *, actor: User | None, now: datetime,
          outcome: str) -> str:

    order.payment_method = method
    order.paid_at = now
    record(order, "paid", to=OrderStatus.PAID, actor=actor, now=now,
           data={"method": method.value, "revived": outcome != "paid"})
    if order.email:
        queue_order_confirmation(order)
    return outcome


def expire_order(order: Order, *, now: datetime | None = None) -> bool:
    """Expire a pending order past its hold and free its seats. True if it expired.
    Looked at first without a lock (pages call it on every view), then re-checked under it: a
    payment confirmed meanwhile wins."""
    now = now or utcnow()
    if not _expirable(order, now):
        return False
    order = lock_order(order.id)
    if not _expirable(order, now):
        return False
    quotas.give_back(seats_of(order))
    _give_back_voucher(order)
    record(order, "expired", to=OrderStatus.EXPIRED, now=now)
    return True


def _expirable(order: Order, now: datetime) -> bool:
    return order.status is OrderStatus.PENDING and order.expires_at is not None \
        and order.expires_at <= now


def expire_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """The sweep: expire every pending order past its hold. Safe on several machines."""
    now = now or utcnow()
    query = (select(Order).where(Order.status == OrderStatus.PENDING, Order.expires_at <= now)
             .order_by(Order.id).limit(limit).with_for_update(skip_locked=True))
    count = 0
    for order in db.session.scalars(query).all():
        count += expire_order(order, now=now)
    db.session.flush()
    return count


def cancel_order(order: Order, *, actor: User, reason: str, now: datetime | None = None) -> None:
    """Cancel, under the order's lock: frees the seats and revokes the tickets. An open
    Checkout Session is marked to be closed at the provider once this is committed
    (checkout.close_cancelled_checkouts; the sweep retries); a payment that still arrives is
    refunded (confirm_payment). Errors: invalid_transition, refund_instead (money paid online
    must be refunded, not just cancelled)."""
    now = now or utcnow()
    order = lock_order(order.id)
    if not order.status.can_become(OrderStatus.CANCELLED):
        raise DomainError("invalid_transition", _l("This order can no longer be cancelled."),
                          status=409)
    if order.status is OrderStatus.PAID and order.payment_method is PaymentMethod.STRIPE \
            and order.total_cents - order.refunded_cents > 0:
        raise DomainError("refund_instead", _l("This order was paid online: refund it instead."),
                          status=409)
    quotas.give_back(seats_of(order))
    _give_back_voucher(order)
    for ticket in order.tickets:
        ticket.status = TicketStatus.REVOKED
    for payment in order.payments:
        if payment.state is PaymentState.CREATED:
            payment.state = PaymentState.CANCEL_REQUESTED
            payment.updated_at = now
    record(order, "cancelled", to=OrderStatus.CANCELLED, actor=actor, now=now,
           note=(reason or "").strip()[:500])


def find_order(code: str) -> Order | None:
    code = normalise_code(code)
    if not code:
        return None
    return db.session.scalar(select(Order).where(Order.code == code))


def check_secret(order: Order, secret: str | None) -> bool:
    """Whether `secret` is this order's, compared in constant time as UTF-8 bytes: any text
    is only right or wrong (compare_digest refuses a str holding a non-ASCII character, and
    that failure would tell an order that exists from one that does not)."""
    if not secret:
        return False
    return secrets.compare_digest(order.secret.encode(),
                                  secret.encode("utf-8", "surrogatepass"))
