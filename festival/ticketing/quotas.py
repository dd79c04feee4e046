"""Seats are taken and given back only by conditional UPDATEs.

`UPDATE quotas SET used = used + n WHERE id = ? AND used + n <= size` either takes the seats or
changes nothing. On PostgreSQL the row lock it takes makes a concurrent buyer wait and then
re-check the condition against the committed value, so two buyers can never both take the
last seat; SQLite serialises writers. Quotas are always updated in id order so that two orders
touching the same quotas cannot deadlock.

The venue capacity is per festival day: one quota per day of the edition, and a ticket counts
against its type's quota and against each day it admits on (a two-day pass against both).
An order takes seats from several quotas: `take` runs its UPDATEs inside a SAVEPOINT, so a
refusal on a later quota undoes the earlier ones and the caller's transaction is left as it
was (a caller that catches the refusal and goes on, such as a late payment turned into a
refund, cannot leak seats). `sync_days` keeps the day quotas in step with the edition's days
(the editions service calls it whenever they change). `drift` compares every counter with the
seats the orders really hold; `flask quotas check` reports it.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from babel.dates import format_date
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from festival.audit.services import record_command
from festival.core.errors import Conflict, ValidationError
from festival.core.i18n import babel_locale
from festival.editions.models import Edition, EditionDay
from festival.extensions import db
from festival.ticketing.models import Order, OrderStatus, Quota, Ticket, TicketStatus, TicketType
from festival.waitlist.queries import held_by_offers


@dataclass
class EditionQuotas:
    """An edition's quotas: per ticket type, and the venue's per festival day."""

    days: list[date]                                   # the edition's days, in order
    by_type: dict[int, Quota] = field(default_factory=dict)
    by_day: dict[date, Quota] = field(default_factory=dict)

    def of(self, ticket_type: TicketType) -> list[Quota]:
        """The quotas a ticket of this type counts against."""
        found = [self.by_type[ticket_type.id]] if ticket_type.id in self.by_type else []
        return found + [self.by_day[d] for d in ticket_type.admission_days(self.days)
                        if d in self.by_day]

    def full_days(self, ticket_type: TicketType) -> list[date]:
        """The days this type admits on that have no seat left."""
        return [d for d in ticket_type.admission_days(self.days)
                if d in self.by_day and self.by_day[d].available <= 0]


def edition_days(edition_id: int) -> list[date]:
    return list(db.session.scalars(select(EditionDay.day).where(
        EditionDay.edition_id == edition_id).order_by(EditionDay.day)))


def edition_quotas(edition_id: int) -> EditionQuotas:
    found = EditionQuotas(edition_days(edition_id))
    for quota in db.session.scalars(select(Quota).where(Quota.edition_id == edition_id)):
        if quota.day is not None:
            found.by_day[quota.day] = quota
        else:
            found.by_type[quota.ticket_type_id] = quota
    return found


def needed_seats(edition_id: int, counts: Counter[int]) -> Counter[int]:
    """Seats per quota id for `counts` tickets per ticket type: each ticket counts against its
    type's quota and each festival day it admits on."""
    quotas = edition_quotas(edition_id)
    types = db.session.scalars(select(TicketType).where(TicketType.id.in_(set(counts))))
    needed: Counter[int] = Counter()
    for ticket_type in types:
        for quota in quotas.of(ticket_type):
            needed[quota.id] += counts[ticket_type.id]
    return needed


def take(needed: Counter[int]) -> None:
    """Take the seats of every quota, or none: raises Conflict('sold_out') with every counter
    as it was (the UPDATEs run in a SAVEPOINT that is rolled back on refusal). When a festival
    day is what is missing, the message names it."""
    wanted = [(quota_id, needed[quota_id]) for quota_id in sorted(needed)
              if needed[quota_id] > 0]
    if not wanted:
        return
    with db.session.begin_nested():
        for quota_id, n in wanted:
            result = db.session.execute(
                update(Quota).where(Quota.id == quota_id, Quota.used + n <= Quota.size)
                .values(used=Quota.used + n).execution_options(synchronize_session=False))
            if result.rowcount != 1:
                raise _sold_out(quota_id)


