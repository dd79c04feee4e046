"""Reads of the registry for pages, the API and the CSV export."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from festival.accounts.models import User
from festival.associations.models import (
    Association,
    AssociationPole,
    AssociationTheme,
    MembershipEvent,
    MembershipStatus,
    Pole,
    Province,
    Theme,
    UserPole,
)
from festival.associations.validation import slugify
from festival.extensions import db

QUERY_MAX = 100
REVIEW_STATUSES = (MembershipStatus.APPLIED, MembershipStatus.UNDER_REVIEW)


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    province: Province | None = None
    theme: Theme | None = None
    status: MembershipStatus | None = None

    @property
    def active(self) -> bool:
        return bool(self.q or self.province or self.theme)


def parse_filters(args: Mapping[str, Any], *, with_status: bool = False
                  ) -> tuple[DirectoryFilters, dict[str, list[str]]]:
    """Filters from a query string, and the problems with any bad value (left out)."""
    errors: dict[str, list[str]] = {}
    q = " ".join(str(args.get("q") or "").split())
    if len(q) > QUERY_MAX:
        errors["q"] = [str(_l("At most %(n)s characters.", n=QUERY_MAX))]
        q = q[:QUERY_MAX]
    values: dict[str, Any] = {}
    names = [("province", Province), ("theme", Theme)]
    if with_status:
        names.append(("status", MembershipStatus))
    for name, enum_cls in names:
        raw = str(args.get(name) or "").strip()
        if not raw:
            continue
        try:
            values[name] = enum_cls(raw)
        except ValueError:
            errors[name] = [str(_l("Unknown value “%(value)s”. Allowed: %(allowed)s.",
                                   value=raw[:40], allowed=", ".join(m.value for m in enum_cls)))]
    return DirectoryFilters(q=q, **values), errors


def _search(query, filters: DirectoryFilters):
    if filters.q:
        # By name, and accent-blind through the slug ("developpement" finds "Développement").
        escaped = (filters.q.lower().replace("\\", "\\\\").replace("%", "\\%")
                   .replace("_", "\\_"))
        slug_part = slugify(filters.q)
        conditions = [func.lower(Association.name).like(f"%{escaped}%", escape="\\")]
        if slug_part:
            conditions.append(Association.slug.like(f"%{slug_part}%"))
        query = query.where(or_(*conditions))
    if filters.province:
        query = query.where(Association.province == filters.province)
    if filters.theme:
        query = query.where(Association.id.in_(
            select(AssociationTheme.association_id).where(AssociationTheme.theme == filters.theme)))
    if filters.status:
        query = query.where(Association.status == filters.status)
    return query


def directory(filters: DirectoryFilters) -> list[Association]:
    """Member associations matching the filters, by name."""
    query = select(Association).where(Association.status == MembershipStatus.MEMBER)
    return list(db.session.scalars(_search(query, filters).order_by(
        func.lower(Association.name))))


def public_association(slug: str) -> Association | None:
    """The association with this slug if it is a member (others are not public)."""
    association = association_by_slug(slug)
    return association if association is not None and association.is_member else None


def association_by_slug(slug: str) -> Association | None:
    if not slug or len(slug) > 80:
        return None
    return db.session.scalar(select(Association).where(Association.slug == slug))


def all_associations(filters: DirectoryFilters | None = None) -> list[Association]:
    """Every association whatever its status (back office, export), by name."""
    query = select(Association)
    if filters is not None:
        query = _search(query, filters)
    return list(db.session.scalars(query.order_by(func.lower(Association.name))))


def status_counts() -> dict[MembershipStatus, int]:
    counts = {status: 0 for status in MembershipStatus}
    rows = db.session.execute(select(Association.status, func.count()).group_by(
        Association.status))
    for status, count in rows:
        counts[status] = count
    return counts


def review_queue() -> list[Association]:
    """Applications waiting for a decision, oldest first, with their history."""
    return list(db.session.scalars(
        select(Association).where(Association.status.in_(REVIEW_STATUSES))
        .options(selectinload(Association.events).selectinload(MembershipEvent.actor),
                 selectinload(Association.representatives))
        .order_by(Association.created_at, Association.id)))


def history(association: Association) -> list[MembershipEvent]:
    """Every change and note, oldest first, with who made it."""
    return list(db.session.scalars(
        select(MembershipEvent).where(MembershipEvent.association_id == association.id)
        .options(selectinload(MembershipEvent.actor))
        .order_by(MembershipEvent.created_at, MembershipEvent.id)))


def applied_at(association: Association):
    """When the association entered the registry (its first history row)."""
    return association.events[0].created_at if association.events else association.created_at


@dataclass
class PoleOverview:
    pole: Pole
    associations: list[Association]
    people: list[User]


def pole_overview() -> list[PoleOverview]:
    """Each working group with its member associations and the people attached to it."""
    links = db.session.execute(
        select(AssociationPole.pole, Association).join(Association)
        .where(Association.status == MembershipStatus.MEMBER)
        .order_by(func.lower(Association.name))).all()
    people = db.session.execute(
        select(UserPole.pole, User).join(User, User.id == UserPole.user_id)
        .order_by(User.name, User.email)).all()
    return [PoleOverview(pole, [a for p, a in links if p is pole], [u for p, u in people
                                                                    if p is pole])
            for pole in Pole]


def people_for_poles() -> list[User]:
    """Accounts that can be attached to (or detached from) a working group."""
    return list(db.session.scalars(select(User).order_by(User.name, User.email)))
