"""Setting up the doors: check-in lists and the devices paired to them.

A device is paired through a one-time link (/scan/pair/<code>): only the code's SHA-256 is
stored, it expires, and the conditional UPDATE that consumes it lets exactly one phone pair.
Pairing makes the device's API token (role volunteer); revoking the device revokes the
token, so the phone is refused at once. Services flush and never commit.
"""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from festival.accounts.models import ApiToken, User
from festival.accounts.services import create_api_token, revoke_api_token
from festival.checkin.models import CheckinList, Device
from festival.checkin.queries import forget_doors
from festival.core.access import Role
from festival.core.errors import DomainError, NotFound, ValidationError
from festival.core.timeutil import utcnow
from festival.core.translated import clean_texts
from festival.extensions import db
from festival.ticketing.models import TicketType

PAIRING_VALIDITY = timedelta(hours=24)
NAME_LENGTH = 120


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _text(value, field: str, errors: dict, *, required: bool = True) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        errors[field] = [_l("This field is required.")]
    elif len(text) > NAME_LENGTH:
        errors[field] = [_l("At most %(n)s characters.", n=NAME_LENGTH)]
    return text


def _days(edition, raw, errors: dict) -> list[str]:
    allowed = {d.isoformat() for d in edition.dates}
    days = []
    for value in raw or []:
        text = value.isoformat() if isinstance(value, date) else str(value)
        if text not in allowed:
            errors["days"] = [_l("Choose days of the edition.")]
            return []
        days.append(text)
    return sorted(set(days))


def _types(edition, raw, errors: dict) -> list[TicketType]:
    ids = set()
    for value in raw or []:
        try:
            ids.add(int(value))
        except (TypeError, ValueError):
            errors["ticket_type_ids"] = [_l("Choose ticket types of the edition.")]
            return []
    if not ids:
        return []
    found = list(db.session.scalars(select(TicketType).where(
        TicketType.id.in_(ids), TicketType.edition_id == edition.id)))
    if len(found) != len(ids):
        errors["ticket_type_ids"] = [_l("Choose ticket types of the edition.")]
    return found


def _apply_list(edition, checkin_list: CheckinList, data: dict) -> None:
    forget_doors()
    errors: dict[str, list] = {}
    # The name the scanner shows: a string (French) or {language: text} (core/translated.py).
    raw_name = data.get("name")
    others = None
    if isinstance(raw_name, Mapping):
        clean = clean_texts(raw_name, errors, max_length=NAME_LENGTH, required=True,
                            one_line=True,
                            key=lambda lang: "name" if lang == "fr" else f"name_{lang}")
        name = clean.get("fr", "")
        others = {lang: text for lang, text in clean.items() if lang != "fr"}
    else:
        name = _text(raw_name, "name", errors)
    days = _days(edition, data.get("days"), errors)
    types = _types(edition, data.get("ticket_type_ids"), errors)
    if errors:
        raise ValidationError(errors)
    checkin_list.name = name
    if others is not None:
        checkin_list.translations = {**(checkin_list.translations or {}), "name": others}
    checkin_list.days = days
    checkin_list.ticket_types = types
    if "room_id" in data:
        checkin_list.room_id = _room(edition, data["room_id"])
    elif checkin_list.id is None:  # a new list named after a room keeps that room's door
        checkin_list.room_id = next((r.id for r in edition.rooms
                                     if r.name_fr.strip().lower() == name.strip().lower()),
                                    None)
    for flag in ("allow_reentry", "admit_unpaid", "is_active", "allow_self_pairing"):
        if flag in data:
            setattr(checkin_list, flag, bool(data[flag]))


def _room(edition, raw) -> int | None:
    """The id of one of the edition's rooms, or None for none. Error: validation_failed."""
    if raw in (None, "", 0, "0"):
        return None
    room_id = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
    if room_id is None or not any(r.id == room_id for r in edition.rooms):
        raise ValidationError({"room_id": [_l("Choose one of the edition's rooms.")]})
    return room_id


def create_list(edition, data: dict, *, actor: User | None = None) -> CheckinList:
    """A check-in list: name, days (ISO dates of the edition; none: every day), the ticket
    types it admits (none: all), allow_reentry, admit_unpaid, allow_self_pairing (default
    yes), room_id (the room whose door it keeps; by default the room it is named after, if
    any). Error: validation_failed."""
    checkin_list = CheckinList(edition_id=edition.id, created_at=utcnow(), is_active=True,
                               allow_reentry=False, admit_unpaid=False,
                               allow_self_pairing=True)
    _apply_list(edition, checkin_list, data)
    db.session.add(checkin_list)
    db.session.flush()
    return checkin_list


def update_list(checkin_list: CheckinList, data: dict, *, actor: User | None = None) -> None:
    """Change a list's rules; doors apply them from their next scan. Error: as create_list."""
    _apply_list(checkin_list.edition, checkin_list, data)
    db.session.flush()


def create_device(checkin_list: CheckinList, *, name: str, gate: str,
                  actor: User | None = None, now: datetime | None = None
                  ) -> tuple[Device, str]:
    """A device waiting to be paired at `gate` for `checkin_list`; returns it and its
    one-time pairing code (never stored). Error: validation_failed (name, gate)."""
    errors: dict[str, list] = {}
    gate = _text(gate, "gate", errors)
    name = _text(name, "name", errors, required=False) or gate
    if errors:
        raise ValidationError(errors)
    device = Device(edition_id=checkin_list.edition_id, list_id=checkin_list.id, name=name,
                    gate=gate, created_by_id=actor.id if actor else None,
                    created_at=now or utcnow())
    db.session.add(device)
    code = issue_pairing_code(device, actor=actor, now=now)
    return device, code


