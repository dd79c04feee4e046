"""The Europe/Paris VTIMEZONE every .ics of the service carries, written as RFC 5545 clients
expect it.

icalendar's `add_missing_timezones()` writes the zone from the tz database as one multi-valued
RDATE per kind of change (61 dates from 1977 on); ical.js (Thunderbird, Nextcloud) reads only
the first of them and then places every summer session an hour late. A STANDARD and a DAYLIGHT
part with a yearly RRULE, as Thunderbird and Google write it, is read alike by every client.
The rule is the EU's (last Sunday of March and of October, at 01:00 UTC), in force since
1996; tests/editions/test_calendar_clients.py checks it against the tz database.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Timezone, TimezoneDaylight, TimezoneStandard

from festival.core.timeutil import PARIS

TZID = str(PARIS)  # "Europe/Paris"
CET, CEST = timedelta(hours=1), timedelta(hours=2)


def paris_vtimezone() -> Timezone:
    zone = Timezone()
    zone.add("tzid", TZID)
    zone.add("x-lic-location", TZID)
    daylight = TimezoneDaylight()
    daylight.add("tzname", "CEST")
    daylight.add("tzoffsetfrom", CET)
    daylight.add("tzoffsetto", CEST)
    daylight.add("dtstart", datetime(1970, 3, 29, 2, 0))
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    standard = TimezoneStandard()
    standard.add("tzname", "CET")
    standard.add("tzoffsetfrom", CEST)
    standard.add("tzoffsetto", CET)
    standard.add("dtstart", datetime(1970, 10, 25, 3, 0))
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    zone.add_component(daylight)
    zone.add_component(standard)
    return zone


def add_paris_timezone(calendar: Calendar) -> None:
    """Put the Europe/Paris VTIMEZONE first in `calendar` (before the events that use it)."""
    calendar.subcomponents.insert(0, paris_vtimezone())
