"""The editions domain's models, split by aggregate and re-exported here."""
from festival.editions.models.edition import (  # noqa: F401
    Edition,
    EditionDay,
    EditionOrganiser,
    EditionStatus,
    EditionStatusChange,
    OrganiserRole,
    Venue,
)
from festival.editions.models.exhibitors import (  # noqa: F401
    StandEvent,
    StandRequest,
    StandSize,
    StandStatus,
)
from festival.editions.models.programme import (  # noqa: F401
    CUSTOM_THEME_PREFIX,
    PUBLIC_STATUSES,
    EditionTheme,
    Language,
    ProgrammeSession,
    Room,
    SessionKind,
    SessionLanguage,
    SessionSpeaker,
    SessionStatus,
    Speaker,
)
