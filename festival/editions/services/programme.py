"""The programme: rooms, speakers and sessions, with the clash rules."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any, BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.accounts.models import User
from festival.associations.models import Association, Pole
from festival.core.errors import Conflict, ValidationError
from festival.core.translated import clean_texts
from festival.core.urls import is_web_address
from festival.editions import photos
from festival.editions.clashes import Clash, ClashError, Placement, clashes_for, new_clashes
from festival.editions.models import (
    Edition,
    EditionTheme,
    Language,
    ProgrammeSession,
    Room,
    SessionKind,
    SessionLanguage,
    SessionSpeaker,
    SessionStatus,
    Speaker,
    Venue,
)
from festival.editions.services._checks import Fields, is_id, refuse_if_archived
from festival.editions.themes import LABEL_LENGTH as THEME_LENGTH
from festival.editions.themes import lock_themes, name_taken, new_code, resolve_theme
from festival.extensions import db

MAX_SESSION = timedelta(hours=14)
SESSION_FIELDS = ("kind", "title", "abstract", "languages", "pole", "theme", "room_id",
                  "starts_at", "ends_at", "speaker_ids", "status", "is_highlight", "capacity",
                  "registration_required")
ROOM_FIELDS = ("name", "description", "capacity", "opens_at", "closes_at", "venue_id",
               "position", "overflow_room_id", "stream_url")
SPEAKER_FIELDS = ("name", "bio", "association_id")


def _unknown(fields: Fields, given: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for name in sorted(set(given) - set(allowed)):
        fields.add(name, _l("Unknown field."))


def _other_languages(values: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Take the other languages' texts (`<field>_texts`, from Fields.texts) out of `values`:
    {field: texts} for the fields given with them."""
    found = {}
    for key in [key for key in values if key.endswith("_texts")]:
        texts = values.pop(key)
        if texts is not None:
            found[key.removesuffix("_texts")] = texts
    return found


def _store_other_languages(row, others: dict[str, dict[str, str]]) -> None:
    """Replace the other languages of each field in `others` (its French is already set)."""
    translations = dict(row.translations or {})
    for field, texts in others.items():
        translations[field] = dict(texts)
    row.translations = translations  # a new dict: the JSON column sees the change


# Rooms --------------------------------------------------------------------------------------

