"""Where and when: for each festival day, where it takes place (venue, address, a map link,
public transport, step-free access) and when the doors open and close.

`where_and_when` is the one place this is worked out: the ticket PDFs, the e-mails
(templates/mail/_where_and_when.html and .txt), the order page, the edition's page and the
calendar file all take it from here. A day without a venue of its own is at the edition's
main venue; door hours are wall-clock times in Paris, and a closing time before the
opening one is after midnight, still within the festival day (editions.days): it must come
by the edition's cut-off.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import quote_plus

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from festival.core.i18n import in_language
from festival.core.timeutil import paris_to_utc
from festival.core.urls import is_web_address
from festival.editions.days import cutoff_of
from festival.editions.models import Edition, EditionDay, Venue

OSM_SEARCH = "https://www.openstreetmap.org/search?query="
MAP_URL_LENGTH = 500
TEXT_LENGTH = 1000  # transport and access, per language


@dataclass(frozen=True)
class DayPractical:
    """Where and when of one festival day, in one language."""

    day: date
    venue_name: str
    address: str
    map_url: str
    transport: str
    access: str
    doors_open: time | None   # wall clock in Paris
    doors_close: time | None  # on the next morning when before doors_open
    opens_at: datetime | None  # the same as UTC instants
    closes_at: datetime | None

    @property
    def has_venue(self) -> bool:
        return bool(self.venue_name)

    @property
    def closes_after_midnight(self) -> bool:
        return (self.doors_open is not None and self.doors_close is not None
                and self.doors_close <= self.doors_open)


def map_link(venue: Venue) -> str:
    """The venue's own map link, else an OpenStreetMap search for its address."""
    if venue.map_url:
        return venue.map_url
    place = venue.full_address or venue.name
    return OSM_SEARCH + quote_plus(place) if place else ""


def venue_of(day: EditionDay) -> Venue | None:
    """The day's venue: its own, else the edition's main venue."""
    return day.venue if day.venue is not None else day.edition.main_venue


def door_instants(day: date, doors_open: time | None,
                  doors_close: time | None) -> tuple[datetime | None, datetime | None]:
    """The UTC instants the doors open and close on `day` (closing after midnight: the
    next morning)."""
    opens = paris_to_utc(day, doors_open) if doors_open is not None else None
    closes = None
    if doors_close is not None:
        next_day = doors_open is not None and doors_close <= doors_open
        closes = paris_to_utc(day + timedelta(days=1) if next_day else day, doors_close)
    return opens, closes


def where_and_when(edition: Edition, days: Iterable[date] | None = None,
                   language: str = "fr") -> list[DayPractical]:
    """Where and when of each of `days` that is a day of `edition` (all its days when None),
    in date order, with the organisers' texts in `language` (else French, else any)."""
    wanted = None if days is None else set(days)
    result = []
    for day in edition.days:
        if wanted is not None and day.day not in wanted:
            continue
        venue = venue_of(day)
        opens_at, closes_at = door_instants(day.day, day.doors_open, day.doors_close)
        result.append(DayPractical(
            day=day.day,
            venue_name=venue.name if venue else "",
            address=venue.full_address if venue else "",
            map_url=map_link(venue) if venue else "",
            transport=in_language(venue.transport, language) if venue else "",
            access=in_language(venue.access, language) if venue else "",
            doors_open=day.doors_open, doors_close=day.doors_close,
            opens_at=opens_at, closes_at=closes_at))
    return sorted(result, key=lambda item: item.day)


def door_hours(item: DayPractical) -> str:
    """The day's door hours as one short line in the current language ("" when unknown);
    a closing time after midnight reads as such (18:00 – 01:30)."""
    if item.doors_open is None:
        return ""
    opens = item.doors_open.strftime("%H:%M")
    if item.doors_close is None:
        return _("Doors open at %(open)s", open=opens)
    return _("Doors %(open)s – %(close)s", open=opens,
             close=item.doors_close.strftime("%H:%M"))


def same_place(items: list[DayPractical]) -> bool:
    """Whether every day is at the same venue (it is then named once)."""
    return len(places(items)) <= 1


def places(items: list[DayPractical]) -> list[DayPractical]:
    """The first day at each distinct venue, in date order: what to say about each place
    (name, address, map, transport, access) once."""
    seen: dict[tuple[str, str], DayPractical] = {}
    for item in items:
        if item.has_venue:
            seen.setdefault((item.venue_name, item.address), item)
    return list(seen.values())


# Rules the services check -----------------------------------------------------------------

def map_url_problem(url: str):
    """Why `url` cannot be a venue's map link (None when it can): http(s) only."""
    if not url:
        return None
    if len(url) > MAP_URL_LENGTH:
        return _l("At most %(n)s characters.", n=MAP_URL_LENGTH)
    if not is_web_address(url):
        return _l("Give a web address starting with https:// (or http://).")
    return None


def door_hours_problems(doors_open: time | None, doors_close: time | None,
                        edition: Edition) -> dict[str, object]:
    """What is wrong with a day's door hours, by field ("doors_open", "doors_close")."""
    cutoff = cutoff_of(edition)
    problems: dict[str, object] = {}
    if doors_open is None:
        if doors_close is not None:
            problems["doors_open"] = _l("Give the opening time too.")
        return problems
    if doors_open < cutoff:
        problems["doors_open"] = _l(
            "Before %(cutoff)s the festival day has not started yet (it still belongs to "
            "the day before): open at %(cutoff)s or later.", cutoff=cutoff.strftime("%H:%M"))
    if doors_close is None:
        return problems
    if doors_close == doors_open:
        problems["doors_close"] = _l("The doors cannot close when they open.")
    elif doors_close < doors_open and doors_close > cutoff:
        problems["doors_close"] = _l(
            "A closing time before the opening one is after midnight, and the festival day "
            "ends at %(cutoff)s: close by %(cutoff)s.", cutoff=cutoff.strftime("%H:%M"))
    return problems
