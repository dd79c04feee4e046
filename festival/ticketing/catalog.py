"""What is for sale: ticket types with their quotas, vouchers, the venue capacity."""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from festival.accounts.models import User
from festival.core.errors import NotFound, ValidationError
from festival.editions.models import Edition
from festival.extensions import db
from festival.ticketing import quotas
from festival.ticketing.models import Quota, Ticket, TicketType, Voucher
from festival.ticketing.tokens import generate_keypair

VOUCHER_CODE = re.compile(r"^[A-Z0-9-]{4,40}$")
BOOL_DEFAULTS = {"is_pay_what_you_want": False, "requires_attendee_name": True,
                 "is_hidden": False, "is_active": True}


def _int(data: dict, key: str, errors: dict, *, minimum: int = 0, maximum: int = 10**7,
         required: bool = False, default: Any = None) -> int | None:
    if key not in data or data[key] is None or data[key] == "":
        if required:
            errors[key] = [_l("This field is required.")]
        return default
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        errors[key] = [_l("Give a whole number.")]
        return default
    try:
        value = int(value)
    except ValueError:
        errors[key] = [_l("Give a whole number.")]
        return default
    if not minimum <= value <= maximum:
        errors[key] = [_l("Give a number between %(min)s and %(max)s.", min=minimum,
                          max=maximum)]
        return default
    return value


def _bool(data: dict, key: str, errors: dict, default: bool) -> bool:
    value = data.get(key, default)
    if isinstance(value, bool):
        return value
    if value in ("true", "on", "1", 1, "y"):
        return True
    if value in ("false", "off", "0", 0, "", None, "n"):
        return False
    errors[key] = [_l("Give true or false.")]
    return default


def _moment(data: dict, key: str, errors: dict) -> datetime | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            errors[key] = [_l("Give a date and time in ISO 8601, with its offset.")]
            return None
    if moment.tzinfo is None:
        errors[key] = [_l("Give a date and time in ISO 8601, with its offset.")]
        return None
    return moment


def _days(edition, data: dict, errors: dict) -> list[str]:
    raw = data.get("valid_days") or []
    if not isinstance(raw, list):
        errors["valid_days"] = [_l("Give a list of days.")]
        return []
    allowed = {d.isoformat() for d in edition.dates}
    if len(raw) > len(allowed):  # bounded before each value is read
        errors["valid_days"] = [_l("Choose at most the %(n)s days of this edition.",
                                   n=len(allowed))]
        return []
    days = []
    for value in raw:
        try:
            day = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            errors["valid_days"] = [_l("Days are written YYYY-MM-DD.")]
            return []
        if day.isoformat() not in allowed:
            errors["valid_days"] = [_l("%(day)s is not a day of this edition.",
                                       day=day.isoformat())]
            return []
        days.append(day.isoformat())
    return sorted(set(days))


def _apply_type_fields(edition, ticket_type: TicketType, data: dict, *, creating: bool) -> int | None:
    errors: dict[str, list] = {}
    # Texts for the public: French (required), and each other language (core/translated.py).
    if creating or "name" in data:
        ticket_type.set_texts("name", data.get("name"), errors, max_length=120, required=True)
    if "description" in data:
        ticket_type.set_texts("description", data.get("description"), errors,
                              max_length=5000)
    elif creating:
        ticket_type.description = ""
    if creating or "price_cents" in data:
        ticket_type.price_cents = _int(data, "price_cents", errors, required=True, default=0,
                                       maximum=100_000)
    for key in ("is_pay_what_you_want", "requires_attendee_name", "is_hidden", "is_active"):
        if creating or key in data:
            setattr(ticket_type, key, _bool(data, key, errors, BOOL_DEFAULTS[key]))
    if "suggested_price_cents" in data:
        ticket_type.suggested_price_cents = _int(data, "suggested_price_cents", errors,
                                                 maximum=100_000)
    for key in ("sales_open_at", "sales_close_at"):
        if creating or key in data:
            setattr(ticket_type, key, _moment(data, key, errors))
    if creating or "valid_days" in data:
        ticket_type.valid_days = _days(edition, data, errors)
    if creating or "max_per_order" in data:
        ticket_type.max_per_order = _int(data, "max_per_order", errors, minimum=1,
                                         maximum=20, default=10)
    if "position" in data:
        ticket_type.position = _int(data, "position", errors, maximum=1000, default=0)
    quota = None
    if creating or "quota" in data:
        quota = _int(data, "quota", errors, minimum=0, maximum=100_000, required=True)
    if ticket_type.sales_open_at and ticket_type.sales_close_at and \
            ticket_type.sales_close_at <= ticket_type.sales_open_at:
        errors["sales_close_at"] = [_l("Sales must close after they open.")]
    if errors:
        raise ValidationError(errors)
    return quota