def _room_values(edition: Edition, fields: Fields, data: Mapping[str, Any],
                 partial: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, limit, required in (("name", 120, True), ("description", 300, False)):
        if not partial or name in data:
            values[name], values[f"{name}_texts"] = fields.texts(
                name, data.get(name), max_length=limit, required=required)
    if not partial or "capacity" in data:
        values["capacity"] = fields.whole_number("capacity", data.get("capacity"), minimum=1,
                                                 maximum=100_000)
    if not partial or "position" in data:
        values["position"] = fields.whole_number("position", data.get("position") or 0,
                                                 minimum=0, maximum=1000) or 0
    for name in ("opens_at", "closes_at"):
        if not partial or name in data:
            value = data.get(name)
            if value is not None and not isinstance(value, time):
                fields.add(name, _l("Give a time of day (HH:MM)."))
            values[name] = value if isinstance(value, time) else None
    for name, model, refusal in (
            ("venue_id", Venue, _l("Choose one of this edition's venues.")),
            ("overflow_room_id", Room, _l("Choose one of this edition's rooms."))):
        if not partial or name in data:
            values[name] = _own_row(edition, fields, name, model, data.get(name), refusal)
    if not partial or "stream_url" in data:
        stream = fields.text("stream_url", data.get("stream_url"), max_length=500)
        if stream and not is_web_address(stream):
            fields.add("stream_url", _l("Give a web address starting with https:// (or "
                                        "http://)."))
        values["stream_url"] = stream or ""
    return values


def _own_row(edition: Edition, fields: Fields, name: str, model, raw: Any,
             refusal) -> int | None:
    """The id of a row of `model` (a venue, a room) of this edition, or None for none."""
    if raw in (None, "", 0):
        return None
    row = db.session.get(model, raw) if is_id(raw) else None
    if row is None or row.edition_id != edition.id:
        fields.add(name, refusal)
        return None
    return row.id


def _check_hours(fields: Fields, opens: time | None, closes: time | None) -> None:
    if (opens is None) != (closes is None):
        fields.add("closes_at" if closes is None else "opens_at",
                   _l("Give both the opening and the closing time, or neither."))
    elif opens is not None and opens == closes:
        fields.add("closes_at", _l("The room must close at another time than it opens."))


def _check_room_name(edition: Edition, name: str, room_id: int | None) -> None:
    taken = db.session.scalar(select(Room.id).where(Room.edition_id == edition.id,
                                                    Room.name == name))
    if taken is not None and taken != room_id:
        message = _l("This edition already has a room called “%(name)s”.", name=name)
        raise Conflict("room_name_taken", message, fields={"name": [message]})


def create_room(edition: Edition, data: Mapping[str, Any], *, actor: User | None) -> Room:
    """A room or stage (name, capacity, opening hours in Paris, venue; where to send people
    when it is full: an overflow room and a stream's address). Errors: validation_failed,
    room_name_taken (409), edition_archived (409)."""
    refuse_if_archived(edition)
    fields = Fields()
    _unknown(fields, data, ROOM_FIELDS)
    values = _room_values(edition, fields, data, partial=False)
    _check_hours(fields, values["opens_at"], values["closes_at"])
    fields.raise_if_any()
    _check_room_name(edition, values["name"], None)
    others = _other_languages(values)
    room = Room(edition=edition, **values)
    _store_other_languages(room, others)
    db.session.add(room)
    db.session.flush()
    return room


def update_room(room: Room, data: Mapping[str, Any], *, actor: User | None) -> Room:
    """Change a room. New opening hours may leave sessions outside them: the conflicts page
    shows those. Errors: as create_room."""
    refuse_if_archived(room.edition)
    fields = Fields()
    _unknown(fields, data, ROOM_FIELDS)
    values = _room_values(room.edition, fields, data, partial=True)
    if values.get("overflow_room_id") == room.id:
        fields.add("overflow_room_id", _l("The overflow room must be another room."))
    _check_hours(fields, values.get("opens_at", room.opens_at),
                 values.get("closes_at", room.closes_at))
    fields.raise_if_any()
    if "name" in values:
        _check_room_name(room.edition, values["name"], room.id)
    others = _other_languages(values)
    for name, value in values.items():
        setattr(room, name, value)
    _store_other_languages(room, others)
    db.session.flush()
    return room


# Themes -------------------------------------------------------------------------------------

def create_theme(edition: Edition, texts: dict, *, actor=None) -> EditionTheme:
    """A theme of the edition's own, named per language ({language: name}; French
    required). A French name the edition or the registry already has is refused.
    Errors: validation_failed (label, label_<language>), edition_archived (409)."""
    refuse_if_archived(edition)
    errors: dict[str, list] = {}
    clean = clean_texts(dict(texts), errors, max_length=THEME_LENGTH, required=True,
                        one_line=True, key=lambda lang: "label" if lang == "fr" else
                        f"label_{lang}")
    french = clean.get("fr", "")
    if not errors:
        lock_themes(edition)  # then the names: another organiser's new theme is seen
    if french and name_taken(edition, french):
        errors.setdefault("label", []).append(_l("This edition already has this theme."))
    if errors:
        raise ValidationError(errors)
    row = EditionTheme(code=new_code(edition, french), label_fr=french,
                       translations={"label": {k: v for k, v in clean.items() if k != "fr"}})
    edition.themes.append(row)
    db.session.flush()
    return row


def set_theme_names(theme: EditionTheme, texts: dict, *, actor=None) -> EditionTheme:
    """Rename one of an edition's themes in every language ({language: name}; French
    required). Errors: validation_failed (label, label_<language>)."""
    refuse_if_archived(theme.edition)
    lock_themes(theme.edition)  # another organiser's rename is seen before the names are
    errors: dict[str, list] = {}
    theme.set_texts("label", dict(texts), errors, max_length=THEME_LENGTH, required=True)
    if "label" not in errors and name_taken(theme.edition, theme.label_fr, but=theme.code):
        errors.setdefault("label", []).append(_l("This edition already has this theme."))
    if errors:
        raise ValidationError(errors)
    db.session.flush()
    return theme


# Speakers -----------------------------------------------------------------------------------

def _speaker_values(fields: Fields, data: Mapping[str, Any], partial: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if not partial or "name" in data:
        values["name"] = fields.text("name", data.get("name"), max_length=200, required=True)
    if not partial or "bio" in data:
        values["bio"], values["bio_texts"] = fields.texts("bio", data.get("bio"),
                                                          max_length=3000)
    if not partial or "association_id" in data:
        association_id = data.get("association_id")
        if association_id in (None, ""):
            values["association_id"] = None
        elif not is_id(association_id) or db.session.get(Association, association_id) is None:
            fields.add("association_id", _l("Choose an association of the registry."))
        else:
            values["association_id"] = association_id
    return values


def create_speaker(data: Mapping[str, Any], *, actor: User | None) -> Speaker:
    """A speaker (name, short bio, optional association). Errors: validation_failed."""
    fields = Fields()
    _unknown(fields, data, SPEAKER_FIELDS)
    values = _speaker_values(fields, data, partial=False)
    fields.raise_if_any()
    others = _other_languages(values)
    speaker = Speaker(**values)
    _store_other_languages(speaker, others)
    db.session.add(speaker)
    db.session.flush()
    return speaker


def update_speaker(speaker: Speaker, data: Mapping[str, Any], *,
                   actor: User | None) -> Speaker:
    fields = Fields()
    _unknown(fields, data, SPEAKER_FIELDS)
    values = _speaker_values(fields, data, partial=True)
    fields.raise_if_any()
    others = _other_languages(values)
    for name, value in values.items():
        setattr(speaker, name, value)
    _store_other_languages(speaker, others)
    db.session.flush()
    return speaker


def set_speaker_photo(speaker: Speaker, stream: BinaryIO | None, *,
                      actor: User | None) -> Speaker:
    """Replace (or, with None, remove) a speaker's photo. Only real images are accepted; they
    are re-encoded. Errors: validation_failed (photo)."""
    old = speaker.photo_filename
    if stream is None:
        speaker.photo_filename = None
    else:
        jpeg = photos.reencode_photo(stream)
        speaker.photo_filename = photos.store_photo(jpeg, speaker.guid)
    db.session.flush()
    if old and old != speaker.photo_filename:
        photos.delete_photo(old)
    return speaker


# Sessions -----------------------------------------------------------------------------------

def _session_values(edition: Edition, fields: Fields, data: Mapping[str, Any],
                    partial: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}

    def given(name: str) -> bool:
        return not partial or name in data

    if given("kind"):
        values["kind"] = fields.choice("kind", data.get("kind"), SessionKind)
    # The public texts: a string (French) or {language: text} (core/translated.py).
    for name, limit, required in (("title", 250, True), ("abstract", 10_000, False)):
        if given(name):
            values[name], values[f"{name}_texts"] = fields.texts(
                name, data.get(name), max_length=limit, required=required)
    if given("status"):
        values["status"] = fields.choice("status", data.get("status") or "draft", SessionStatus)
    if given("is_highlight"):
        values["is_highlight"] = bool(data.get("is_highlight"))
    if given("registration_required"):
        values["registration_required"] = data.get("registration_required") is True
    if given("capacity"):
        values["capacity"] = fields.whole_number("capacity", data.get("capacity"), minimum=1,
                                                 maximum=100_000)
    if given("pole"):
        values["pole"] = fields.choice("pole", data.get("pole"), Pole, required=False)
    if given("theme"):  # a code, or a name: an unknown name makes a theme of the edition
        theme = fields.text("theme", data.get("theme"), max_length=80)
        values["theme"] = resolve_theme(edition, theme, fields.errors) if theme else ""
    if given("languages"):
        raw = data.get("languages") or []
        if isinstance(raw, str) or not isinstance(raw, (list, tuple, set, frozenset)):
            fields.add("languages", _l("Give a list of languages."))
        else:
            langs = [fields.choice("languages", v, Language) for v in raw]
            if not raw:
                fields.add("languages", _l("Choose at least one language."))
            values["languages"] = [lang for lang in dict.fromkeys(langs) if lang is not None]
    if given("room_id"):
        room_id = data.get("room_id")
        room = db.session.get(Room, room_id) if is_id(room_id) else None
        if room is None or room.edition_id != edition.id:
            fields.add("room_id", _l("Choose one of this edition's rooms."))
        values["room"] = room
    for name in ("starts_at", "ends_at"):
        if given(name):
            moment = data.get(name)
            if not isinstance(moment, datetime) or moment.tzinfo is None:
                fields.add(name, _l("Give a date and time with its time zone."))
                moment = None
            values[name] = moment
    if given("speaker_ids"):
        raw = data.get("speaker_ids") or []
        if isinstance(raw, str) or not isinstance(raw, (list, tuple)) or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in raw):
            fields.add("speaker_ids", _l("Give a list of speaker ids."))
        else:
            ids = list(dict.fromkeys(raw))
            known = [i for i in ids if is_id(i)]
            found = {s.id: s for s in db.session.scalars(
                select(Speaker).where(Speaker.id.in_(known)))} if known else {}
            missing = [str(i) for i in ids if i not in found]
            if missing:
                fields.add("speaker_ids", _l("Unknown speaker(s): %(ids)s.",
                                             ids=", ".join(missing)))
            values["speakers"] = [found[i] for i in ids if i in found]
    return values


def _check_session(fields: Fields, merged: Mapping[str, Any]) -> None:
    if merged.get("pole") is not None and merged.get("theme"):
        fields.add("theme", _l("Choose a pôle or a free theme, not both."))
    start, end = merged.get("starts_at"), merged.get("ends_at")
    if start is not None and end is not None and "starts_at" not in fields.errors:
        if end <= start:
            fields.add("ends_at", _l("The session must end after it starts."))
        elif end - start > MAX_SESSION:
            fields.add("ends_at", _l("A session lasts at most %(n)s hours.",
                                     n=int(MAX_SESSION.total_seconds() // 3600)))


def _current(session: ProgrammeSession) -> dict[str, Any]:
    # The French texts (the columns): the attributes read in the current language.
    return {"kind": session.kind, "title": session.title_fr, "abstract": session.abstract_fr,
            "status": session.status, "is_highlight": session.is_highlight,
            "registration_required": session.registration_required,
            "capacity": session.capacity, "pole": session.pole, "theme": session.theme,
            "languages": session.languages,
            "room": session.room, "starts_at": session.starts_at, "ends_at": session.ends_at,
            "speakers": session.speakers}


def _placement(session_id: int | None, values: Mapping[str, Any]) -> Placement:
    return Placement(session_id, values["title"], values["room"], values["starts_at"],
                     values["ends_at"], frozenset(s.id for s in values["speakers"]))


def _lock_room(room: Room) -> None:
    # Two organisers booking the same room at once: the second waits, then sees the first.
    db.session.execute(select(Room.id).where(Room.id == room.id).with_for_update())


# A change of these makes calendar clients replace the copy they imported (SEQUENCE).
RESCHEDULING = ("starts_at", "ends_at", "room", "status")


def _save(session: ProgrammeSession, values: Mapping[str, Any]) -> None:
    if session.id is not None and any(values[name] != getattr(session, name)
                                      for name in RESCHEDULING):
        # In SQL, so that two organisers saving at once still count two changes.
        session.sequence = ProgrammeSession.sequence + 1
    for name in ("kind", "title", "abstract", "status", "is_highlight", "capacity", "pole",
                 "theme", "starts_at", "ends_at", "registration_required"):
        setattr(session, name, values[name])
    for name in ("title", "abstract"):
        if values.get(f"{name}_texts") is not None:  # other languages given: they replace
            session.set_texts(name, {"fr": values[name], **values[f"{name}_texts"]}, {},
                              max_length=10_000)
    session.room = values["room"]
    wanted = list(values["languages"])
    session.language_rows = [row for row in session.language_rows if row.language in wanted]
    have = {row.language for row in session.language_rows}
    session.language_rows.extend(SessionLanguage(language=lang) for lang in wanted
                                 if lang not in have)
    links = {link.speaker_id: link for link in session.speaker_links}
    session.speaker_links = []
    for position, speaker in enumerate(values["speakers"]):
        link = links.get(speaker.id) or SessionSpeaker(speaker=speaker)
        link.position = position
        session.speaker_links.append(link)


def create_session(edition: Edition, data: Mapping[str, Any], *, actor: User | None,
                   confirm_clashes: bool = False) -> tuple[ProgrammeSession, list[Clash]]:
    """A session of the programme. Clashes (room booked, speaker elsewhere, outside the days or
    the room's hours) are refused unless `confirm_clashes`. Returns the session and the clashes
    it was saved with. Errors: validation_failed, clash (409), edition_archived (409)."""
    refuse_if_archived(edition)
    fields = Fields()
    _unknown(fields, data, SESSION_FIELDS)
    values = _session_values(edition, fields, data, partial=False)
    values.setdefault("speakers", [])
    values.setdefault("languages", [])
    _check_session(fields, values)
    fields.raise_if_any()
    _lock_room(values["room"])
    clashes = clashes_for(edition, _placement(None, values))
    if clashes and not confirm_clashes:
        raise ClashError(clashes)
    session = ProgrammeSession(edition=edition)
    _save(session, values)
    db.session.add(session)
    db.session.flush()
    return session, clashes


def update_session(session: ProgrammeSession, data: Mapping[str, Any], *, actor: User | None,
                   confirm_clashes: bool = False) -> tuple[ProgrammeSession, list[Clash]]:
    """Change a session. Only clashes it did not already have need a confirmation. A change
    of time, room or status (cancelling it, say) counts one more in its `sequence`.
    Errors: as create_session."""
    edition = session.edition
    refuse_if_archived(edition)
    fields = Fields()
    _unknown(fields, data, SESSION_FIELDS)
    before = _current(session)
    changes = _session_values(edition, fields, data, partial=True)
    merged = {**before, **changes}
    _check_session(fields, merged)
    fields.raise_if_any()
    if not merged["languages"]:
        raise ValidationError({"languages": [_l("Choose at least one language.")]})
    _lock_room(merged["room"])
    old = clashes_for(edition, _placement(session.id, before))
    clashes = clashes_for(edition, _placement(session.id, merged))
    fresh = new_clashes(old, clashes)
    if fresh and not confirm_clashes:
        raise ClashError(fresh)
    _save(session, merged)
    db.session.flush()
    return session, clashes


def move_session(session: ProgrammeSession, room_id: int, starts_at: datetime, *,
                 actor: User | None, confirm_clashes: bool = False,
                 dry_run: bool = False) -> tuple[ProgrammeSession, list[Clash]]:
    """Move a session to another room and start, keeping its duration (the grid's drag and
    drop). With `dry_run`, only say which clashes the move would add (nothing changes):
    returns them. Errors: as update_session (clash 409 unless `confirm_clashes`)."""
    data = {"room_id": room_id, "starts_at": starts_at,
            "ends_at": starts_at + (session.ends_at - session.starts_at)}
    if not dry_run:
        return update_session(session, data, actor=actor, confirm_clashes=confirm_clashes)
    edition = session.edition
    refuse_if_archived(edition)
    fields = Fields()
    before = _current(session)
    merged = {**before, **_session_values(edition, fields, data, partial=True)}
    _check_session(fields, merged)
    fields.raise_if_any()
    return session, new_clashes(clashes_for(edition, _placement(session.id, before)),
                                clashes_for(edition, _placement(session.id, merged)))