def _sold_out(quota_id: int) -> Conflict:
    day = db.session.scalar(select(Quota.day).where(Quota.id == quota_id))
    if day is not None:
        return Conflict("sold_out", _l("Sorry, %(day)s is full: there are not enough tickets "
                                       "left for this order.",
                                       day=LazyString(day_name, day)))
    return Conflict("sold_out", _l("Sorry, there are not enough tickets left for this order."))


def day_name(day: date) -> str:
    """A festival day as people say it ("Saturday 15 May"), in the current language."""
    return format_date(day, "EEEE d MMMM", locale=babel_locale())


def give_back(needed: Counter[int]) -> None:
    for quota_id in sorted(needed):
        n = needed[quota_id]
        if n > 0:
            db.session.execute(
                update(Quota).where(Quota.id == quota_id, Quota.used >= n)
                .values(used=Quota.used - n).execution_options(synchronize_session=False))


def set_quota(edition_id: int, ticket_type_id: int, size: int) -> Quota:
    """Create or resize a ticket type's quota. A quota can never shrink below the seats
    already held. Errors: validation_failed (quota)."""
    quota = db.session.scalar(select(Quota).where(
        Quota.edition_id == edition_id, Quota.ticket_type_id == ticket_type_id)
        .with_for_update().execution_options(populate_existing=True))
    if quota is None:
        quota = Quota(edition_id=edition_id, ticket_type_id=ticket_type_id, size=size, used=0)
        db.session.add(quota)
    else:
        if size < quota.used:
            raise ValidationError({"quota": [_l("%(n)s tickets are already sold or reserved; "
                                                "the quota cannot be smaller.", n=quota.used)]})
        quota.size = size
    db.session.flush()
    return quota


def _day_quotas(edition_id: int) -> list[Quota]:
    """The edition's day quotas, locked in id order (as buyers lock them) and read afresh
    (the counters move by UPDATEs that the loaded rows do not see)."""
    return list(db.session.scalars(select(Quota).where(
        Quota.edition_id == edition_id, Quota.day.is_not(None))
        .order_by(Quota.id).with_for_update().execution_options(populate_existing=True)))


def set_day_capacity(edition: Edition, size: int) -> list[Quota]:
    """The venue capacity: `size` people on each festival day, kept as the edition's
    `day_capacity` and as the size of every day's quota. No day can be set below the seats it
    already holds. Errors: validation_failed (capacity)."""
    quotas = _day_quotas(edition.id)
    too_small = [q for q in quotas if q.used > size]
    if too_small:
        raise ValidationError({"capacity": [
            _l("%(day)s: %(n)s tickets are already sold or reserved; the capacity cannot be "
               "smaller.", day=LazyString(day_name, q.day), n=q.used) for q in too_small]})
    edition.day_capacity = size
    for quota in quotas:
        quota.size = size
    return sync_days(edition)


def sync_days(edition: Edition) -> list[Quota]:
    """Keep one venue quota per festival day, in step with the edition's days: a day added
    gets a quota of the edition's day capacity that counts at once the tickets already held
    that admit on it (every pass for all days does; if they are more, the quota is made as
    large as they are); a day removed loses its quota. An edition with no venue capacity has
    no day quotas. Returns the day quotas, by day."""
    db.session.flush()
    days = set(edition_days(edition.id))
    quotas = {q.day: q for q in _day_quotas(edition.id)}
    for day in set(quotas) - days:
        db.session.delete(quotas.pop(day))
    missing = sorted(days - set(quotas))
    if missing and edition.day_capacity is not None:
        held = held_seats(edition.id).per_day
        for day in missing:
            quotas[day] = Quota(edition_id=edition.id, day=day, used=held[day],
                                size=max(edition.day_capacity, held[day]))
            db.session.add(quotas[day])
    db.session.flush()
    return [quotas[d] for d in sorted(quotas)]


