"""Corrections and transfers: an order's attendee names and address put right, and a ticket
handed over to someone else. Both are changes of the order, made under its lock
(orders.lock_order) after re-reading it, each with its line of history.

Who may do what:
- the buyer, from the order's page, corrects names and their address until
  ORDER_CHANGES_CLOSE_HOURS before the festival's first day begins, and hands a ticket over
  until the festival begins (not one already checked in), within TRANSFERS_PER_TICKET and
  TRANSFERS_PER_ORDER;
- an organiser corrects the same fields at any time, giving a reason.

A ticket handed over stays in its order: the old ticket is revoked (its QR code is refused at
the door as `revoked` from the commit on) and a new one of the same type and price is issued
to the new holder, in the same transaction. The order's payment, refunds and quotas stay
where they are: the order holds as many valid tickets of each type as before, so no seat is
given back and taken again (no other buyer can take it in between), and a later refund
of the order pays back the new ticket like the old one. The new holder's address is kept on
the ticket (`holder_email`), exported and erased with the person (festival/privacy).

The history holds no name nor address: ticket numbers and who acted, and the organiser's
reason (labels.describe_event writes them in words).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from festival.accounts.models import User
from festival.accounts.services import normalise_email
from festival.checkin.queries import admissions_of
from festival.core.errors import DomainError, ValidationError
from festival.core.timeutil import utcnow
from festival.editions.days import cutoff_of, day_bounds
from festival.extensions import db
from festival.questions import services as questions
from festival.seats import services as seats
from festival.ticketing import notifications
from festival.ticketing.models import Order, OrderEvent, OrderStatus, Ticket, TicketStatus
from festival.ticketing.orders import lock_order, record

NAME_LENGTH = 200
REASON_LENGTH = 500
CORRECTABLE = (OrderStatus.PENDING, OrderStatus.PAID)


@dataclass(frozen=True)
class Limits:
    close_hours: int = 48
    per_ticket: int = 3
    per_order: int = 10

    @classmethod
    def from_config(cls) -> Limits:
        config = current_app.config
        return cls(config.get("ORDER_CHANGES_CLOSE_HOURS", 48),
                   config.get("TRANSFERS_PER_TICKET", 3), config.get("TRANSFERS_PER_ORDER", 10))


def festival_starts_at(order: Order) -> datetime | None:
    """When the edition's first festival day begins (editions/days.py), None without days."""
    edition = order.edition
    if edition.first_day is None:
        return None
    return day_bounds(edition.first_day, cutoff_of(edition))[0]


def corrections_close_at(order: Order, limits: Limits | None = None) -> datetime | None:
    """The moment the buyer can no longer correct names and address: the setting's hours
    before the festival begins."""
    starts = festival_starts_at(order)
    if starts is None:
        return None
    return starts - timedelta(hours=(limits or Limits.from_config()).close_hours)


def buyer_can_correct(order: Order, now: datetime, limits: Limits | None = None) -> bool:
    closes = corrections_close_at(order, limits)
    return order.status in CORRECTABLE and (closes is None or now < closes)


def transfers_of_order(order: Order) -> int:
    return db.session.scalar(select(func.count(OrderEvent.id)).where(
        OrderEvent.order_id == order.id, OrderEvent.kind == "ticket_transferred")) or 0


def transfers_open(order: Order, now: datetime) -> bool:
    """Tickets change hands until the festival begins (a ticket handed over the evening
    before is still a ticket sent in time)."""
    starts = festival_starts_at(order)
    return starts is None or now < starts


def buyer_can_transfer(order: Order, now: datetime, limits: Limits | None = None) -> bool:
    """Whether the order's page offers to hand tickets over at all (each ticket has its own
    limit, see transferable)."""
    limits = limits or Limits.from_config()
    return order.status is OrderStatus.PAID and transfers_open(order, now) \
        and limits.per_ticket > 0 and transfers_of_order(order) < limits.per_order


def transferable(ticket: Ticket, limits: Limits | None = None) -> bool:
    limits = limits or Limits.from_config()
    return ticket.status is TicketStatus.VALID and ticket.transfer_count < limits.per_ticket


def _closed(order: Order, now: datetime, limits: Limits) -> None:
    if order.status not in CORRECTABLE:
        raise DomainError("order_closed", _l("This order can no longer be changed."),
                          status=409)
    if not buyer_can_correct(order, now, limits):
        raise DomainError("changes_closed",
                          _l("Changes close %(hours)s hours before the festival: please write "
                             "to the organisers.", hours=limits.close_hours), status=409)


def _clean_name(raw: object) -> str:
    return " ".join(str(raw or "").split())


