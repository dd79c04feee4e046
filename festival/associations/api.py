"""JSON API of the registry: the member associations (public, no token needed)."""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import lazy_gettext as _l

from festival.associations import queries
from festival.associations.logos import logo_url
from festival.associations.models import Association
from festival.core.access import public
from festival.core.errors import NotFound, ValidationError
from festival.core.urls import absolute_url

bp = Blueprint("associations", __name__, url_prefix="/associations")


def _summary(a: Association) -> dict:
    return {
        "slug": a.slug,
        "name": a.name,
        "short_description": a.short_description,
        "texts": {"short_description": a.texts_of("short_description")},
        "city": a.city,
        "postcode": a.postcode,
        "province": a.province.value if a.province else None,
        "commune": a.commune,
        "themes": [t.value for t in a.theme_values],
        "poles": [p.value for p in a.pole_values],
        "website": a.website,
        "logo_url": logo_url(a, external=True),
        "url": absolute_url("associations.detail", slug=a.slug),
    }


@bp.get("")
@public
def list_associations():
    """Member associations, by name; ?q= (name), ?province=, ?theme= narrow the list."""
    filters, errors = queries.parse_filters(request.args)
    if errors:
        raise ValidationError(errors, _l("Some filters are not valid."))
    rows = queries.directory(filters)
    return jsonify(associations=[_summary(a) for a in rows], count=len(rows))


@bp.get("/<slug>")
@public
def get_association(slug: str):
    a = queries.public_association(slug)
    if a is None:
        raise NotFound("association_not_found", _l("No member association has this slug."))
    return jsonify(_summary(a) | {
        "description": a.description, "texts": a.all_texts(),
        "email": a.email,
        "phone": a.phone,
        "member_since": a.member_since.isoformat() if a.member_since else None,
    })
