"""Demo associations (placeholder; completed with the registry)."""
from __future__ import annotations

from sqlalchemy import select

from festival.accounts.models import User
from festival.associations.models import Association, MembershipStatus
from festival.core.timeutil import utcnow
from festival.extensions import db


def load_associations(representative: User) -> int:
    a = db.session.scalar(select(Association).where(Association.slug == "espoir-du-sud"))
    if a is None:
        a = Association(slug="espoir-du-sud", name="Espoir du Sud",
                        status=MembershipStatus.MEMBER, member_since=utcnow())
        db.session.add(a)
        db.session.flush()
    representative.association_id = a.id
    return db.session.query(Association).count()
