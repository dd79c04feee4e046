"""Speakers of accepted proposals keep their own page from the link sent by e-mail
(proposals.links): their bio per language, a photo and links, which organisers approve
before they are published; and they say which slots of the festival they are free for."""
from __future__ import annotations

import io
import secrets
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l

from festival.accounts.models import User
from festival.core.errors import Conflict, ValidationError
from festival.core.translated import clean_texts
from festival.core.unit_of_work import lock_row
from festival.core.urls import is_web_address
from festival.editions import photos
from festival.editions.models import Speaker
from festival.editions.services._checks import Fields
from festival.editions.services.editions import MAX_DAYS
from festival.extensions import db
from festival.proposals.calls import refuse_unless_organiser
from festival.proposals.models import (
    DayPart,
    ProfileChangeStatus,
    ProposalSpeaker,
    SpeakerAvailability,
    SpeakerProfileChange,
)
from festival.proposals.services import _slots, slot_choices

MAX_BIO = 3000
MAX_LINKS = 5
MAX_LINK = 300
MAX_PHOTO_BYTES = 5 * 1024 * 1024
# The slots a speaker may say they are free for: every part of every day of the longest
# edition (the view reads no more values than this from the form).
MAX_AVAILABILITY = len(DayPart) * MAX_DAYS
# Photos waiting for approval are kept apart from the public ones (editions.photos serves
# its folder to anyone): only organisers see them, and approval copies them across.
PENDING_FOLDER = "speakers-pending"


def pending_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / PENDING_FOLDER


def pending_photo_path(name: str | None) -> Path | None:
    """The file of a photo waiting for approval (None for a name that is not one)."""
    if not name or "/" in name or "\\" in name or not name.endswith(".jpg"):
        return None
    path = pending_folder() / Path(name).name
    return path if path.is_file() else None


def _store_pending(jpeg: bytes) -> str:
    folder = pending_folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_urlsafe(24)}.jpg"
    (folder / name).write_bytes(jpeg)
    return name


def _delete_pending(name: str | None) -> None:
    path = pending_photo_path(name)
    if path is not None:
        path.unlink(missing_ok=True)


def pending_change(row: ProposalSpeaker) -> SpeakerProfileChange | None:
    return db.session.scalar(db.select(SpeakerProfileChange).where(
        SpeakerProfileChange.speaker_id == row.speaker_id,
        SpeakerProfileChange.status == ProfileChangeStatus.PENDING))


def _read_photo(stream: BinaryIO) -> bytes:
    data = stream.read(MAX_PHOTO_BYTES + 1)
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationError({"photo": [_l("The photo may weigh %(n)s MB at most.", n=5)]})
    return photos.reencode_photo(io.BytesIO(data))


def submit_profile(row: ProposalSpeaker, data: Mapping[str, Any],
                   photo: BinaryIO | None = None) -> SpeakerProfileChange:
    """The speaker's bio ({language: text}, French or any language), links (at most 5
    http(s) addresses) and, optionally, a new photo (a real image of at most 5 MB,
    re-encoded), kept for an organiser to approve. A change still waiting is replaced (under
    the speaker's lock: one decided meanwhile is left as decided). Errors: validation_failed
    (bio, bio_<language>, links, photo)."""
    errors: dict[str, list] = {}
    raw_bio = data.get("bio")
    bio = clean_texts(raw_bio if isinstance(raw_bio, Mapping) else {"fr": raw_bio}, errors,
                      key=lambda lang: "bio" if lang == "fr" else f"bio_{lang}",
                      max_length=MAX_BIO)
    raw_links = data.get("links") or []
    links: list[str] = []
    if isinstance(raw_links, (str, bytes, Mapping)) or not isinstance(raw_links, (list, tuple)):
        errors.setdefault("links", []).append(_l("Give a list of web addresses."))
    elif len([v for v in raw_links if v]) > MAX_LINKS:
        errors.setdefault("links", []).append(_l("%(n)s links at most.", n=MAX_LINKS))
    else:
        for value in raw_links:
            value = value.strip() if isinstance(value, str) else value
            if not value:
                continue
            if not isinstance(value, str) or len(value) > MAX_LINK or not is_web_address(value):
                errors.setdefault("links", []).append(
                    _l("Give web addresses starting with https:// (or http://)."))
                break
            if value not in links:
                links.append(value)
    if errors:
        raise ValidationError(errors)
    jpeg = _read_photo(photo) if photo is not None else None
    # The speaker's row is locked (as decide_profile_change does first) so that a change an
    # organiser decides meanwhile is never written over, and two sends make one change.
    lock_row(Speaker, row.speaker_id)
    change = pending_change(row)
    if change is None:
        change = SpeakerProfileChange(speaker_id=row.speaker_id, proposal_speaker=row,
                                      status=ProfileChangeStatus.PENDING)
        db.session.add(change)
    change.bio, change.links = bio, links
    if jpeg is not None:
        old = change.photo_filename
        change.photo_filename = _store_pending(jpeg)
        _delete_pending(old)
    db.session.flush()
    return change


def confirm_availability(row: ProposalSpeaker, slots: Any, *, now: datetime
                         ) -> ProposalSpeaker:
    """The slots of the festival's days the speaker is free for (all their rows replaced;
    every slot of the festival at most, not the 12 a proposal prefers), and when they said
    so. Errors: validation_failed (slots)."""
    fields = Fields()
    allowed = slot_choices(row.proposal.call)
    chosen = _slots(fields, slots, allowed, limit=len(allowed))
    fields.raise_if_any()
    row.availability = [SpeakerAvailability(day=day, part=part) for day, part in chosen]
    row.availability_confirmed_at = now
    db.session.flush()
    return row


def decide_profile_change(change: SpeakerProfileChange, *, approve: bool, actor: User,
                          now: datetime, note: Any = "") -> SpeakerProfileChange:
    """An organiser approves (the bio, links and photo are copied onto the speaker's public
    page) or rejects a speaker's change. Errors: organisers_only (403), already_decided (409),
    validation_failed (note)."""
    refuse_unless_organiser(actor)
    fields = Fields()
    note = fields.text("note", note if isinstance(note, str) else "", max_length=2000)
    fields.raise_if_any()
    lock_row(Speaker, change.speaker_id)  # before the change: the order submit_profile takes
    locked = lock_row(SpeakerProfileChange, change.id)
    if locked is None or locked.status is not ProfileChangeStatus.PENDING:
        raise Conflict("already_decided", _l("This change is already decided."))
    change = locked
    change.status = ProfileChangeStatus.APPROVED if approve else ProfileChangeStatus.REJECTED
    change.decided_at, change.decided_by_id, change.note = now, actor.id, note
    speaker = change.speaker
    if approve:
        if change.bio:
            speaker.set_texts("bio", {"fr": "", **change.bio}, {}, max_length=MAX_BIO)
        speaker.links = list(change.links or [])
        pending = pending_photo_path(change.photo_filename)
        if pending is not None:
            old = speaker.photo_filename
            speaker.photo_filename = photos.store_photo(pending.read_bytes(), speaker.guid)
            photos.delete_photo(old)
        _delete_pending(change.photo_filename)
    else:
        _delete_pending(change.photo_filename)
    change.photo_filename = None
    db.session.flush()
    return change


def day_parts() -> list[DayPart]:
    return list(DayPart)
