"""Human labels of the domain's enums, translated on display."""
from __future__ import annotations

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from festival.associations.labels import POLE_LABELS as POLE  # the pôles are the registry's
from festival.config import LANGUAGES
from festival.editions import clashes
from festival.editions.models import (
    EditionStatus,
    Language,
    OrganiserRole,
    SessionKind,
    SessionStatus,
    StandSize,
    StandStatus,
)
from festival.editions.themes import theme_label, theme_texts

EDITION_STATUS = {
    EditionStatus.DRAFT: _l("Draft"),
    EditionStatus.PUBLISHED: _l("Published"),
    EditionStatus.ON_SALE: _l("Tickets on sale"),
    EditionStatus.CLOSED: _l("Closed"),
    EditionStatus.ARCHIVED: _l("Archived"),
}

# What the button that moves an edition *to* a status says.
EDITION_ACTION = {
    EditionStatus.DRAFT: _l("Back to draft"),
    EditionStatus.PUBLISHED: _l("Publish"),
    EditionStatus.ON_SALE: _l("Open ticket sales"),
    EditionStatus.CLOSED: _l("Close the edition"),
    EditionStatus.ARCHIVED: _l("Archive the edition"),
}

# Going back a step has its own words.
EDITION_BACK_ACTION = {
    (EditionStatus.ON_SALE, EditionStatus.PUBLISHED): _l("Suspend ticket sales"),
    (EditionStatus.CLOSED, EditionStatus.ON_SALE): _l("Reopen ticket sales"),
}


def edition_action(current: EditionStatus, target: EditionStatus):
    return EDITION_BACK_ACTION.get((current, target), EDITION_ACTION[target])


ORGANISER_ROLE = {
    OrganiserRole.LEAD: _l("Lead organiser"),
    OrganiserRole.CO_ORGANISER: _l("Co-organiser"),
    OrganiserRole.PARTNER: _l("Partner"),
}

SESSION_KIND = {
    SessionKind.CONFERENCE: _l("Conference"),
    SessionKind.ROUND_TABLE: _l("Round table"),
    SessionKind.WORKSHOP: _l("Workshop"),
    SessionKind.CONCERT: _l("Concert"),
    SessionKind.SCREENING: _l("Screening"),
    SessionKind.OTHER: _l("Other"),
}

SESSION_STATUS = {
    SessionStatus.DRAFT: _l("Draft"),
    SessionStatus.PUBLISHED: _l("Published"),
    SessionStatus.CANCELLED: _l("Cancelled"),
}

LANGUAGE = {
    Language.FR: _l("French"),
    Language.AR: _l("Arabic"),
    Language.TZM: _l("Tamazight"),
    Language.EN: _l("English"),
}

STAND_SIZE = {
    StandSize.SMALL: _l("Small (a table, about 2 m)"),
    StandSize.MEDIUM: _l("Medium (about 3 × 3 m)"),
    StandSize.LARGE: _l("Large (about 6 × 3 m)"),
}

STAND_STATUS = {
    StandStatus.REQUESTED: _l("Requested"),
    StandStatus.APPROVED: _l("Approved"),
    StandStatus.DECLINED: _l("Declined"),
    StandStatus.WITHDRAWN: _l("Withdrawn"),
}


def track_label(session) -> str:
    """A session's track in the reader's language: its pôle's name, or its theme's (empty
    when it has neither)."""
    if session.pole is not None:
        return str(POLE[session.pole])
    return theme_label(session.edition, session.theme)


def track_texts(session) -> dict[str, str]:
    """A session's track in every language it is named in ({} when it has none)."""
    if session.pole is not None:
        found = {}
        for language in LANGUAGES:
            with force_locale(language):
                found[language] = str(POLE[session.pole])
        return found
    return theme_texts(session.edition, session.theme)


CLASH_KIND = {
    clashes.ROOM: _l("A room booked twice"),
    clashes.SPEAKER: _l("A speaker in two places at once"),
    clashes.OUTSIDE_DAYS: _l("Outside the festival's days"),
    clashes.OUTSIDE_HOURS: _l("Outside the room's opening hours"),
}


def template_globals() -> dict:
    return {
        "EDITION_STATUS": EDITION_STATUS, "edition_action": edition_action,
        "ORGANISER_ROLE": ORGANISER_ROLE, "SESSION_KIND": SESSION_KIND,
        "SESSION_STATUS": SESSION_STATUS, "LANGUAGE": LANGUAGE, "POLE": POLE,
        "STAND_SIZE": STAND_SIZE, "STAND_STATUS": STAND_STATUS, "track_label": track_label,
        "CLASH_KIND": CLASH_KIND,
    }
