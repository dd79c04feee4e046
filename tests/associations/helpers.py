"""Builders shared by the registry's tests."""
from __future__ import annotations

import io

from PIL import Image

from festival.associations import services
from festival.associations.models import MembershipStatus

S = MembershipStatus

APPLICATION = {
    "name": "Amis de Tafraout",
    "short_description": "Écoles et eau potable à Tafraout.",
    "description": "Première ligne.\n\nSecond paragraphe.",
    "city": "Montreuil",
    "postcode": "93100",
    "province": "tiznit",
    "commune": "Tafraout",
    "themes": ["education", "water"],
    "email": "Contact@Amis-Tafraout.example",
    "phone": "01 99 00 12 34",
    "website": "amis-tafraout.example",
}
REPRESENTATIVE = {"representative_name": "Aïcha Representante",
                  "representative_email": "aicha@amis-tafraout.example",
                  "password": "a long enough password"}

# How to bring a new association to each status through the process.
PATHS = {
    S.APPLIED: [],
    S.UNDER_REVIEW: ["start_review"],
    S.MEMBER: ["start_review", "approve"],
    S.REJECTED: ["reject"],
    S.SUSPENDED: ["start_review", "approve", "suspend"],
    S.LEFT: ["start_review", "approve", "mark_left"],
}


def association_with_status(status: MembershipStatus, actor=None, **fields):
    """A new association brought to `status` through the actions of the process."""
    data = dict(fields)
    data.setdefault("name", f"Association {status.value} {id(data)}")
    association = services.create_association(data, actor=actor)
    for action in PATHS[status]:
        services.perform(association, action, actor=actor, note="because")
    assert association.status is status
    return association


def png_bytes(size=(800, 600), color=(200, 80, 20), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()
