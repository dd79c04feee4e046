"""When each rule's message is due, in one place: the occasions of a rule, each with the
instant it becomes due and the instant after which it is never sent.

- Reminder for festival day D: due at REMINDER_AT (Paris) on D-1; never once day D has
  begun: at its door opening when the day has one (EditionDay.doors_open), otherwise at the
  start of the festival day (editions.days: the edition's cut-off hour on D).
- Thank-you: due at THANK_YOU_AT (Paris) the day after the last festival day; not sent
  after THANK_YOU_WITHIN (a rule switched on months later stays quiet).
- Announcement: due when the edition was first published; never once its first festival
  day has begun.
An order is written to only when it was paid at or before the occasion's due instant.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from festival.core.timeutil import paris_to_utc
from festival.editions.days import cutoff_of, day_bounds
from festival.editions.models import Edition, EditionDay, EditionStatus, EditionStatusChange
from festival.editions.practical import door_instants
from festival.extensions import db
from festival.outreach.models import RuleKind

REMINDER_AT = time(10, 0)        # Paris, on the day before each festival day
THANK_YOU_AT = time(10, 0)       # Paris, on the day after the last festival day
THANK_YOU_WITHIN = timedelta(days=14)
AFTER = "after"                  # the thank-you's occasion
PUBLISHED = "published"          # the announcement's occasion


@dataclass(frozen=True)
class Occasion:
    key: str                 # the delivery's occasion and the batch's last part
    due_at: datetime         # UTC: sent from then on…
    ends_at: datetime        # …and never at or after this instant
    day: date | None = None  # the reminder's festival day

    def is_open(self, now: datetime) -> bool:
        return self.due_at <= now < self.ends_at


def day_begins(edition: Edition, row: EditionDay) -> datetime:
    """The instant festival day `row` begins for a reminder's purpose: its door opening if
    it has one, otherwise the start of the festival day (editions.days)."""
    opens, _closes = door_instants(row.day, row.doors_open, row.doors_close)
    return opens if opens is not None else day_bounds(row.day, cutoff_of(edition))[0]


def reminder_occasions(edition: Edition) -> list[Occasion]:
    return [Occasion(row.day.isoformat(), paris_to_utc(row.day - timedelta(days=1), REMINDER_AT),
                     day_begins(edition, row), row.day) for row in edition.days]


def thank_you_occasions(edition: Edition) -> list[Occasion]:
    if edition.last_day is None:
        return []
    due = paris_to_utc(edition.last_day + timedelta(days=1), THANK_YOU_AT)
    return [Occasion(AFTER, due, due + THANK_YOU_WITHIN)]


def published_at(edition: Edition) -> datetime | None:
    """When the edition was first made public (None while it is a draft)."""
    if edition.status is EditionStatus.DRAFT:
        return None
    # An edition made public without a recorded change (loaded data): since it exists.
    return db.session.scalar(
        select(EditionStatusChange.created_at)
        .where(EditionStatusChange.edition_id == edition.id,
               EditionStatusChange.to_status != EditionStatus.DRAFT)
        .order_by(EditionStatusChange.id).limit(1)) or edition.created_at


def announcement_occasions(edition: Edition) -> list[Occasion]:
    published = published_at(edition)
    if published is None or not edition.days:
        return []
    begins = day_begins(edition, edition.days[0])
    return [Occasion(PUBLISHED, published, begins)]


def occasions(kind: RuleKind, edition: Edition) -> list[Occasion]:
    return {RuleKind.REMINDER: reminder_occasions, RuleKind.THANK_YOU: thank_you_occasions,
            RuleKind.ANNOUNCEMENT: announcement_occasions}[kind](edition)
