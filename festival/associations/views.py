"""Association pages: the public directory and application form, the organisers' registry."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import select

from festival.associations.models import Association, MembershipStatus
from festival.core.access import Role, public, roles
from festival.extensions import db

bp = Blueprint("associations", __name__)


@bp.get("/associations")
@public
def directory():
    rows = db.session.scalars(select(Association).where(
        Association.status == MembershipStatus.MEMBER).order_by(Association.name)).all()
    return render_template("associations/directory.html", associations=rows)


@bp.get("/associations/<slug>")
@public
def detail(slug: str):
    association = db.session.scalar(select(Association).where(Association.slug == slug))
    if association is None or not association.is_member:
        abort(404)
    return render_template("associations/detail.html", association=association)


@bp.get("/associations/apply")
@public
def apply():
    return render_template("associations/directory.html", associations=[])


@bp.get("/manage/associations")
@roles(Role.ORGANISER)
def manage_list():
    rows = db.session.scalars(select(Association).order_by(Association.name)).all()
    return render_template("associations/directory.html", associations=rows)
