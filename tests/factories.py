"""Builders of test data. Each takes keyword overrides and flushes (the caller commits)."""
from __future__ import annotations

import itertools

from festival.accounts.models import User
from festival.accounts.services import create_user
from festival.associations.models import Association, MembershipStatus
from festival.extensions import db

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


def gen_user(role: str = "organiser", *, email: str | None = None, name: str = "",
             password: str = PASSWORD, association: Association | None = None) -> User:
    n = next(_seq)
    return create_user(email or f"{role}{n}@test.example", password, role,
                       name=name or f"{role.title()} {n}",
                       association_id=association.id if association else None)


def gen_association(*, name: str | None = None, status: MembershipStatus = MembershipStatus.MEMBER,
                    **fields) -> Association:
    n = next(_seq)
    name = name or f"Association test {n}"
    slug = fields.pop("slug", None) or f"association-test-{n}"
    association = Association(name=name, slug=slug, status=status, **fields)
    db.session.add(association)
    db.session.flush()
    return association


def user_in_db(app, role: str, **kwargs) -> dict:
    """Create and commit a user; returns plain values usable outside the app context."""
    with app.app_context():
        user = gen_user(role, **kwargs)
        db.session.commit()
        return {"id": user.id, "email": user.email, "role": role}
