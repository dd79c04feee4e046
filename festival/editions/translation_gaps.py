"""What an edition's public texts still lack, per content language, for its organisers: the
edition itself, its venues' notes, rooms, sessions and their speakers, ticket types and
check-in lists. A text counts as missing in a language when its French exists and that
language's does not (the public then reads the French: core/translated.py)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.checkin.models import CheckinList
from festival.config import LANGUAGES
from festival.editions import queries
from festival.editions.models import Edition
from festival.extensions import db
from festival.ticketing.models import TicketType

FIELD_LABELS = {"title": _l("title"), "tagline": _l("tagline"),
                "description": _l("description"), "name": _l("name"), "bio": _l("biography"),
                "abstract": _l("abstract"), "transport": _l("public transport"),
                "access": _l("step-free access")}


@dataclass(frozen=True)
class Gap:
    """The texts of one row missing in one language."""

    kind: str        # what the row is ("Room"), in the page's language
    name: str        # the row's French name
    url: str         # where an organiser writes them
    fields: tuple[str, ...]
    language: str


def _rows(edition: Edition):
    """(kind, name, url, Translated row) of every row of the edition with public texts."""
    year = edition.year
    yield _l("Edition"), edition.title_fr, url_for("manage_editions.edition",
                                                   year=year) + "#details", edition
    for room in edition.rooms:
        yield _l("Room"), room.name_fr, url_for("manage_programme.room", year=year,
                                                room_id=room.id), room
    sessions = queries.all_sessions(edition)
    speakers = {}
    for item in sessions:
        yield _l("Session"), item.title_fr, url_for("manage_programme.session", year=year,
                                                    session_id=item.id), item
        for speaker in item.speakers:
            speakers.setdefault(speaker.id, speaker)
    for speaker in sorted(speakers.values(), key=lambda s: s.name.lower()):
        yield _l("Speaker"), speaker.name, url_for("manage_programme.speaker",
                                                   speaker_id=speaker.id), speaker
    for ticket_type in db.session.scalars(select(TicketType).where(
            TicketType.edition_id == edition.id).order_by(TicketType.position, TicketType.id)):
        yield _l("Ticket type"), ticket_type.name_fr, url_for(
            "manage_tickets.edit_ticket_type", year=year, type_id=ticket_type.id), ticket_type
    for checkin_list in db.session.scalars(select(CheckinList).where(
            CheckinList.edition_id == edition.id).order_by(CheckinList.id)):
        yield _l("Check-in list"), checkin_list.name_fr, url_for(
            "manage_checkin.edit_list", year=year, list_id=checkin_list.id), checkin_list


def translation_gaps(edition: Edition) -> tuple[dict[str, int], list[Gap]]:
    """({language: how many texts are missing}, the rows that miss them, per language), for
    every content language but French; a language with none missing counts 0."""
    counts = {lang: 0 for lang in LANGUAGES if lang != "fr"}
    found: list[Gap] = []
    for kind, name, url, row in _rows(edition):
        missing: dict[str, list[str]] = {}
        for field in row.TRANSLATED:
            for lang in row.missing_languages(field):
                missing.setdefault(lang, []).append(field)
        for lang, fields in missing.items():
            counts[lang] += len(fields)
            found.append(Gap(str(kind), name, url, tuple(fields), lang))
    for venue in edition.venues:
        url = url_for("manage_editions.venue", year=edition.year, venue_id=venue.id)
        missing = {}
        for field in ("transport", "access"):
            texts = getattr(venue, field) or {}
            if (texts.get("fr") or "").strip():
                for lang in counts:
                    if not (texts.get(lang) or "").strip():
                        missing.setdefault(lang, []).append(field)
        for lang, fields in missing.items():
            counts[lang] += len(fields)
            found.append(Gap(str(_l("Venue")), venue.name, url, tuple(fields), lang))
    return counts, found