def issue_pairing_code(device: Device, *, actor: User | None = None,
                       now: datetime | None = None) -> str:
    """A new one-time pairing code for the device. A phone already paired with it is
    unpaired (its token revoked): one device, one phone."""
    forget_doors()
    now = now or utcnow()
    if device.api_token_id is not None:
        revoke_api_token(device.api_token_id, actor=actor)
        device.api_token_id = None
    code = secrets.token_urlsafe(16)
    device.pairing_code_hash = _hash(code)
    device.pairing_expires_at = now + PAIRING_VALIDITY
    device.paired_at = None
    device.revoked_at = None
    db.session.flush()
    return code


def device_for_pairing_code(code: str, *, now: datetime | None = None) -> Device:
    """The device a live pairing code names. Error: pairing_code_invalid (404), the same
    whether the code is unknown, used or expired."""
    now = now or utcnow()
    device = None
    if isinstance(code, str) and 10 <= len(code) <= 64:
        device = db.session.scalar(select(Device).where(Device.pairing_code_hash == _hash(code)))
    if device is None or device.revoked_at is not None or device.pairing_expires_at is None \
            or device.pairing_expires_at <= now:
        raise NotFound("pairing_code_invalid",
                       _l("This pairing link is not valid: it was used already or it has "
                          "expired. Ask an organiser for a new one."))
    return device


def pair_device(code: str, *, now: datetime | None = None) -> tuple[Device, str]:
    """Pair the phone that opened the link: consume the code (once, whatever the
    concurrency) and make the device's token. Returns the device and the plain token.
    Error: pairing_code_invalid (404)."""
    now = now or utcnow()
    device = device_for_pairing_code(code, now=now)
    consumed = db.session.execute(
        update(Device).where(Device.id == device.id,
                             Device.pairing_code_hash == _hash(code))
        .values(pairing_code_hash=None, pairing_expires_at=None, paired_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if consumed != 1:
        raise NotFound("pairing_code_invalid", _l("This pairing link has just been used."))
    db.session.refresh(device)
    token, plain = create_api_token(f"{device.name} · {device.gate}"[:120], Role.VOLUNTEER)
    device.api_token_id = token.id
    db.session.flush()
    return device, plain


def create_list_token(list_id: int, *, name: str, gate: str = "",
                      actor: User | None = None) -> tuple[Device, str]:
    """A volunteer API token bound to one check-in list, as a paired phone's is: a device of
    the list (at `gate`, by default its name) made and paired at once, for a scanner set up
    by hand. It is listed and revoked with the list's devices. Returns the device and the
    plain token. Errors: list_not_found (404), validation_failed (name, gate)."""
    checkin_list = (db.session.get(CheckinList, list_id)
                    if isinstance(list_id, int) and 1 <= list_id <= 2**31 - 1 else None)
    if checkin_list is None:
        raise NotFound("list_not_found", _l("There is no such check-in list."))
    if not " ".join(str(name or "").split()):
        raise ValidationError({"name": [_l("Give the token a name.")]})
    _device, code = create_device(checkin_list, name=name, gate=gate or name, actor=actor)
    db.session.flush()
    return pair_device(code)


def pair_own_phone(edition, list_id, *, gate: str, actor: User,
                   now: datetime | None = None) -> tuple[Device, str]:
    """A logged-in volunteer pairs the phone in their hand at `gate` of a list, with no
    pairing link: a device named after them is made and paired at once, exactly as a link
    would pair it. The list must be open, of `edition` (the current one) and allow it
    (allow_self_pairing). Returns the device and the plain token.
    Errors: list_not_found (404), self_pairing_refused (403), validation_failed (gate)."""
    checkin_list = (db.session.get(CheckinList, list_id)
                    if isinstance(list_id, int) and 1 <= list_id <= 2**31 - 1 else None)
    if checkin_list is None or edition is None or checkin_list.edition_id != edition.id:
        raise NotFound("list_not_found", _l("There is no such check-in list."))
    if not (checkin_list.is_active and checkin_list.allow_self_pairing):
        raise DomainError("self_pairing_refused",
                          _l("Volunteers cannot pair themselves to this list: ask an "
                             "organiser for a pairing link."), status=403)
    name = (actor.display_name or "")[:NAME_LENGTH]
    _device, code = create_device(checkin_list, name=name, gate=gate, actor=actor, now=now)
    db.session.flush()
    return pair_device(code, now=now)


def update_device(device: Device, data: dict, *, actor: User | None = None) -> None:
    """Rename a device, or move it to another gate or list of its edition.
    Error: validation_failed (name, gate, list_id)."""
    forget_doors()
    errors: dict[str, list] = {}
    name = _text(data.get("name", device.name), "name", errors)
    gate = _text(data.get("gate", device.gate), "gate", errors)
    list_id = data.get("list_id", device.list_id)
    target = db.session.get(CheckinList, list_id) if isinstance(list_id, int) else None
    if target is None or target.edition_id != device.edition_id:
        errors["list_id"] = [_l("Choose a check-in list of the edition.")]
    if errors:
        raise ValidationError(errors)
    device.name, device.gate, device.list_id = name, gate, target.id
    token = db.session.get(ApiToken, device.api_token_id) if device.api_token_id else None
    if token is not None:
        token.name = f"{name} · {gate}"[:120]
    db.session.flush()


def revoke_device(device: Device, *, actor: User | None = None,
                  now: datetime | None = None) -> None:
    """Stop a device for good: its token is revoked (refused from its next request) and
    its pairing code, if any, dies."""
    forget_doors()
    now = now or utcnow()
    if device.api_token_id is not None:
        revoke_api_token(device.api_token_id, actor=actor)
    device.revoked_at = device.revoked_at or now
    device.pairing_code_hash = None
    device.pairing_expires_at = None
    db.session.flush()
