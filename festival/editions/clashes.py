"""Clashes in a programme: a room booked twice, a speaker in two places, a session outside the
edition's days or its room's opening hours.

Organisers are warned of every clash; saving one needs an explicit confirmation (the services
raise ClashError otherwise). A cancelled session frees its room and its speakers, and has no
clash of its own. Reads only: nothing here changes a row.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.core.errors import Conflict
from festival.core.timeutil import PARIS, to_paris
from festival.editions.days import cutoff_of, day_bounds, day_of
from festival.editions.models import Edition, ProgrammeSession, Room, SessionStatus
from festival.extensions import db

ROOM = "room_double_booked"
SPEAKER = "speaker_double_booked"
OUTSIDE_DAYS = "outside_days"
OUTSIDE_HOURS = "outside_room_hours"


@dataclass(frozen=True)
class Placement:
    """Where and when a session is (or would be): what the clash rules look at."""
    session_id: int | None
    title: str
    room: Room
    starts_at: datetime
    ends_at: datetime
    speaker_ids: frozenset[int] = frozenset()

    @classmethod
    def of(cls, session: ProgrammeSession) -> Placement:
        return cls(session.id, session.title, session.room, session.starts_at, session.ends_at,
                   frozenset(link.speaker_id for link in session.speaker_links))


@dataclass(frozen=True)
class Clash:
    kind: str
    field: str                 # the form/API field it concerns
    message: str
    session_id: int | None
    other: ProgrammeSession | None = None
    key: tuple = field(default=(), compare=False)
    speaker: str = ""          # the speaker in two places (speaker clashes)
    # The session itself, when the clash was found among saved sessions (edition_clashes):
    # the conflicts page names both sides.
    session: ProgrammeSession | None = field(default=None, compare=False)


class ClashError(Conflict):
    """Saving would create clashes and no confirmation was given (409)."""

    def __init__(self, clashes: Sequence[Clash]):
        fields: dict[str, list[str]] = {}
        for clash in clashes:
            fields.setdefault(clash.field, []).append(clash.message)
        fields.setdefault("confirm_clashes", []).append(
            str(_l("Confirm to save the session despite these clashes.")))
        super().__init__("clash", clashes[0].message if len(clashes) == 1 else
                         str(_l("This session clashes with the programme: %(details)s",
                                details=" ".join(c.message for c in clashes))),
                         fields=fields)
        self.clashes = list(clashes)


def _hm(moment: datetime) -> str:
    return to_paris(moment).strftime("%H:%M")


def _span(moment_a: datetime, moment_b: datetime) -> str:
    day = format_date(to_paris(moment_a).date(), "EEE d MMM")
    return f"{day}, {_hm(moment_a)}–{_hm(moment_b)}"


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def _time_clashes(edition: Edition, p: Placement) -> list[Clash]:
    found: list[Clash] = []
    # A session belongs to the festival day it starts in (01:30: the evening before), and
    # ends by that day's cut-off the next morning.
    cutoff = cutoff_of(edition)
    day = day_of(p.starts_at, cutoff)
    latest_end = day_bounds(day, cutoff)[1]
    if day not in edition.dates:
        found.append(Clash(OUTSIDE_DAYS, "starts_at", str(_l(
            "“%(title)s” is on %(day)s, which is not a day of the edition.", title=p.title,
            day=format_date(day, "EEEE d MMMM"))), p.session_id, key=(OUTSIDE_DAYS,)))
    elif p.ends_at > latest_end:
        found.append(Clash(OUTSIDE_DAYS, "ends_at", str(_l(
            "“%(title)s” runs past the end of the festival day (%(cutoff)s the next morning).",
            title=p.title, cutoff=cutoff.strftime("%H:%M"))), p.session_id,
            key=(OUTSIDE_DAYS,)))
    room = p.room
    if room.opens_at is not None and room.closes_at is not None:
        opens = datetime.combine(day, room.opens_at, tzinfo=PARIS)
        closing_day = day if room.closes_at > room.opens_at else day + timedelta(days=1)
        closes = datetime.combine(closing_day, room.closes_at, tzinfo=PARIS)
        if p.starts_at < opens or p.ends_at > closes:
            found.append(Clash(OUTSIDE_HOURS, "starts_at", str(_l(
                "“%(room)s” is open from %(opens)s to %(closes)s; “%(title)s” does not fit "
                "(%(span)s).", room=room.name, opens=room.opens_at.strftime("%H:%M"),
                closes=room.closes_at.strftime("%H:%M"), title=p.title,
                span=_span(p.starts_at, p.ends_at))), p.session_id, key=(OUTSIDE_HOURS,)))
    return found


def _pair_clashes(p: Placement, other: ProgrammeSession) -> list[Clash]:
    found: list[Clash] = []
    if not overlaps(p.starts_at, p.ends_at, other.starts_at, other.ends_at):
        return found
    span = _span(other.starts_at, other.ends_at)
    if other.room_id == p.room.id:
        found.append(Clash(ROOM, "room_id", str(_l(
            "“%(room)s” is already booked for “%(other)s” (%(span)s).", room=p.room.name,
            other=other.title, span=span)), p.session_id, other, key=(ROOM, other.id)))
    shared = p.speaker_ids & {link.speaker_id for link in other.speaker_links}
    for link in other.speaker_links:
        if link.speaker_id in shared:
            found.append(Clash(SPEAKER, "speaker_ids", str(_l(
                "%(speaker)s is also in “%(other)s” in “%(room)s” (%(span)s).",
                speaker=link.speaker.name, other=other.title, room=other.room.name,
                span=span)), p.session_id, other, key=(SPEAKER, other.id, link.speaker_id),
                speaker=link.speaker.name))
    return found


def clashes_for(edition: Edition, placement: Placement) -> list[Clash]:
    """Every clash the session would have if placed so, against what is in the database."""
    query = select(ProgrammeSession).where(
        ProgrammeSession.starts_at < placement.ends_at,
        ProgrammeSession.ends_at > placement.starts_at,
        ProgrammeSession.status != SessionStatus.CANCELLED)
    if placement.session_id is not None:
        query = query.where(ProgrammeSession.id != placement.session_id)
    others = db.session.scalars(query.order_by(ProgrammeSession.starts_at)).unique().all()
    found = _time_clashes(edition, placement)
    for other in others:
        found.extend(_pair_clashes(placement, other))
    return found


def new_clashes(before: Iterable[Clash], after: Iterable[Clash]) -> list[Clash]:
    """The clashes of `after` that `before` did not have (already accepted ones do not count)."""
    known = {c.key for c in before}
    return [c for c in after if c.key not in known]


def edition_clashes(edition: Edition) -> list[Clash]:
    """Every clash of an edition's programme, each pair of sessions reported once."""
    sessions = db.session.scalars(select(ProgrammeSession).where(
        ProgrammeSession.edition_id == edition.id,
        ProgrammeSession.status != SessionStatus.CANCELLED).order_by(
        ProgrammeSession.starts_at, ProgrammeSession.id)).unique().all()
    found: list[Clash] = []
    for index, session in enumerate(sessions):
        placement = Placement.of(session)
        mine = _time_clashes(edition, placement)
        for other in sessions[index + 1:]:
            if other.starts_at >= session.ends_at:
                break
            mine.extend(_pair_clashes(placement, other))
        found.extend(replace(clash, session=session) for clash in mine)
    return found
