"""People-facing names of the registry's codes (provinces, themes, pôles, statuses)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from festival.associations.models import MembershipStatus, Pole, Province, Theme

PROVINCE_LABELS = {
    Province.AGADIR_IDA_OUTANANE: _l("Agadir Ida-Outanane"),
    Province.INEZGANE_AIT_MELLOUL: _l("Inezgane-Aït Melloul"),
    Province.CHTOUKA_AIT_BAHA: _l("Chtouka-Aït Baha"),
    Province.TAROUDANT: _l("Taroudant"),
    Province.TIZNIT: _l("Tiznit"),
    Province.TATA: _l("Tata"),
}

THEME_LABELS = {
    Theme.EDUCATION: _l("Education"),
    Theme.WATER: _l("Water"),
    Theme.WASTE: _l("Waste"),
    Theme.ENERGY: _l("Energy and relamping"),
    Theme.HEALTH: _l("Health"),
    Theme.CULTURE: _l("Culture"),
    Theme.SOCIAL_LINK: _l("Social link and solidarity"),
    Theme.AGRICULTURE: _l("Agriculture"),
    Theme.ENVIRONMENT: _l("Environment"),
    Theme.ECONOMY: _l("Local economy"),
}

POLE_LABELS = {
    Pole.MRE: _l("Moroccans living abroad (MRE)"),
    Pole.GENERAL_ACTIVITIES: _l("General activities"),
    Pole.COMMUNICATION_PROJECTS: _l("Communication and project development"),
    Pole.POPULAR_EDUCATION: _l("Popular education"),
}

STATUS_LABELS = {
    MembershipStatus.APPLIED: _l("Application received"),
    MembershipStatus.UNDER_REVIEW: _l("Under review"),
    MembershipStatus.MEMBER: _l("Member"),
    MembershipStatus.REJECTED: _l("Rejected"),
    MembershipStatus.SUSPENDED: _l("Suspended"),
    MembershipStatus.LEFT: _l("Left"),
}

# Badge colour of each status (classes of static/css/app.css).
STATUS_BADGES = {
    MembershipStatus.APPLIED: "badge-warn",
    MembershipStatus.UNDER_REVIEW: "badge-warn",
    MembershipStatus.MEMBER: "badge-ok",
    MembershipStatus.REJECTED: "badge-danger",
    MembershipStatus.SUSPENDED: "badge-danger",
    MembershipStatus.LEFT: "",
}

# Words left out when making a logo's initials from a name.
_SMALL_WORDS = {"association", "asso", "pour", "de", "du", "des", "la", "le", "les", "et", "en",
                "au", "aux", "d", "l", "of", "the", "and", "for"}


def initials(name: str) -> str:
    """Two letters standing for an association without a logo: "Espoir du Sud" → "ES"."""
    words = [w for w in "".join(c if c.isalnum() else " " for c in name).split()]
    significant = [w for w in words if w.lower() not in _SMALL_WORDS] or words
    letters = "".join(w[0] for w in significant[:2]).upper()
    return letters or "?"


def initials_hue(slug: str) -> int:
    """A stable colour (hue in degrees) per association, for its initials."""
    return sum(ord(c) * (i + 1) for i, c in enumerate(slug)) % 360


def template_helpers() -> dict:
    return {
        "province_label": lambda p: PROVINCE_LABELS.get(p, "") if p else "",
        "theme_label": lambda t: THEME_LABELS.get(t, t),
        "pole_label": lambda p: POLE_LABELS.get(p, p),
        "status_label": lambda s: STATUS_LABELS.get(s, s) if s else "",
        "status_class": lambda s: STATUS_BADGES.get(s, ""),
        "initials": initials,
        "initials_hue": initials_hue,
    }
