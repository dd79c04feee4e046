"""Seats are taken and given back only by conditional UPDATEs.

`UPDATE quotas SET used = used + n WHERE id = ? AND used + n <= size` either takes the seats or
changes nothing. On PostgreSQL the row lock it takes makes a concurrent buyer wait and then
re-check the condition against the committed value, so two buyers can never both take the
last seat; SQLite serialises writers. Quotas are always updated in id order so that two orders
touching the same quotas cannot deadlock.

An order takes seats from several quotas (its type's and the venue's): `take` runs its UPDATEs
inside a SAVEPOINT, so a refusal on the second quota undoes the first and the caller's
transaction is left as it was (a caller that catches the refusal and goes on, such as a late
payment turned into a refund, cannot leak seats). `drift` compares every counter with the
seats the orders really hold; `flask quotas check` reports it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from festival.audit.services import record_command
from festival.core.errors import Conflict, ValidationError
from festival.editions.models import Edition
from festival.extensions import db
from festival.ticketing.models import Order, OrderStatus, Quota, Ticket, TicketStatus, TicketType


def quotas_for(edition_id: int, ticket_type_ids: set[int]) -> dict[int | None, Quota]:
    """The quotas that tickets of these types count against, keyed by ticket type id
    (None for the edition's venue capacity)."""
    rows = db.session.scalars(select(Quota).where(
        Quota.edition_id == edition_id,
        (Quota.ticket_type_id.in_(ticket_type_ids)) | (Quota.ticket_type_id.is_(None)))).all()
    return {q.ticket_type_id: q for q in rows}


def needed_seats(edition_id: int, counts: Counter[int]) -> Counter[int]:
    """Seats per quota id for `counts` tickets per ticket type."""
    quotas = quotas_for(edition_id, set(counts))
    needed: Counter[int] = Counter()
    for type_id, n in counts.items():
        if type_id in quotas:
            needed[quotas[type_id].id] += n
        if None in quotas:
            needed[quotas[None].id] += n
    return needed


def take(needed: Counter[int]) -> None:
    """Take the seats of every quota, or none: raises Conflict('sold_out') with every counter
    as it was (the UPDATEs run in a SAVEPOINT that is rolled back on refusal)."""
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
                raise Conflict("sold_out", _l("Sorry, there are not enough tickets left for "
                                              "this order."))


def give_back(needed: Counter[int]) -> None:
    for quota_id in sorted(needed):
        n = needed[quota_id]
        if n > 0:
            db.session.execute(
                update(Quota).where(Quota.id == quota_id, Quota.used >= n)
                .values(used=Quota.used - n).execution_options(synchronize_session=False))


def set_quota(edition_id: int, ticket_type_id: int | None, size: int) -> Quota:
    """Create or resize a quota. A quota can never shrink below the seats already held."""
    quota = db.session.scalar(select(Quota).where(
        Quota.edition_id == edition_id,
        Quota.ticket_type_id.is_(None) if ticket_type_id is None
        else Quota.ticket_type_id == ticket_type_id).with_for_update())
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


@dataclass(frozen=True)
class Drift:
    """A quota whose counter differs from the seats its orders hold."""

    quota_id: int
    edition_year: int
    ticket_type: str | None  # None: the venue capacity
    size: int
    counted: int  # quotas.used
    held: int     # valid tickets of pending and paid orders


def held_seats():
    """Per quota, as a correlated subquery: the valid tickets of pending and paid orders
    (the orders that hold seats, Order.holds_seats) that count against it."""
    held = (select(func.count(Ticket.id)).join(Order, Order.id == Ticket.order_id)
            .where(Order.edition_id == Quota.edition_id,
                   Order.status.in_((OrderStatus.PENDING, OrderStatus.PAID)),
                   Ticket.status == TicketStatus.VALID,
                   Quota.ticket_type_id.is_(None)
                   | (Ticket.ticket_type_id == Quota.ticket_type_id)))
    return held.correlate(Quota).scalar_subquery()


def drift(*, lock: bool = False) -> list[Drift]:
    """Every quota whose counter differs from the seats held, by edition and quota id.
    With `lock` the quota rows are locked first (in id order, as buyers lock them) and the
    seats counted after, so that no purchase or expiry moves either in between."""

    if lock:
        db.session.execute(select(Quota.id).order_by(Quota.id).with_for_update())
    held = held_seats()
    rows = db.session.execute(
        select(Quota.id, Edition.year, TicketType.name, Quota.size, Quota.used, held)
        .join(Edition, Edition.id == Quota.edition_id)
        .outerjoin(TicketType, TicketType.id == Quota.ticket_type_id)
        .where(Quota.used != held)
        .order_by(Edition.year, Quota.id)).all()
    return [Drift(*row) for row in rows]


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
                       f"{found.edition_year} {found.ticket_type or 'venue'}: "
                       f"used {found.counted} -> {found.held}")
        fixed.append(found)
    db.session.flush()
    return fixed, left
