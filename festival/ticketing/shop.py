"""What the shop shows and what the buyer chose in it.

`offers()` reads the ticket types on sale with their price and what is left. `Cart` is the
buyer's choice read back from the shop's form (quantities, pay-what-you-want amounts, names),
checked well enough to show each problem next to its field before the order is made; the
rules themselves stay in orders.create_order, which has the last word.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.core.errors import ValidationError
from festival.core.forms import FLAW_IN_FIELD
from festival.core.guards import flaw
from festival.core.money import format_cents
from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.ticketing import quotas
from festival.ticketing.forms import parse_euros
from festival.ticketing.models import TicketType, Voucher
from festival.ticketing.orders import (
    MAX_DONATION_CENTS,
    MAX_PWYW_CENTS,
    MAX_TICKETS_PER_ORDER,
    TOO_MANY_TICKETS,
    Item,
    check_voucher,
)
from festival.waitlist.rules import WaitingLine, the_line

LOW_STOCK = 10  # "only N left" from here down

ON_SALE, SOLD_OUT, NOT_YET, ENDED = "on_sale", "sold_out", "not_yet", "ended"


@dataclass
class Offer:
    """One ticket type as the shop shows it."""

    ticket_type: TicketType
    unit_price: int          # cents; the minimum when pay-what-you-want
    available: int | None    # seats left for this type: the least of its quota and of
                             # each day it admits on (None: no quota)
    state: str               # ON_SALE, SOLD_OUT, NOT_YET, ENDED
    via_voucher: bool = False
    full_days: list[date] = field(default_factory=list)  # the days it admits on left full

    @property
    def id(self) -> int:
        return self.ticket_type.id

    @property
    def is_pwyw(self) -> bool:
        return self.ticket_type.is_pay_what_you_want and not self.via_voucher_price

    @property
    def via_voucher_price(self) -> bool:
        return self.via_voucher and self.unit_price != self.ticket_type.price_cents

    @property
    def suggested(self) -> int:
        return max(self.ticket_type.suggested_price_cents or 0, self.unit_price)

    @property
    def max_quantity(self) -> int:
        if self.state != ON_SALE:
            return 0
        limit = self.ticket_type.max_per_order
        return limit if self.available is None else min(limit, self.available)

    @property
    def is_low(self) -> bool:
        return self.state == ON_SALE and self.available is not None \
            and self.available <= LOW_STOCK


def _state(ticket_type: TicketType, available: int | None, now: datetime | None) -> str:
    if now is not None and ticket_type.sales_open_at and now < ticket_type.sales_open_at:
        return NOT_YET
    if now is not None and ticket_type.sales_close_at and now >= ticket_type.sales_close_at:
        return ENDED
    if available is not None and available <= 0:
        return SOLD_OUT
    return ON_SALE


def offers(edition, voucher: Voucher | None = None, now: datetime | None = None, *,
           box_office: bool = False) -> list[Offer]:
    """The active public ticket types, and the hidden one a valid voucher opens, in order.
    At the box office the sales windows do not apply."""
    now = None if box_office else (now or utcnow())
    query = select(TicketType).where(TicketType.edition_id == edition.id,
                                     TicketType.is_active.is_(True))
    visible = TicketType.is_hidden.is_(False)
    if voucher is not None:
        visible = visible | (TicketType.id == voucher.ticket_type_id)
    types = db.session.scalars(query.where(visible)
                               .order_by(TicketType.position, TicketType.id)).all()
    found = quotas.edition_quotas(edition.id)
    line = WaitingLine() if box_office else the_line(edition, now)
    result = []
    for ticket_type in types:
        limits = [q.available for q in found.of(ticket_type)]
        # freed seats go to the people waiting first (waitlist/rules.py)
        available = line.seats_for_sale(ticket_type, min(limits) if limits else None)
        price = ticket_type.price_cents
        own_voucher = voucher is not None and voucher.ticket_type_id == ticket_type.id
        if own_voucher and voucher.price_override_cents is not None:
            price = voucher.price_override_cents
        result.append(Offer(ticket_type, price, available, _state(ticket_type, available, now),
                            via_voucher=own_voucher, full_days=found.full_days(ticket_type)))
    return result


def find_voucher(edition, code: str, now: datetime | None = None) -> Voucher:
    """The voucher of `code` if it can still be used. Errors: validation_failed (voucher)."""
    voucher = check_voucher(code, edition.id, now or utcnow())
    if voucher.used_count >= voucher.max_uses:
        raise ValidationError({"voucher": [_l("This voucher code has already been used.")]})
    return voucher


@dataclass
class Line:
    """The buyer's choice for one ticket type, with what was typed and its problems."""

    offer: Offer
    quantity: int = 0
    quantity_text: str = ""
    price_cents: int | None = None   # pay-what-you-want amount
    price_text: str = ""
    attendees: list[str] = field(default_factory=list)
    errors: dict[str, list] = field(default_factory=dict)

    @property
    def ticket_type(self) -> TicketType:
        return self.offer.ticket_type

    @property
    def unit(self) -> int:
        if self.offer.is_pwyw and self.price_cents is not None:
            return self.price_cents
        return self.offer.suggested if self.offer.is_pwyw else self.offer.unit_price

    @property
    def subtotal(self) -> int:
        return self.unit * self.quantity

    @property
    def needs_names(self) -> bool:
        return self.quantity > 0 and self.ticket_type.requires_attendee_name

    def error(self, key: str, message) -> None:
        self.errors.setdefault(key, []).append(message)


