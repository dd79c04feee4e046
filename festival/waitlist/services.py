"""The waiting list's rules: join, leave, offer freed seats in joining order, use an offer.

Seats come back to a sold-out ticket type when an order expires, is cancelled or refunded,
or a quota is raised. Rather than hook into each of those places, a sweep (`sweep`) run by
the expiry loop (`flask orders expire --loop`, ticketing/cli.py expire_once) and by
`flask waitlist sweep` looks at what is free: first it closes the offers past their time
(their seats go back), then, per ticket type, it offers the free seats to the people in
line, in joining order. Meanwhile the shop does not sell the seats of a type people are
waiting for, nor the seats a full day keeps for them (waitlist/rules.py): a seat freed a
second after a sweep is not lost to a buyer who happened to be in the shop.

An offer holds its seats in the quotas with the same conditional UPDATE as an order
(quotas.take), so an offered seat can be neither sold nor offered twice: two sweeps running
at once both try the UPDATE, and only one wins each seat. The entries are locked (FOR
UPDATE, not SKIP LOCKED: a person whose row another transaction holds is waited for, never
overtaken) and re-read, and a partial unique index allows one open offer per entry. Locks
are always taken in the same order, entry → its offer → quotas (in id order), so that
leaving, using, expiring and offering cannot deadlock one another.

The line is strict: when the first person waiting wants more seats than are free, no one
behind them is served before them (the seats wait for more to come back, or for an
organiser to offer by hand). No offer is made once sales are closed (the edition is no
longer on sale, or the type's sales window has ended) or once the festival's first day has
begun; an offer never lasts past either.

Services flush and never commit; the caller's unit of work commits.
"""
from __future__ import annotations

import secrets
from collections import Counter
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.accounts.models import User
from festival.accounts.services import normalise_email
from festival.core.errors import Conflict, DomainError, NotFound, ValidationError
from festival.core.timeutil import utcnow
from festival.core.unit_of_work import lock_row
from festival.editions.models import Edition
from festival.extensions import db
from festival.ticketing import quotas, shop
from festival.ticketing.models import Order, OrderStatus, Ticket, TicketStatus, TicketType
from festival.ticketing.orders import Item, create_order
from festival.waitlist.models import (
    ACTIVE_STATUSES,
    EntryStatus,
    OfferState,
    WaitlistEntry,
    WaitlistOffer,
)
from festival.waitlist.notifications import offer_hours, queue_joined, queue_offer
from festival.waitlist.rules import festival_start, offers_allowed

DEFAULT_MAX_QUANTITY = 4
SWEEP_BATCH = 200  # entries looked at per ticket type and sweep


def max_quantity(ticket_type: TicketType | None = None) -> int:
    limit = int(current_app.config.get("WAITLIST_MAX_QUANTITY", DEFAULT_MAX_QUANTITY))
    return min(limit, ticket_type.max_per_order) if ticket_type is not None else limit


# When offers may be made --------------------------------------------------------------------

def _offer_ends(edition: Edition, ticket_type: TicketType, now: datetime) -> datetime:
    ends = [now + timedelta(hours=offer_hours())]
    if ticket_type.sales_close_at:
        ends.append(ticket_type.sales_close_at)
    start = festival_start(edition)
    if start is not None:
        ends.append(start)
    return min(ends)


# Joining and leaving ------------------------------------------------------------------------

