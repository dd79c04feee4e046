"""Every write of the editions domain, and the rules each one checks.

Services take plain arguments and the acting user, check every rule, change rows, flush and
raise coded DomainErrors. They never read the request and never commit.
"""
from festival.editions.services.editions import (  # noqa: F401
    add_organiser,
    add_venue,
    change_edition_status,
    create_edition,
    edition_by_year,
    register_days_listener,
    remove_organiser,
    remove_venue,
    update_edition,
    update_venue,
)
from festival.editions.services.practical import update_days_practical  # noqa: F401
from festival.editions.services.programme import (  # noqa: F401
    create_room,
    create_session,
    create_speaker,
    create_theme,
    move_session,
    set_speaker_photo,
    set_theme_names,
    update_room,
    update_session,
    update_speaker,
)
from festival.editions.services.stands import (  # noqa: F401
    decide_stand,
    request_stand,
    withdraw_stand,
)
