"""Where and when: each venue's map link, transport and step-free access (per language),
each day's venue and door hours. The rules are in editions.practical."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, time
from typing import Any

from flask_babel import lazy_gettext as _l

from festival.accounts.models import User
from festival.config import LANGUAGES
from festival.core.translated import UNSHOWN, unshowable
from festival.editions.models import Edition, EditionDay
from festival.editions.practical import TEXT_LENGTH, door_hours_problems, map_url_problem
from festival.editions.services._checks import Fields, is_id, refuse_if_archived
from festival.extensions import db

TEXT_FIELDS = ("transport", "access")
DAY_FIELDS = ("venue_id", "doors_open", "doors_close")


def venue_practical_values(fields: Fields, data: Mapping[str, Any],
                           partial: bool) -> dict[str, Any]:
    """A venue's map link ("map_url", http(s) or empty) and its "transport" and "access"
    texts ({language: text}, at most TEXT_LENGTH characters each); a field's error is named
    after the field and, for the texts, the language ("transport_ar")."""
    values: dict[str, Any] = {}
    if not partial or "map_url" in data:
        url = fields.text("map_url", data.get("map_url"), max_length=10_000)
        problem = map_url_problem(url)
        if problem is not None and "map_url" not in fields.errors:
            fields.add("map_url", problem)
        values["map_url"] = url
    for name in TEXT_FIELDS:
        if partial and name not in data:
            continue
        texts = data.get(name) or {}
        if not isinstance(texts, Mapping):
            fields.add(name, _l("Give a text per language."))
            continue
        clean: dict[str, str] = {}
        for language, text in texts.items():
            if language not in LANGUAGES:
                fields.add(name, _l("Unknown language: %(value)s.", value=str(language)[:10]))
                continue
            key = f"{name}_{language}"
            text = fields.text(key, text, max_length=TEXT_LENGTH)
            if text and key not in fields.errors and unshowable(text):
                fields.add(key, UNSHOWN)  # what every public text is checked for
                continue
            if text:
                clean[language] = text
        values[name] = clean
    return values


def update_days_practical(edition: Edition, changes: Sequence[Mapping[str, Any]], *,
                          actor: User | None) -> list[EditionDay]:
    """Set, for days of `edition`, the venue ("venue_id": one of the edition's venues, or
    None for the main venue) and the door hours ("doors_open", "doors_close": Paris times or
    None; editions.practical.door_hours_problems). Each change names its "day" (a date of
    the edition). All or nothing: field errors are named "days-<index>-<field>", after the
    change's position. Errors: validation_failed, edition_archived (409)."""
    refuse_if_archived(edition)
    fields = Fields()
    if isinstance(changes, (str, bytes)) or not isinstance(changes, Sequence):
        fields.add("days", _l("Give a list of days."))
        fields.raise_if_any()
    if len(changes) > len(edition.days):
        fields.add("days", _l("An edition has at most %(n)s days.", n=len(edition.days)))
        fields.raise_if_any()
    by_date = {d.day: d for d in edition.days}
    venues = {v.id for v in edition.venues}
    planned: list[tuple[EditionDay, dict[str, Any]]] = []
    seen: set[date] = set()
    for index, change in enumerate(changes):
        prefix = f"days-{index}-"
        if not isinstance(change, Mapping):
            fields.add(f"{prefix}day", _l("Give a day's changes as an object."))
            continue
        day = by_date.get(change.get("day")) if isinstance(change.get("day"), date) else None
        if day is None or day.day in seen:
            fields.add(f"{prefix}day", _l("This is not a day of this edition."))
            continue
        seen.add(day.day)
        values: dict[str, Any] = {}
        if "venue_id" in change:
            venue_id = change["venue_id"]
            if venue_id is not None and not (is_id(venue_id) and venue_id in venues):
                fields.add(f"{prefix}venue_id", _l("Choose one of this edition's venues."))
            values["venue_id"] = venue_id
        for name in ("doors_open", "doors_close"):
            if name in change:
                value = change[name]
                if value is not None and not isinstance(value, time):
                    fields.add(f"{prefix}{name}", _l("Give a time (HH:MM)."))
                    value = None
                values[name] = value.replace(second=0, microsecond=0) if value else None
        opening = values.get("doors_open", day.doors_open)
        closing = values.get("doors_close", day.doors_close)
        for name, problem in door_hours_problems(opening, closing, edition).items():
            fields.add(f"{prefix}{name}", problem)
        planned.append((day, values))
    fields.raise_if_any()
    for day, values in planned:
        for name, value in values.items():
            if name == "venue_id":
                day.venue = next((v for v in edition.venues if v.id == value), None)
            else:
                setattr(day, name, value)
    db.session.flush()
    return [day for day, _ in planned]