def join(edition: Edition, ticket_type_id: int, *, name: str, email: str, quantity: int,
         language: str, now: datetime | None = None) -> WaitlistEntry:
    """Put someone in line for `quantity` tickets of a sold-out type; the confirmation, with
    the link to leave, is queued. Errors: not_found (the type), not_sold_out (409: tickets
    are on sale, buy them), sales_closed (409), validation_failed (name, email, quantity),
    already_waiting (409: this address is already in line for this ticket)."""
    now = now or utcnow()
    ticket_type = db.session.get(TicketType, ticket_type_id)
    if ticket_type is None or ticket_type.edition_id != edition.id or ticket_type.is_hidden \
            or not ticket_type.is_active:
        raise NotFound("ticket_type_not_found", _l("This ticket does not exist."))
    if not offers_allowed(edition, ticket_type, now):
        raise DomainError("sales_closed", _l("Sales are closed for this ticket: there is no "
                                             "waiting list any more."), status=409)
    offer = next((o for o in shop.offers(edition, None, now) if o.id == ticket_type.id), None)
    if offer is None or offer.state != shop.SOLD_OUT:
        raise DomainError("not_sold_out", _l("This ticket is on sale: you can buy it now "
                                             "in the shop."), status=409)
    errors: dict[str, list] = {}
    name = " ".join((name or "").split())
    if not name or len(name) > 200:
        errors["name"] = [_l("Please give your name (200 characters at most).")]
    try:
        email = normalise_email(email or "")
    except ValidationError as error:
        errors.update(error.fields)
    limit = max_quantity(ticket_type)
    if not isinstance(quantity, int) or not 1 <= quantity <= limit:
        errors["quantity"] = [_l("Choose between 1 and %(n)s tickets.", n=limit)]
    if language not in current_app.config["LANGUAGES"]:
        language = current_app.config["LANGUAGES"][0]
    if errors:
        raise ValidationError(errors)
    if db.session.scalar(select(WaitlistEntry.id).where(
            WaitlistEntry.ticket_type_id == ticket_type.id, WaitlistEntry.email == email,
            WaitlistEntry.status.in_(ACTIVE_STATUSES))) is not None:
        raise DomainError("already_waiting", _l("This address is already on the waiting list "
                                                "for this ticket."), status=409)
    entry = WaitlistEntry(edition_id=edition.id, ticket_type=ticket_type, name=name,
                          email=email, quantity=quantity, language=language,
                          secret=secrets.token_urlsafe(24), status=EntryStatus.WAITING,
                          created_at=now, updated_at=now)
    db.session.add(entry)
    db.session.flush()
    queue_joined(entry)
    return entry


def leave(entry: WaitlistEntry, *, now: datetime | None = None) -> None:
    """The person leaves the line (by the link of their e-mail); an open offer is withdrawn
    and its seats go back. Leaving twice changes nothing."""
    _close_entry(entry, EntryStatus.LEFT, now=now or utcnow())


def remove(entry: WaitlistEntry, *, actor: User, now: datetime | None = None) -> None:
    """An organiser takes someone off the list; an open offer is withdrawn. Errors:
    not_waiting (409) when the entry is no longer in line."""
    entry = _lock_entry(entry.id)
    if entry.status not in ACTIVE_STATUSES:
        raise DomainError("not_waiting", _l("This person is no longer on the waiting list."),
                          status=409)
    _close_entry(entry, EntryStatus.REMOVED, now=now or utcnow())


def _close_entry(entry: WaitlistEntry, status: EntryStatus, *, now: datetime) -> None:
    entry = _lock_entry(entry.id)
    if entry.status not in ACTIVE_STATUSES:
        return
    open_offer = entry.open_offer
    if open_offer is not None:
        _release(open_offer, OfferState.WITHDRAWN, now)
    entry.status = status
    entry.closed_at = entry.updated_at = now
    db.session.flush()


def _lock_entry(entry_id: int) -> WaitlistEntry:
    entry = lock_row(WaitlistEntry, entry_id)
    if entry is None:
        raise NotFound("entry_not_found", _l("This person is not on the waiting list."))
    return entry


# Offers -------------------------------------------------------------------------------------

def _seats(entry: WaitlistEntry, quantity: int) -> Counter[int]:
    return quotas.needed_seats(entry.edition_id, Counter({entry.ticket_type_id: quantity}))


def _release(offer: WaitlistOffer, state: OfferState, now: datetime) -> None:
    """Close an open offer and give its seats back."""
    quotas.give_back(_seats(offer.entry, offer.quantity))
    offer.state = state
    offer.closed_at = now


