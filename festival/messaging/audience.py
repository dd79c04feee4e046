"""Who a message reaches: the one definition, used for the count the organiser sees and for
the sending (never two copies of the rule).

The filters combine (all must hold) over the edition's tickets and their orders:
- ticket types: the ticket is of one of them;
- festival days: the ticket admits on one of them (TicketType.admission_days, the rule of
  editions.days: no valid day listed means every day of the edition);
- checked in or not: the ticket was admitted at a door (a scan in, accepted, not undone;
  on one of the chosen days when days are chosen), or never was;
- order status: by default paid orders only. Cancelled and refunded orders (whose tickets are
  revoked) are reached only when the filter asks for them by name: an organiser may have to
  tell refunded people something, never by accident;
- language: the order's language.

Recipients are distinct e-mail addresses (one message per address), each in the language of
its most recent matching order. Box-office orders without an address reach nobody.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, exists, func, or_, select

from festival.checkin.models import Direction, Scan, ScanKind, ScanResult
from festival.core.errors import ValidationError
from festival.editions.days import cutoff_of, day_bounds
from festival.editions.models import Edition
from festival.extensions import db
from festival.ticketing.models import Order, OrderStatus, Ticket, TicketStatus, TicketType

DEFAULT_STATUSES = (OrderStatus.PAID,)
# Orders whose tickets are revoked: reached only when the status filter names them.
CLOSED_STATUSES = frozenset({OrderStatus.CANCELLED, OrderStatus.REFUNDED})
CHECKED_IN_CHOICES = {"": None, "yes": True, "no": False}


@dataclass(frozen=True)
class Audience:
    """The filters of a message; an empty filter does not restrict."""

    ticket_type_ids: tuple[int, ...] = ()
    days: tuple[date, ...] = ()
    checked_in: bool | None = None
    statuses: tuple[OrderStatus, ...] = DEFAULT_STATUSES
    languages: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {"ticket_type_ids": list(self.ticket_type_ids),
                "days": [d.isoformat() for d in self.days],
                "checked_in": self.checked_in,
                "statuses": [s.value for s in self.statuses],
                "languages": list(self.languages)}

    @classmethod
    def from_json(cls, data: Mapping | None) -> Audience:
        """What as_json stored (checked when it was stored)."""
        data = data or {}
        return cls(ticket_type_ids=tuple(int(i) for i in data.get("ticket_type_ids") or ()),
                   days=tuple(date.fromisoformat(d) for d in data.get("days") or ()),
                   checked_in=data.get("checked_in"),
                   statuses=tuple(OrderStatus(s) for s in data.get("statuses") or ())
                   or DEFAULT_STATUSES,
                   languages=tuple(data.get("languages") or ()))

    def as_form(self) -> dict[str, list[str] | str]:
        """The values of the compose form's filter fields."""
        return {"ticket_type_ids": [str(i) for i in self.ticket_type_ids],
                "days": [d.isoformat() for d in self.days],
                "checked_in": {None: "", True: "yes", False: "no"}[self.checked_in],
                "statuses": [s.value for s in self.statuses],
                "languages": list(self.languages)}


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str   # the language of the address's most recent matching order


@dataclass
class _Errors:
    fields: dict[str, list] = field(default_factory=dict)

    def add(self, name: str, message) -> None:
        self.fields.setdefault(name, []).append(message)


def _values(data: Mapping, name: str) -> list[str]:
    getlist = getattr(data, "getlist", None)
    raw = getlist(name) if getlist else data.get(name) or []
    if isinstance(raw, str):
        raw = [raw]
    return [str(v).strip() for v in raw if str(v).strip()]


def ticket_types_of(edition: Edition) -> list[TicketType]:
    return list(db.session.scalars(
        select(TicketType).where(TicketType.edition_id == edition.id)
        .order_by(TicketType.position, TicketType.id)))


