"""Seats are taken and given back only by conditional UPDATEs.

`UPDATE quotas SET used = used + n WHERE id = ? AND used + n <= size` either takes the seats or
changes nothing. On PostgreSQL the row lock it takes makes a concurrent buyer wait and then
re-check the condition against the committed value, so two buyers can never both take the
last seat; SQLite serialises writers. Quotas are always updated in id order so that two orders
touching the same quotas cannot deadlock.
"""
from __future__ import annotations

from collections import Counter

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from festival.core.errors import Conflict, ValidationError
from festival.extensions import db
from festival.ticketing.models import Quota


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
    """Take the seats or raise Conflict('sold_out'); the caller rolls back on error."""
    for quota_id in sorted(needed):
        n = needed[quota_id]
        if n <= 0:
            continue
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
