"""Words shown for accounts, in the page's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from festival.core.access import Role

ROLE = {
    Role.ADMIN: _l("Administrator"),
    Role.ORGANISER: _l("Organiser"),
    Role.VOLUNTEER: _l("Volunteer"),
    Role.ASSOCIATION: _l("Association"),
}


def template_globals() -> dict:
    return {"ROLE": ROLE}