def has_bought(entry: WaitlistEntry) -> bool:
    """Whether this address holds valid tickets of this type (a pending or paid order)."""
    return db.session.scalar(
        select(Ticket.id).join(Order, Order.id == Ticket.order_id)
        .where(Order.edition_id == entry.edition_id, Order.email == entry.email,
               Order.status.in_((OrderStatus.PENDING, OrderStatus.PAID)),
               Ticket.ticket_type_id == entry.ticket_type_id,
               Ticket.status == TicketStatus.VALID).limit(1)) is not None


def _make_offer(entry: WaitlistEntry, now: datetime, actor: User | None) -> WaitlistOffer:
    """Hold the entry's seats and send the offer. The entry is locked and waiting. Raises
    Conflict(sold_out) with nothing changed when the seats are not free."""
    quotas.take(_seats(entry, entry.quantity))
    offer = WaitlistOffer(entry=entry, quantity=entry.quantity,
                          token=secrets.token_urlsafe(24), state=OfferState.OPEN,
                          created_at=now,
                          expires_at=_offer_ends(entry.edition, entry.ticket_type, now),
                          offered_by_id=actor.id if actor else None)
    db.session.add(offer)
    entry.status = EntryStatus.OFFERED
    entry.updated_at = now
    db.session.flush()
    queue_offer(offer)
    return offer


def offer_by_hand(entry: WaitlistEntry, *, actor: User,
                  now: datetime | None = None) -> WaitlistOffer:
    """An organiser offers the seats to this person now, out of turn. Errors: not_waiting,
    already_offered, already_bought, sales_closed, sold_out (409: the seats are not free)."""
    now = now or utcnow()
    entry = _lock_entry(entry.id)
    if entry.status is EntryStatus.OFFERED:
        raise DomainError("already_offered", _l("This person already holds an offer."),
                          status=409)
    if entry.status is not EntryStatus.WAITING:
        raise DomainError("not_waiting", _l("This person is no longer on the waiting list."),
                          status=409)
    if not offers_allowed(entry.edition, entry.ticket_type, now):
        raise DomainError("sales_closed", _l("Sales are closed for this ticket: no offer can "
                                             "be made."), status=409)
    if has_bought(entry):
        entry.status = EntryStatus.BOUGHT
        entry.closed_at = now
        raise DomainError("already_bought", _l("This person has already bought this ticket."),
                          status=409)
    try:
        return _make_offer(entry, now, actor)
    except Conflict:
        raise Conflict("sold_out", _l("Not enough seats are free for this person's request: "
                                      "%(n)s wanted.", n=entry.quantity)) from None


def expire_offers(*, now: datetime | None = None, limit: int = 500) -> int:
    """Close the open offers past their time; their seats go back. Returns how many."""
    now = now or utcnow()
    due = db.session.execute(
        select(WaitlistOffer.id, WaitlistOffer.entry_id)
        .where(WaitlistOffer.state == OfferState.OPEN, WaitlistOffer.expires_at <= now)
        .order_by(WaitlistOffer.id).limit(limit)).all()
    count = 0
    for offer_id, entry_id in due:
        entry = _lock_entry(entry_id)
        offer = _lock_offer(offer_id)
        if offer.state is not OfferState.OPEN or offer.expires_at > now:
            continue  # used or withdrawn meanwhile
        _release(offer, OfferState.EXPIRED, now)
        if entry.status is EntryStatus.OFFERED:
            entry.status = EntryStatus.EXPIRED
            entry.closed_at = entry.updated_at = now
        count += 1
    db.session.flush()
    return count


def _lock_offer(offer_id: int) -> WaitlistOffer:
    return lock_row(WaitlistOffer, offer_id)


