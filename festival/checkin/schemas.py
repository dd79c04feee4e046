"""JSON shapes of the check-in API, and parsing of what doors send.

Anything malformed is a 422 with field errors; a token that is garbage is not malformed:
it is a scan, answered 200 with the result "invalid".
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from festival.checkin.models import Direction, ScanResult
from festival.checkin.rules import ScanAnswer, TicketFacts
from festival.checkin.services import OfflineScan
from festival.core.errors import ValidationError

CLIENT_SCAN_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_TOKEN_LENGTH = 2000  # a QR code holds at most about 3 kB; anything longer is not a scan
MAX_BATCH = 500


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _id(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 2**31 - 1:
        return None
    return value


def parse_moment(value: Any, field: str, errors: dict) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        errors[field] = [_l("Give a date and time in ISO 8601, with its offset.")]
        return None
    return moment


def parse_scan(body: Any, *, prefix: str = "", offline: bool = False) -> dict[str, Any]:
    """{"token" | "ticket_id", "direction"?, "scan_id"?, "scanned_at"?, "result"? (offline:
    what the device showed)} → keyword arguments of services.check_in."""
    if not isinstance(body, dict):
        raise ValidationError({prefix.rstrip(".") or "body": [_l("Send a JSON object.")]})
    errors: dict[str, list] = {}
    token, ticket_id = body.get("token"), body.get("ticket_id")
    if token is not None and not isinstance(token, str):
        errors[prefix + "token"] = [_l("The token is the text of the QR code.")]
    if ticket_id is not None and _id(ticket_id) is None:
        errors[prefix + "ticket_id"] = [_l("Give a ticket number.")]
    if (token is None) == (ticket_id is None):
        errors[prefix + "token"] = [_l("Give either the token of a QR code or a ticket_id.")]
    if isinstance(token, str) and len(token) > MAX_TOKEN_LENGTH:
        token = token[:MAX_TOKEN_LENGTH]  # still a scan of garbage: answered "invalid"
    try:
        direction = Direction(body.get("direction", "in"))
    except (ValueError, TypeError):
        errors[prefix + "direction"] = [_l("The direction is \"in\" or \"out\".")]
        direction = Direction.IN
    client_scan_id = body.get("scan_id")
    if client_scan_id is not None and (not isinstance(client_scan_id, str)
                                       or not CLIENT_SCAN_ID.match(client_scan_id)):
        errors[prefix + "scan_id"] = [_l("A scan id is 8 to 64 letters, digits, - or _.")]
    scanned_at = parse_moment(body.get("scanned_at"), prefix + "scanned_at", errors)
    local_result = body.get("result")
    if offline:
        if client_scan_id is None:
            errors[prefix + "scan_id"] = [_l("An offline scan needs its scan id.")]
        if body.get("scanned_at") is None:
            errors[prefix + "scanned_at"] = [_l("An offline scan needs its time.")]
        if local_result is not None and (not isinstance(local_result, str) or local_result
                                         not in {r.value for r in ScanResult}):
            errors[prefix + "result"] = [_l("Unknown result.")]
    if errors:
        raise ValidationError(errors)
    parsed = {"token": token, "ticket_id": ticket_id, "direction": direction,
                  "client_scan_id": client_scan_id, "scanned_at": scanned_at}
    if offline:
        parsed["local_result"] = local_result
    return parsed


def parse_sync(body: Any) -> list[OfflineScan | ValidationError]:
    """{"scans": [offline scan, …]} (at most MAX_BATCH). A malformed item does not stop the
    batch: it comes back as its ValidationError, answered as an error for that item alone
    (the device drops it: sending it again would not make it better)."""
    scans = body.get("scans") if isinstance(body, dict) else None
    if not isinstance(scans, list) or not 1 <= len(scans) <= MAX_BATCH:
        raise ValidationError({"scans": [_l("Send a list of 1 to %(n)s scans.", n=MAX_BATCH)]})
    parsed: list[OfflineScan | ValidationError] = []
    for item in scans:
        try:
            parsed.append(OfflineScan(**parse_scan(item, offline=True)))
        except ValidationError as error:
            parsed.append(error)
    return parsed


def item_error_json(item: Any, error: ValidationError) -> dict[str, Any]:
    scan_id = item.get("scan_id") if isinstance(item, dict) else None
    return {"client_scan_id": scan_id if isinstance(scan_id, str) else None,
            "error": error.code, "message": str(error.message),
            "fields": {k: [str(m) for m in v] for k, v in error.fields.items()}}


def ticket_json(ticket: TicketFacts | None) -> dict[str, Any] | None:
    if ticket is None:
        return None
    return {"id": ticket.id, "attendee": ticket.attendee, "ticket_type": ticket.type_name,
            "ticket_type_id": ticket.type_id, "order_code": ticket.order_code,
            "valid_days": list(ticket.valid_days)}


def answer_json(answer: ScanAnswer) -> dict[str, Any]:
    data: dict[str, Any] = {
        "result": answer.result.value, "reason": answer.reason, "scan_id": answer.scan_id,
        "client_scan_id": answer.client_scan_id, "direction": answer.direction.value,
        "scanned_at": iso(answer.scanned_at), "ticket": ticket_json(answer.ticket)}
    if answer.first_scan is not None:
        first = answer.first_scan
        data["first_scan"] = {"id": first.id, "scanned_at": iso(first.scanned_at),
                              "gate": first.gate, "device": first.device_name,
                              "offline": first.is_offline}
    if answer.is_replay:
        data["replayed"] = True
    return data