def parse_audience(edition: Edition, data: Mapping) -> Audience:
    """The filters from a form or a query string (lists of values by field name). Each value
    must be one the edition offers, so the number of values is bounded by its choices.

    Errors: ValidationError on ticket_type_ids, days, checked_in, statuses, languages.
    """
    errors = _Errors()
    type_ids = {t.id for t in ticket_types_of(edition)}
    chosen_types: list[int] = []
    for raw in _values(data, "ticket_type_ids")[:len(type_ids) + 1]:
        if not (raw.isascii() and raw.isdigit()) or int(raw) not in type_ids:
            errors.add("ticket_type_ids", _l("This ticket type is not one of this edition."))
            break
        chosen_types.append(int(raw))
    edition_days = set(edition.dates)
    chosen_days: list[date] = []
    for raw in _values(data, "days")[:len(edition_days) + 1]:
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            day = None
        if day not in edition_days:
            errors.add("days", _l("This day is not a day of this edition."))
            break
        chosen_days.append(day)
    checked = _values(data, "checked_in")
    if (checked[0] if checked else "") not in CHECKED_IN_CHOICES:
        errors.add("checked_in", _l("Choose one of the options."))
    statuses: list[OrderStatus] = []
    for raw in _values(data, "statuses")[:len(OrderStatus) + 1]:
        try:
            statuses.append(OrderStatus(raw))
        except ValueError:
            errors.add("statuses", _l("This order status does not exist."))
            break
    languages = current_app.config["LANGUAGES"]
    chosen_languages = _values(data, "languages")[:len(languages) + 1]
    if any(lang not in languages for lang in chosen_languages):
        errors.add("languages", _l("This language is not offered."))
    if errors.fields:
        raise ValidationError(errors.fields)
    return Audience(
        ticket_type_ids=tuple(sorted(set(chosen_types))),
        days=tuple(sorted(set(chosen_days))),
        checked_in=CHECKED_IN_CHOICES[checked[0] if checked else ""],
        statuses=tuple(s for s in OrderStatus if s in statuses) or DEFAULT_STATUSES,
        languages=tuple(lang for lang in languages if lang in chosen_languages))


def _types_admitting(edition: Edition, days: Iterable[date]) -> list[int]:
    wanted = set(days)
    return [t.id for t in ticket_types_of(edition)
            if wanted & set(t.admission_days(edition.dates))]


def _admitted(edition: Edition, days: tuple[date, ...]):
    """The ticket was let in at a door (on one of `days`, when given)."""
    admission = and_(Scan.ticket_id == Ticket.id, Scan.kind == ScanKind.SCAN,
                     Scan.direction == Direction.IN, Scan.result == ScanResult.OK,
                     Scan.is_undone.is_(False))
    if days:
        cutoff = cutoff_of(edition)
        admission = and_(admission, or_(*[
            and_(Scan.scanned_at >= start, Scan.scanned_at < end)
            for start, end in (day_bounds(d, cutoff) for d in days)]))
    return exists().where(admission)


def recipients_query(edition: Edition, audience: Audience) -> Select:
    """(email, language) of each recipient, one row per address, ordered by address."""
    statuses = audience.statuses or DEFAULT_STATUSES
    conditions = [Order.edition_id == edition.id, Order.email != "",
                  Order.status.in_(statuses),
                  # A revoked ticket (partly refunded order) speaks only for a closed order.
                  or_(Ticket.status == TicketStatus.VALID, Order.status.in_(CLOSED_STATUSES))]
    if audience.ticket_type_ids:
        conditions.append(Ticket.ticket_type_id.in_(audience.ticket_type_ids))
    if audience.days:
        conditions.append(Ticket.ticket_type_id.in_(_types_admitting(edition, audience.days)))
    if audience.checked_in is not None:
        admitted = _admitted(edition, audience.days)
        conditions.append(admitted if audience.checked_in else ~admitted)
    if audience.languages:
        conditions.append(Order.language.in_(audience.languages))
    address = func.lower(Order.email)
    ranked = (select(Order.email.label("email"), Order.language.label("language"),
                     func.row_number().over(partition_by=address,
                                            order_by=(Order.created_at.desc(),
                                                      Order.id.desc())).label("rank"))
              .select_from(Ticket).join(Order, Ticket.order_id == Order.id)
              .where(*conditions).subquery())
    return (select(ranked.c.email, ranked.c.language).where(ranked.c.rank == 1)
            .order_by(ranked.c.email))


def count_recipients(edition: Edition, audience: Audience) -> int:
    query = recipients_query(edition, audience).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(query)) or 0


def recipients(edition: Edition, audience: Audience, limit: int) -> list[Recipient]:
    """At most `limit` recipients (ask for one more than allowed to know it is too many)."""
    rows = db.session.execute(recipients_query(edition, audience).limit(limit)).all()
    return [Recipient(email=row.email, language=row.language) for row in rows]