@dataclass
class Cart:
    lines: list[Line]
    donation_cents: int = 0
    donation_text: str = ""
    errors: dict[str, list] = field(default_factory=dict)   # donation, form-level ("")
    short_of_stock: bool = False  # a quantity is more than what is left

    @property
    def chosen(self) -> list[Line]:
        return [line for line in self.lines if line.quantity > 0]

    @property
    def ticket_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def total(self) -> int:
        return sum(line.subtotal for line in self.lines) + self.donation_cents

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(line.errors for line in self.lines)

    def line_for(self, type_id: int) -> Line | None:
        return next((line for line in self.lines if line.offer.id == type_id), None)

    def uses(self, voucher: Voucher | None) -> bool:
        """Whether the order takes the voucher's ticket: a code applied but not used for its
        ticket is not spent."""
        line = self.line_for(voucher.ticket_type_id) if voucher is not None else None
        return line is not None and line.quantity > 0

    def items(self) -> list[Item]:
        return [Item(line.offer.id, line.quantity,
                     list(line.attendees) if line.ticket_type.requires_attendee_name else [],
                     line.price_cents if line.offer.is_pwyw else None)
                for line in self.chosen]

    # Reading the form ------------------------------------------------------------------------

    @classmethod
    def from_form(cls, form, offers_: list[Offer], step: str | None = None) -> Cart:
        """Read quantities, amounts, names and the donation from the submitted `form` (a
        MultiDict). `step` "add:ID" / "remove:ID" moves one quantity by one."""
        cart = cls(lines=[])
        for offer in offers_:
            line = Line(offer)
            raw = (form.get(f"qty-{offer.id}") or "").strip()
            line.quantity_text = raw
            if raw:
                try:
                    line.quantity = int(raw)
                except ValueError:
                    line.error("quantity", _l("Give a whole number."))
                if line.quantity < 0:
                    line.quantity = 0
                    line.error("quantity", _l("Give a whole number."))
                elif line.quantity > MAX_TICKETS_PER_ORDER:
                    line.quantity = 0  # nothing is built for an absurd quantity
                    line.error("quantity", TOO_MANY_TICKETS)
            if step in (f"add:{offer.id}", f"remove:{offer.id}") and not line.errors:
                line.quantity += 1 if step.startswith("add") else -1
                line.quantity = max(0, min(line.quantity, offer.max_quantity))
                line.quantity_text = str(line.quantity)
            if offer.is_pwyw:
                line.price_text = (form.get(f"price-{offer.id}") or "").strip()
                if line.price_text:
                    try:
                        line.price_cents = parse_euros(line.price_text)
                    except ValueError:
                        line.error("price", _l("Give an amount in euros, like 40 or 42.50."))
            line.attendees = [(form.get(f"attendee-{offer.id}-{n}") or "").strip()
                              for n in range(1, max(line.quantity, 0) + 1)]
            cart.lines.append(line)
        cart.donation_text = (form.get("donation") or "").strip()
        if cart.donation_text:
            try:
                cart.donation_cents = parse_euros(cart.donation_text)
            except ValueError:
                cart.errors["donation"] = [_l("Give an amount in euros, like 5 or 12.50.")]
        return cart

    # Checks before each step -----------------------------------------------------------------

    def check_choice(self) -> bool:
        """Before the names step: something chosen, within what is left, amounts right."""
        for line in self.lines:
            offer = line.offer
            if line.quantity <= 0 or line.errors:
                continue
            if offer.state == SOLD_OUT:
                line.error("quantity", _l("Sorry, this ticket is sold out."))
                self.short_of_stock = True
            elif offer.state != ON_SALE:
                line.error("quantity", _l("This ticket is not on sale now."))
            elif offer.available is not None and line.quantity > offer.available:
                line.error("quantity", _l("Only %(n)s left.", n=offer.available))
                self.short_of_stock = True
            elif line.quantity > offer.ticket_type.max_per_order:
                line.error("quantity", _l("At most %(n)s of this ticket per order.",
                                          n=offer.ticket_type.max_per_order))
            if offer.is_pwyw and line.price_cents is not None:
                if line.price_cents < offer.unit_price:
                    line.error("price", _l("The minimum for this ticket is %(amount)s.",
                                           amount=_euros(offer.unit_price)))
                elif line.price_cents > MAX_PWYW_CENTS:
                    line.error("price", _l("Please contact us for a contribution of this "
                                           "size."))
        if "donation" not in self.errors and self.donation_cents > MAX_DONATION_CENTS:
            self.errors["donation"] = [_l("The donation must be between 0 and 10,000 euros.")]
        if not self.has_errors:
            if self.ticket_count == 0:
                self.errors[""] = [_l("Choose at least one ticket.")]
            elif self.ticket_count > MAX_TICKETS_PER_ORDER:
                self.errors[""] = [TOO_MANY_TICKETS]
        return not self.has_errors

    def check_names(self) -> bool:
        """Before paying: a name for every ticket that needs one."""
        for line in self.chosen:
            if not line.ticket_type.requires_attendee_name:
                continue
            for n, name in enumerate(line.attendees, start=1):
                if not name:
                    line.error(f"attendee-{n}", _l("Give the name of this person."))
                elif flaw(name):  # read from the request without a Form: checked here
                    line.error(f"attendee-{n}", FLAW_IN_FIELD[flaw(name)])
                elif len(name) > 200:
                    line.error(f"attendee-{n}", _l("A name is 200 characters at most."))
        return not self.has_errors

    def place_order_errors(self, fields: dict[str, list]) -> dict[str, list]:
        """Put create_order's errors on the lines they concern (items.N.* is the N-th chosen
        line); returns the others (name, email, voucher, donation_cents…)."""
        rest: dict[str, list] = {}
        chosen = self.chosen
        for key, messages in fields.items():
            parts = key.split(".")
            if parts[0] == "items" and len(parts) >= 2 and parts[1].isdigit() \
                    and int(parts[1]) < len(chosen):
                target = {"price_cents": "price", "attendees": "names"}.get(
                    parts[2] if len(parts) > 2 else "", "quantity")
                for message in messages:
                    chosen[int(parts[1])].error(target, message)
            elif key == "donation_cents":
                self.errors.setdefault("donation", []).extend(messages)
            elif key == "items":
                self.errors.setdefault("", []).extend(messages)
            else:
                rest[key] = messages
        return rest


def _euros(cents: int) -> str:
    from flask_babel import get_locale

    return format_cents(cents, str(get_locale() or "fr"))
