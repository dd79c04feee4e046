"""JSON API for the association registry."""
from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import select

from festival.associations.models import Association, MembershipStatus
from festival.core.access import public
from festival.core.errors import NotFound
from festival.extensions import db

bp = Blueprint("associations", __name__, url_prefix="/associations")


def _summary(a: Association) -> dict:
    return {"slug": a.slug, "name": a.name, "short_description": a.short_description}


@bp.get("")
@public
def list_associations():
    rows = db.session.scalars(select(Association).where(
        Association.status == MembershipStatus.MEMBER).order_by(Association.name)).all()
    return jsonify(associations=[_summary(a) for a in rows])


@bp.get("/<slug>")
@public
def get_association(slug: str):
    a = db.session.scalar(select(Association).where(Association.slug == slug))
    if a is None or not a.is_member:
        raise NotFound("association_not_found", "No member association with this slug.")
    return jsonify(_summary(a))