@dataclass
class Held:
    """Seats held (valid tickets of pending and paid orders, or of the statuses asked for;
    with pending ones, the open waiting-list offers) per ticket type and per festival day."""

    per_type: Counter[int]
    per_day: Counter[date]


def held_seats(edition_id: int, statuses: Iterable[OrderStatus] = (
        OrderStatus.PENDING, OrderStatus.PAID)) -> Held:
    """The seats held in one edition: one SQL count per ticket type, then spread over the days
    each type admits on (a two-day pass is one seat on each day)."""
    statuses = tuple(statuses)
    per_type = Counter(dict(db.session.execute(
        select(Ticket.ticket_type_id, func.count(Ticket.id))
        .join(Order, Order.id == Ticket.order_id)
        .where(Order.edition_id == edition_id, Order.status.in_(tuple(statuses)),
               Ticket.status == TicketStatus.VALID)
        .group_by(Ticket.ticket_type_id)).all()))
    if OrderStatus.PENDING in statuses:
        # Seats held for someone on a waiting list count as reserved, like a pending order's.
        per_type.update(held_by_offers(edition_id))
    days = edition_days(edition_id)
    per_day: Counter[date] = Counter({d: 0 for d in days})
    for ticket_type in db.session.scalars(select(TicketType).where(
            TicketType.id.in_(set(per_type)))):
        for day in ticket_type.admission_days(days):
            per_day[day] += per_type[ticket_type.id]
    return Held(per_type, per_day)


@dataclass(frozen=True)
class Drift:
    """A quota whose counter differs from the seats its orders hold."""

    quota_id: int
    edition_year: int
    ticket_type: str | None  # None: a festival day's venue capacity
    size: int
    counted: int  # quotas.used
    held: int     # valid tickets of pending and paid orders
    day: date | None = None


def drift(*, lock: bool = False) -> list[Drift]:
    """Every quota whose counter differs from the seats held, by edition and quota id.
    With `lock` the quota rows are locked first (in id order, as buyers lock them) and the
    seats counted after, so that no purchase or expiry moves either in between."""

    if lock:
        db.session.execute(select(Quota.id).order_by(Quota.id).with_for_update())
    rows = db.session.execute(
        select(Quota.id, Quota.edition_id, Edition.year, TicketType.name, Quota.ticket_type_id,
               Quota.day, Quota.size, Quota.used)
        .join(Edition, Edition.id == Quota.edition_id)
        .outerjoin(TicketType, TicketType.id == Quota.ticket_type_id)
        .order_by(Edition.year, Quota.id)).all()
    held: dict[int, Held] = {}
    found = []
    for quota_id, edition_id, year, name, type_id, day, size, used in rows:
        if edition_id not in held:
            held[edition_id] = held_seats(edition_id)
        seats = (held[edition_id].per_day[day] if day is not None
                 else held[edition_id].per_type[type_id])
        if used != seats:
            found.append(Drift(quota_id, year, name, size, used, seats, day))
    return found


def fix_drift() -> tuple[list[Drift], list[Drift]]:
    """Set every drifted counter to the seats held. Returns (fixed, not fixed): a quota
    holding more seats than its size cannot be set (the CHECK used <= size) and is left for
    an organiser to resize. Each fix is recorded in the audit log; the caller commits."""

    fixed, left = [], []
    for found in drift(lock=True):
        if found.held > found.size:
            left.append(found)
            continue
        db.session.execute(update(Quota).where(Quota.id == found.quota_id)
                           .values(used=found.held)
                           .execution_options(synchronize_session=False))
        record_command("quotas.fix", f"quota_id={found.quota_id}",
                       f"{found.edition_year} "
                       f"{found.ticket_type or f'venue {found.day.isoformat()}'}: "
                       f"used {found.counted} -> {found.held}")
        fixed.append(found)
    db.session.flush()
    return fixed, left