def correct_order(order: Order, *, names: dict[int, str] | None = None,
                  email: str | None = None, actor: User | None = None, reason: str = "",
                  now: datetime | None = None,
                  limits: Limits | None = None) -> list[str]:
    """Correct attendee names (`names`: ticket id → name, for valid tickets of the order)
    and the buyer's address (`email`, None: unchanged). Without `actor` it is the buyer,
    within the delay; an organiser (`actor`) may correct at any time and must give a reason.

    A new address gets the tickets again (paid orders) and the old one is told of the change,
    in the order's language. Returns what changed: "names", "email" (nothing: []).

    Errors: order_closed, changes_closed (409); validation_failed on `name-<ticket id>`,
    `email`, `reason`, `tickets` (nothing is changed then)."""
    now = now or utcnow()
    limits = limits or Limits.from_config()
    order = lock_order(order.id)
    if actor is None:
        _closed(order, now, limits)
    errors: dict[str, list] = {}
    reason = (reason or "").strip()
    if actor is not None and not reason:
        errors["reason"] = [_l("Please give the reason (kept in the history).")]
    elif len(reason) > REASON_LENGTH:
        errors["reason"] = [_l("%(n)s characters at most.", n=REASON_LENGTH)]
    valid = {t.id: t for t in order.tickets if t.status is TicketStatus.VALID}
    names = names or {}
    if len(names) > len(valid) or any(ticket_id not in valid for ticket_id in names):
        errors["tickets"] = [_l("These tickets are not in this order.")]
        names = {}
    changed_names: dict[int, str] = {}
    for ticket_id, raw in names.items():
        ticket, name = valid[ticket_id], _clean_name(raw)
        if len(name) > NAME_LENGTH:
            errors[f"name-{ticket_id}"] = [_l("A name is 200 characters at most.")]
        elif not name and ticket.ticket_type.requires_attendee_name:
            errors[f"name-{ticket_id}"] = [_l("Please give the name of the person.")]
        elif name != ticket.attendee_name:
            changed_names[ticket_id] = name
    new_email = None
    if email is not None:
        try:
            candidate = normalise_email(email) if email.strip() or not order.is_box_office else ""
        except ValidationError as error:
            errors.update(error.fields)
        else:
            if candidate != (order.email or ""):
                new_email = candidate
    if errors:
        raise ValidationError(errors)
    done = []
    note = reason if actor is not None else ""
    if changed_names:
        for ticket_id, name in changed_names.items():
            valid[ticket_id].attendee_name = name
        record(order, "names_corrected", actor=actor, now=now, note=note,
               data={"ticket_ids": sorted(changed_names), "by_organiser": actor is not None})
        done.append("names")
    if new_email is not None:
        old_email = order.email
        order.email = new_email
        record(order, "email_corrected", actor=actor, now=now, note=note,
               data={"by_organiser": actor is not None})
        number = db.session.scalar(select(func.count(OrderEvent.id)).where(
            OrderEvent.order_id == order.id, OrderEvent.kind == "email_corrected")) or 0
        if old_email:
            notifications.queue_email_changed(order, old_email, number)
        if new_email and order.status is OrderStatus.PAID:
            notifications.queue_order_confirmation(order, resend=f"address-{number}")
        done.append("email")
    db.session.flush()
    return done


def transfer_ticket(order: Order, ticket_id: int, *, name: str, email: str,
                    language: str | None = None, actor: User | None = None,
                    now: datetime | None = None, limits: Limits | None = None) -> Ticket:
    """Hand a valid ticket of a paid order over to someone else, until the festival begins:
    the ticket is revoked and a new one (same type, same price, same order) is issued to
    `name`, sent to `email` with its PDF in `language` (the order's by default). Quotas do
    not move (see the module).

    Errors: order_closed, changes_closed, transfer_limit, ticket_not_transferable,
    already_checked_in (409); validation_failed on `name`, `email`."""
    now = now or utcnow()
    limits = limits or Limits.from_config()
    order = lock_order(order.id)
    if order.status is not OrderStatus.PAID:
        raise DomainError("order_closed", _l("Only the tickets of a paid order can be handed "
                                             "over."), status=409)
    if not transfers_open(order, now):
        raise DomainError("changes_closed", _l("The festival has begun: tickets can no longer "
                                               "be handed over."), status=409)
    ticket = db.session.scalar(select(Ticket).where(
        Ticket.id == ticket_id, Ticket.order_id == order.id)
        .execution_options(populate_existing=True))
    if ticket is None or ticket.status is not TicketStatus.VALID:
        raise DomainError("ticket_not_transferable",
                          _l("This ticket is no longer valid: it may have been handed over "
                             "already."), status=409)
    if ticket.transfer_count >= limits.per_ticket:
        raise DomainError("transfer_limit", _l("This ticket has already changed hands too "
                                               "many times."), status=409)
    if transfers_of_order(order) >= limits.per_order:
        raise DomainError("transfer_limit", _l("This order has handed over as many tickets as "
                                               "it may."), status=409)
    if admissions_of([ticket.id]):
        raise DomainError("already_checked_in", _l("This ticket has already been used at the "
                                                   "door."), status=409)
    errors: dict[str, list] = {}
    name = _clean_name(name)
    if not name or len(name) > NAME_LENGTH:
        errors["name"] = [_l("Please give the new person's name (200 characters at most).")]
    try:
        email = normalise_email(email)
    except ValidationError as error:
        errors.update(error.fields)
    if errors:
        raise ValidationError(errors)
    ticket.status = TicketStatus.REVOKED
    new = Ticket(order=order, ticket_type_id=ticket.ticket_type_id, attendee_name=name,
                 price_cents=ticket.price_cents, status=TicketStatus.VALID, created_at=now,
                 transferred_from_id=ticket.id, transfer_count=ticket.transfer_count + 1,
                 holder_email=email)
    db.session.add(new)
    db.session.flush()
    questions.follow_transfer(ticket, new)
    seats.follow_transfer(ticket, new)
    record(order, "ticket_transferred", actor=actor, now=now,
           data={"ticket_id": ticket.id, "new_ticket_id": new.id})
    notifications.queue_ticket_transferred(new, language or order.language)
    return new


def successors(order: Order) -> dict[int, Ticket]:
    """Each handed-over ticket's id → the ticket that replaced it."""
    return {t.transferred_from_id: t for t in order.tickets if t.transferred_from_id}