def offer_freed_seats(ticket_type: TicketType, *, now: datetime | None = None) -> int:
    """Offer the free seats of one ticket type to the people waiting, in joining order.
    A person who already bought is taken out of the line; the first one whose request does
    not fit stops the round. Returns the number of offers made."""
    now = now or utcnow()
    edition = ticket_type.edition
    if not offers_allowed(edition, ticket_type, now):
        return 0
    made = 0
    waiting = db.session.scalars(
        select(WaitlistEntry).where(WaitlistEntry.ticket_type_id == ticket_type.id,
                                    WaitlistEntry.status == EntryStatus.WAITING)
        .order_by(WaitlistEntry.id).limit(SWEEP_BATCH)
        .with_for_update().execution_options(populate_existing=True)).all()
    for entry in waiting:
        if has_bought(entry):
            entry.status = EntryStatus.BOUGHT
            entry.closed_at = entry.updated_at = now
            continue
        try:
            _make_offer(entry, now, None)
        except Conflict:
            break  # strict order: the next people wait behind this one
        made += 1
    db.session.flush()
    return made


def sweep(*, now: datetime | None = None) -> tuple[int, int]:
    """Expire the offers past their time, then offer what is free on every ticket type that
    has people waiting. Returns (offers expired, offers made)."""
    now = now or utcnow()
    expired = expire_offers(now=now)
    type_ids = db.session.scalars(
        select(WaitlistEntry.ticket_type_id).where(WaitlistEntry.status == EntryStatus.WAITING)
        .distinct()).all()
    made = 0
    for type_id in sorted(type_ids):
        ticket_type = db.session.get(TicketType, type_id)
        if ticket_type is not None:
            made += offer_freed_seats(ticket_type, now=now)
    return expired, made


# Using an offer -----------------------------------------------------------------------------

def check_offer(offer: WaitlistOffer | None, now: datetime | None = None) -> WaitlistOffer:
    """The offer, if it can still be used. Errors: offer_not_found (404), offer_used,
    offer_expired (410)."""
    now = now or utcnow()
    if offer is None:
        raise NotFound("offer_not_found", _l("This offer does not exist. Check the link in "
                                             "your e-mail."))
    if offer.state is OfferState.USED:
        raise DomainError("offer_used", _l("This offer has already been used: your order "
                                           "was made."), status=410)
    if offer.state is not OfferState.OPEN or offer.expires_at <= now:
        raise DomainError("offer_expired", _l("This offer has ended: the tickets went to the "
                                              "next person on the waiting list."), status=410)
    return offer


def use_offer(offer: WaitlistOffer, *, buyer_name: str, email: str, quantity: int,
              attendees: list[str], price_cents: int | None = None, language: str,
              terms_accepted: bool, marketing_consent: bool = False,
              answers: dict | None = None, ticket_answers: list | None = None,
              now: datetime | None = None) -> Order:
    """Turn the offer into an order for up to its quantity, in one step: the held seats are
    given back and taken again by create_order in the same transaction (the quota rows stay
    locked in between), so no one else can take them. Unused seats go back to the quotas
    and the next sweep offers them. The checkout questions are answered as in the shop
    (`answers` for the order, `ticket_answers` one mapping per ticket). Errors: those of
    check_offer, validation_failed (quantity, and create_order's), sold_out (never
    expected: the seats are held)."""
    now = now or utcnow()
    _lock_entry(offer.entry_id)
    offer = _lock_offer(offer.id)
    check_offer(offer, now)
    if not isinstance(quantity, int) or not 1 <= quantity <= offer.quantity:
        raise ValidationError({"quantity": [_l("Choose between 1 and %(n)s tickets.",
                                               n=offer.quantity)]})
    entry = offer.entry
    quotas.give_back(_seats(entry, offer.quantity))
    order = create_order(entry.edition, buyer_name=buyer_name, email=email,
                         items=[Item(entry.ticket_type_id, quantity, attendees, price_cents,
                                     list(ticket_answers or [])[:quantity])],
                         answers=answers,
                         language=language, marketing_consent=marketing_consent,
                         terms_accepted=terms_accepted, for_waitlist_offer=True,
                         now=now)
    offer.state = OfferState.USED
    offer.closed_at = now
    offer.order_id = order.id
    entry.status = EntryStatus.BOUGHT
    entry.closed_at = entry.updated_at = now
    db.session.flush()
    return order