def create_ticket_type(edition, data: dict, *, actor: User | None = None) -> TicketType:
    """A new ticket type with its quota. Errors: validation_failed."""
    ticket_type = TicketType(edition_id=edition.id)
    quota = _apply_type_fields(edition, ticket_type, data, creating=True)
    db.session.add(ticket_type)
    db.session.flush()
    quotas.set_quota(edition.id, ticket_type.id, quota)
    return ticket_type


def update_ticket_type(edition, ticket_type: TicketType, data: dict, *,
                       actor: User | None = None) -> TicketType:
    """Change a ticket type; a quota never shrinks below what is held. Errors:
    validation_failed."""
    quota = _apply_type_fields(edition, ticket_type, data, creating=False)
    if quota is not None:
        quotas.set_quota(edition.id, ticket_type.id, quota)
    db.session.flush()
    return ticket_type


def delete_ticket_type(ticket_type: TicketType, *, actor: User | None = None) -> None:
    """Only a ticket type that was never sold can go; others are deactivated."""
    sold = db.session.scalar(select(func.count(Ticket.id)).where(
        Ticket.ticket_type_id == ticket_type.id))
    if sold:
        raise ValidationError({"ticket_type": [_l("Tickets of this type exist: deactivate it "
                                                   "instead.")]})
    db.session.delete(ticket_type)


def set_venue_capacity(edition, size: int) -> list[Quota]:
    """The venue capacity: `size` people on each festival day, a quota per day that every
    ticket admitting on that day counts against. Errors: validation_failed (capacity)."""
    return quotas.set_day_capacity(edition, size)


def get_ticket_type(edition, type_id: int) -> TicketType:
    ticket_type = db.session.get(TicketType, type_id)
    if ticket_type is None or ticket_type.edition_id != edition.id:
        raise NotFound("ticket_type_not_found", _l("No such ticket type."))
    return ticket_type


def create_voucher(edition, data: dict, *, actor: User | None = None) -> Voucher:
    """Errors: validation_failed (code format or taken, ticket type, uses, price)."""
    errors: dict[str, list] = {}
    code = str(data.get("code") or "").strip().upper()
    if not VOUCHER_CODE.match(code):
        errors["code"] = [_l("4 to 40 letters, digits or dashes.")]
    elif db.session.scalar(select(Voucher.id).where(Voucher.edition_id == edition.id,
                                                    Voucher.code == code)):
        errors["code"] = [_l("This code already exists.")]
    type_id = _int(data, "ticket_type_id", errors, minimum=1, maximum=2**31 - 1, required=True)
    if type_id is not None:
        ticket_type = db.session.get(TicketType, type_id)
        if ticket_type is None or ticket_type.edition_id != edition.id:
            errors["ticket_type_id"] = [_l("No such ticket type.")]
    voucher = Voucher(edition_id=edition.id, code=code, ticket_type_id=type_id,
                      max_uses=_int(data, "max_uses", errors, minimum=1, maximum=10_000,
                                    default=1),
                      price_override_cents=_int(data, "price_override_cents", errors,
                                                maximum=100_000),
                      valid_from=_moment(data, "valid_from", errors),
                      valid_until=_moment(data, "valid_until", errors),
                      note=str(data.get("note") or "")[:200])
    if errors:
        raise ValidationError(errors)
    db.session.add(voucher)
    db.session.flush()
    return voucher


def ensure_signing_key(edition) -> bytes:
    """The edition's private key, made once. Two processes racing both write only where the
    key is still empty, and both then read the one that won."""
    from sqlalchemy import update


    if edition.signing_private_key is None:
        private, public = generate_keypair()
        db.session.execute(update(Edition).where(Edition.id == edition.id,
                                                 Edition.signing_private_key.is_(None))
                           .values(signing_private_key=private, signing_public_key=public)
                           .execution_options(synchronize_session=False))
        db.session.refresh(edition, ["signing_private_key", "signing_public_key"])
    return edition.signing_private_key
