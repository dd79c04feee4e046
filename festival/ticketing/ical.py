"""An order's festival days as iCalendar (RFC 5545): one all-day event per day its tickets
admit on, so that "add to calendar" puts the right days in the buyer's diary, each with its
venue and, in its description, its door hours (editions.practical)."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event

from festival.core.timeutil import utcnow
from festival.editions.exports.ical import PRODID
from festival.editions.practical import door_hours, where_and_when
from festival.ticketing.models import Order


def order_ical(order: Order, days: list[date], url: str) -> bytes:
    edition = order.edition
    practical = {item.day: item for item in where_and_when(edition, days, order.language)}
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    with force_locale(order.language):
        for day in days:
            event = Event()
            event.add("uid", f"order-{order.code}-{day.isoformat()}@almoggar")
            event.add("dtstamp", utcnow())
            event.add("dtstart", day)
            event.add("dtend", day + timedelta(days=1))
            event.add("summary", f"{edition.title} {edition.year}")
            item = practical.get(day)
            hours = door_hours(item) if item is not None else ""
            event.add("description", "\n".join(line for line in (
                hours, _("Your tickets (order %(code)s): %(url)s", code=order.code, url=url))
                if line))
            if item is not None and item.has_venue:
                event.add("location", ", ".join(p for p in (item.venue_name, item.address)
                                                if p))
            event.add("url", url)
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
    return calendar.to_ical()
