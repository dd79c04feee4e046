"""Editions: creation, details, days, venues, status changes and organiser associations."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, time
from typing import Any

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.accounts.models import User
from festival.associations.models import Association, MembershipStatus
from festival.core.errors import Conflict, DomainError, ValidationError
from festival.editions.days import cutoff_of, day_of, valid_cutoff
from festival.editions.labels import EDITION_STATUS
from festival.editions.models import (
    Edition,
    EditionDay,
    EditionOrganiser,
    EditionStatus,
    EditionStatusChange,
    OrganiserRole,
    ProgrammeSession,
    Venue,
)
from festival.editions.models.edition import NEEDS_CONFIRMATION, TRANSITIONS
from festival.editions.services._checks import Fields, refuse_if_archived
from festival.editions.services.practical import venue_practical_values
from festival.extensions import db

_DAYS_LISTENERS = "festival.editions.days_listeners"
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_DAYS = 14
EDITION_FIELDS = ("title", "tagline", "description", "days", "day_cutoff")


def _check_days(fields: Fields, year: int | None, days: Any) -> list[date]:
    if days is None:
        return []
    if isinstance(days, (str, bytes)) or not isinstance(days, Iterable):
        fields.add("days", _l("Give a list of dates."))
        return []
    clean: set[date] = set()
    for value in days:
        if not isinstance(value, date):
            fields.add("days", _l("Every day must be a date (YYYY-MM-DD)."))
            return []
        if year is not None and value.year != year:
            fields.add("days", _l("%(day)s is not in %(year)s.", day=value.isoformat(),
                                  year=year))
        clean.add(value)
    if len(clean) > MAX_DAYS:
        fields.add("days", _l("An edition has at most %(n)s days.", n=MAX_DAYS))
    return sorted(clean)


def register_days_listener(app: Flask, listener: Callable[[Edition], None]) -> None:
    """`listener(edition)` runs whenever an edition's days are set or changed, in the same
    transaction, after the flush (ticketing keeps a venue quota per festival day with it)."""
    app.extensions.setdefault(_DAYS_LISTENERS, []).append(listener)


def _days_changed(edition: Edition) -> None:
    for listener in current_app.extensions.get(_DAYS_LISTENERS, ()):
        listener(edition)


def edition_by_year(year: int) -> Edition | None:
    return db.session.scalar(select(Edition).where(Edition.year == year))


def create_edition(*, year: Any, title: Any, tagline: Any = "", description: Any = "",
                   days: Any = (), actor: User | None) -> Edition:
    """A new edition, as a draft. Errors: validation_failed (year, title, tagline, days),
    edition_exists (409) when the year already has one."""
    fields = Fields()
    year = fields.whole_number("year", year, minimum=MIN_YEAR, maximum=MAX_YEAR, required=True)
    title = fields.text("title", title, max_length=200, required=True)
    tagline = fields.text("tagline", tagline, max_length=300)
    description = fields.text("description", description, max_length=10_000)
    clean_days = _check_days(fields, year, days)
    fields.raise_if_any()
    if edition_by_year(year) is not None:
        raise Conflict("edition_exists", _l("There is already an edition in %(year)s.", year=year),
                       fields={"year": [_l("There is already an edition in %(year)s.",
                                           year=year)]})
    edition = Edition(year=year, title=title, tagline=tagline, description=description,
                      status=EditionStatus.DRAFT)
    edition.days = [EditionDay(day=d) for d in clean_days]
    db.session.add(edition)
    edition.status_changes.append(EditionStatusChange(
        from_status=None, to_status=EditionStatus.DRAFT, note="", actor_id=_id(actor)))
    db.session.flush()
    _days_changed(edition)
    return edition


def update_edition(edition: Edition, changes: Mapping[str, Any], *,
                   actor: User | None) -> Edition:
    """Change an edition's title, tagline, description (each a string, French, or
    {language: text}), days or day cut-off (a whole hour from 00:00 to 12:00:
    editions.days). A day that still
    has sessions cannot be removed. Errors: validation_failed, edition_archived (409)."""
    refuse_if_archived(edition)
    fields = Fields()
    unknown = set(changes) - set(EDITION_FIELDS)
    for name in sorted(unknown):
        fields.add(name, _l("This field cannot be changed here."))
    values: dict[str, Any] = {}
    # The public texts: a string (French) or {language: text} (core/translated.py).
    for name, limit, required in (("title", 200, True), ("tagline", 300, False),
                                  ("description", 10_000, False)):
        if name in changes:
            edition.set_texts(name, changes[name], fields.errors, max_length=limit,
                              required=required)
    if "day_cutoff" in changes:
        cutoff = changes["day_cutoff"]
        if not isinstance(cutoff, time) or not valid_cutoff(cutoff):
            fields.add("day_cutoff", _l("Give a whole hour from 00:00 to 12:00."))
        else:
            values["day_cutoff"] = cutoff
    new_days = None
    if "days" in changes:
        new_days = _check_days(fields, edition.year, changes["days"])
        if edition.is_public and not new_days and "days" not in fields.errors:
            fields.add("days", _l("A published edition needs at least one day."))
    fields.raise_if_any()
    for name, value in values.items():
        setattr(edition, name, value)
    if new_days is not None:
        _replace_days(edition, new_days)
    db.session.flush()
    if new_days is not None:
        _days_changed(edition)
    return edition


def _replace_days(edition: Edition, new_days: list[date]) -> None:
    removed = set(edition.dates) - set(new_days)
    if removed:
        busy = _sessions_per_day(edition, removed)
        if busy:
            raise ValidationError({"days": [
                _l("%(day)s still has %(n)s session(s): move them first.", day=d.isoformat(),
                   n=n) for d, n in sorted(busy.items())]})
    keep = {d.day: d for d in edition.days if d.day in new_days}
    edition.days = [keep.get(d) or EditionDay(day=d) for d in new_days]


def _sessions_per_day(edition: Edition, days: set[date]) -> dict[date, int]:
    counts: dict[date, int] = {}
    starts = db.session.scalars(select(ProgrammeSession.starts_at).where(
        ProgrammeSession.edition_id == edition.id))
    for start in starts:
        day = day_of(start, cutoff_of(edition))
        if day in days:
            counts[day] = counts.get(day, 0) + 1
    return counts


def change_edition_status(edition: Edition, to_status: Any, *, actor: User | None,
                          note: str = "", confirm: bool = False) -> EditionStatusChange:
    """Move an edition along draft → published → on_sale → closed → archived (see TRANSITIONS),
    recording who, when and why. Closing and archiving need `confirm`. Publishing needs at
    least one day and one venue. Errors: validation_failed (status, confirm),
    invalid_transition (409), edition_incomplete (409)."""
    fields = Fields()
    target = fields.choice("status", to_status, EditionStatus)
    note = fields.text("note", note, max_length=2000)
    fields.raise_if_any()
    db.session.flush()
    db.session.refresh(edition, with_for_update=True)  # one status change at a time
    current = edition.status
    if target not in TRANSITIONS[current]:
        raise Conflict("invalid_transition",
                       _l("An edition cannot go from “%(current)s” to “%(target)s”.",
                          current=EDITION_STATUS[current], target=EDITION_STATUS[target]),
                       fields={"status": [_l("Not possible from “%(current)s”.",
                                             current=EDITION_STATUS[current])]})
    if target in NEEDS_CONFIRMATION and not confirm:
        raise ValidationError({"confirm": [_l("Confirm that you want to do this: it is not "
                                              "easily undone.")]},
                              _l("This change needs an explicit confirmation."))
    if current is EditionStatus.DRAFT:
        missing = []
        if not edition.days:
            missing.append(_l("at least one day"))
        if not edition.venues:
            missing.append(_l("a venue"))
        if missing:
            raise Conflict("edition_incomplete",
                           _l("Before it is published, the edition needs %(what)s.",
                              what=", ".join(str(m) for m in missing)))
    change = EditionStatusChange(from_status=current, to_status=target, note=note,
                                 actor_id=_id(actor))
    edition.status = target
    edition.status_changes.append(change)
    db.session.flush()
    return change


# Venues -------------------------------------------------------------------------------------

def _venue_values(fields: Fields, data: Mapping[str, Any], partial: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if not partial or "name" in data:
        values["name"] = fields.text("name", data.get("name"), max_length=200, required=True)
    for name, length in (("address", 300), ("postcode", 10), ("city", 120)):
        if not partial or name in data:
            values[name] = fields.text(name, data.get(name), max_length=length)
    if not partial or "capacity" in data:
        values["capacity"] = fields.whole_number("capacity", data.get("capacity"), minimum=1,
                                                 maximum=100_000)
    values.update(venue_practical_values(fields, data, partial))
    return values


def add_venue(edition: Edition, data: Mapping[str, Any], *, actor: User | None) -> Venue:
    """A venue (name, address, postcode, city, capacity; its map link, transport and access:
    services.practical). Errors: validation_failed, edition_archived (409)."""
    refuse_if_archived(edition)
    fields = Fields()
    values = _venue_values(fields, data, partial=False)
    fields.raise_if_any()
    venue = Venue(**values)
    edition.venues.append(venue)
    db.session.flush()
    return venue


def update_venue(venue: Venue, data: Mapping[str, Any], *, actor: User | None) -> Venue:
    refuse_if_archived(venue.edition)
    fields = Fields()
    values = _venue_values(fields, data, partial=True)
    fields.raise_if_any()
    for name, value in values.items():
        setattr(venue, name, value)
    db.session.flush()
    return venue


def remove_venue(venue: Venue, *, actor: User | None) -> None:
    """Errors: edition_archived, last_venue (409: a public edition keeps at least one)."""
    edition = venue.edition
    refuse_if_archived(edition)
    if edition.is_public and len(edition.venues) == 1:
        raise Conflict("last_venue", _l("A published edition keeps at least one venue."))
    for day in edition.days:  # its days go back to the main venue
        if day.venue_id == venue.id:
            day.venue = None
    edition.venues.remove(venue)
    db.session.flush()


# Organisers ---------------------------------------------------------------------------------

def add_organiser(edition: Edition, association_id: Any, role: Any, *,
                  actor: User | None) -> EditionOrganiser:
    """A member association organises the edition as lead, co-organiser or partner (one lead
    at most). Errors: validation_failed (association_id, role), edition_archived,
    already_organiser (409), lead_taken (409)."""
    refuse_if_archived(edition)
    fields = Fields()
    role = fields.choice("role", role, OrganiserRole)
    association = None
    if isinstance(association_id, int) and not isinstance(association_id, bool):
        association = db.session.get(Association, association_id)
    if association is None:
        fields.add("association_id", _l("Choose an association of the registry."))
    elif association.status is not MembershipStatus.MEMBER:
        fields.add("association_id", _l("Only member associations can organise an edition."))
    fields.raise_if_any()
    if any(o.association_id == association.id for o in edition.organisers):
        raise Conflict("already_organiser",
                       _l("%(name)s already organises this edition.", name=association.name),
                       fields={"association_id": [_l("Already an organiser.")]})
    if role is OrganiserRole.LEAD and any(o.role is OrganiserRole.LEAD
                                          for o in edition.organisers):
        raise Conflict("lead_taken", _l("This edition already has a lead organiser."),
                       fields={"role": [_l("This edition already has a lead organiser.")]})
    organiser = EditionOrganiser(association=association, role=role)
    edition.organisers.append(organiser)
    db.session.flush()
    return organiser


def remove_organiser(organiser: EditionOrganiser, *, actor: User | None) -> None:
    refuse_if_archived(organiser.edition)
    organiser.edition.organisers.remove(organiser)
    db.session.flush()


def _id(actor: User | None) -> int | None:
    return actor.id if actor is not None else None


__all__ = [
    "DomainError",
    "add_organiser",
    "add_venue",
    "change_edition_status",
    "create_edition",
    "edition_by_year",
    "remove_organiser",
    "remove_venue",
    "update_edition",
    "update_venue",
]
