"""Reading the audit log, filtered and paged."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select

from festival.audit.models import AuditEntry
from festival.core.timeutil import PARIS
from festival.extensions import db

PAGE = 50


def entries(*, who: str = "", action: str = "", day_from: date | None = None,
            day_to: date | None = None, page: int = 1) -> tuple[list[AuditEntry], int]:
    query = select(AuditEntry)
    if who:
        query = query.where(AuditEntry.actor_label.ilike(f"%{who}%"))
    if action:
        query = query.where(or_(AuditEntry.action.ilike(f"%{action}%"),
                                AuditEntry.path.ilike(f"%{action}%")))
    if day_from:
        query = query.where(AuditEntry.at >= datetime.combine(day_from, time(), PARIS))
    if day_to:
        query = query.where(AuditEntry.at < datetime.combine(day_to + timedelta(days=1),
                                                             time(), PARIS))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(AuditEntry.id.desc())
                              .limit(PAGE).offset((max(page, 1) - 1) * PAGE)).all()
    return list(rows), total
