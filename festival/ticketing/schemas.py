"""JSON shapes of ticketing objects, and parsing of order requests."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from festival.config import LANGUAGES
from festival.core.errors import ValidationError
from festival.core.urls import absolute_url
from festival.ticketing.models import Order, Ticket, TicketType, Voucher
from festival.ticketing.orders import MAX_TICKETS_PER_ORDER, TOO_MANY_TICKETS, Item
from festival.ticketing.refunds import Admission, RefundPlan

MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database


def iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def ticket_type_json(t: TicketType, *, staff: bool = False) -> dict[str, Any]:
    data = {
        "id": t.id, "name": t.name, "description": t.description,
        "texts": {"name": t.texts_of("name"), "description": t.texts_of("description")},
        "price_cents": t.price_cents, "is_pay_what_you_want": t.is_pay_what_you_want,
        "suggested_price_cents": t.suggested_price_cents,
        "sales_open_at": iso(t.sales_open_at), "sales_close_at": iso(t.sales_close_at),
        "valid_days": list(t.valid_days or []), "max_per_order": t.max_per_order,
        "requires_attendee_name": t.requires_attendee_name,
        "available": t.quota.available if t.quota else None,
    }
    if staff:
        data.update(is_hidden=t.is_hidden, is_active=t.is_active, position=t.position,
                    quota=t.quota.size if t.quota else None,
                    reserved_or_sold=t.quota.used if t.quota else None)
    return data


def voucher_json(v: Voucher) -> dict[str, Any]:
    return {"id": v.id, "code": v.code, "ticket_type_id": v.ticket_type_id,
            "max_uses": v.max_uses, "used": v.used_count,
            "price_override_cents": v.price_override_cents,
            "valid_from": iso(v.valid_from), "valid_until": iso(v.valid_until), "note": v.note}


def ticket_json(t: Ticket, token: str | None) -> dict[str, Any]:
    return {"id": t.id, "ticket_type_id": t.ticket_type_id, "ticket_type": t.ticket_type.name,
            "attendee_name": t.attendee_name, "price_cents": t.price_cents,
            "status": t.status.value, "token": token}


def admission_json(admission: Admission) -> dict[str, Any]:
    """A ticket to be refunded that a door has let in already: where and when."""
    ticket = admission.ticket
    return {"ticket_id": ticket.id, "attendee": ticket.attendee_name or ticket.order.buyer_name,
            "list": admission.list_name, "gate": admission.gate,
            "scanned_at": iso(admission.scanned_at)}


def refund_plan_json(plan: RefundPlan) -> dict[str, Any]:
    return {"amount_cents": plan.amount_cents, "is_full": plan.is_full,
            "tickets": [ticket_json(t, None) for t in plan.tickets],
            "checked_in": [admission_json(a) for a in plan.checked_in]}


def order_json(order: Order, tokens: dict[int, str]) -> dict[str, Any]:
    return {
        "code": order.code, "status": order.status.value, "edition": order.edition.year,
        "name": order.buyer_name, "email": order.email, "language": order.language,
        "tickets_cents": order.tickets_cents, "donation_cents": order.donation_cents,
        "total_cents": order.total_cents, "refunded_cents": order.refunded_cents,
        "payment_method": order.payment_method.value if order.payment_method else None,
        "created_at": iso(order.created_at), "expires_at": iso(order.expires_at),
        "paid_at": iso(order.paid_at),
        "order_url": order_url(order),
        "tickets": [ticket_json(t, tokens.get(t.id)) for t in order.tickets],
    }


def order_url(order: Order) -> str:
    return absolute_url("ticketing.order", code=order.code, secret=order.secret)


def _int_field(value: Any, key: str, errors: dict, *, minimum: int = 0) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        errors[key] = [_l("Give a whole number of at least %(n)s.", n=minimum)]
        return None
    return value


def parse_order_request(body: Any) -> dict[str, Any]:
    """The order request of the API, checked for shape; rules are the service's job."""
    if not isinstance(body, dict):
        raise ValidationError({"body": [_l("Send a JSON object.")]})
    errors: dict[str, list] = {}
    for key in ("email", "name"):
        if not isinstance(body.get(key), str):
            errors[key] = [_l("This field is required.")]
    raw_items = body.get("items")
    items: list[Item] = []
    if not isinstance(raw_items, list) or not raw_items \
            or len(raw_items) > MAX_TICKETS_PER_ORDER:
        errors["items"] = [_l("Give a list of 1 to 20 items.")]
        raw_items = []
    for n, raw in enumerate(raw_items):
        key = f"items.{n}"
        if not isinstance(raw, dict):
            errors[key] = [_l("Each item is an object.")]
            continue
        type_id = _int_field(raw.get("ticket_type_id"), f"{key}.ticket_type_id", errors,
                             minimum=1)
        if type_id is not None and type_id > MAX_ID:
            errors[f"{key}.ticket_type_id"] = [_l("This ticket type does not exist.")]
            type_id = None
        quantity = _int_field(raw.get("quantity"), f"{key}.quantity", errors, minimum=1)
        if quantity is not None and quantity > MAX_TICKETS_PER_ORDER:
            errors[f"{key}.quantity"] = [TOO_MANY_TICKETS]
            quantity = None
        attendees = raw.get("attendees", [])
        if isinstance(attendees, list) and len(attendees) > MAX_TICKETS_PER_ORDER:
            errors[f"{key}.attendees"] = [_l("Give the name of each person, one per ticket.")]
            attendees = []
        elif not isinstance(attendees, list) or not all(isinstance(a, str)
                                                        for a in attendees):
            errors[f"{key}.attendees"] = [_l("Give a list of names.")]
            attendees = []
        price = raw.get("price_cents")
        if price is not None:
            price = _int_field(price, f"{key}.price_cents", errors)
        per_ticket = raw.get("answers", [])
        if not isinstance(per_ticket, list) or len(per_ticket) > MAX_TICKETS_PER_ORDER \
                or any(_answer_map(a) is None for a in per_ticket):
            errors[f"{key}.answers"] = [_l("Give a list with, per ticket, an object of "
                                           "answers by question id.")]
            per_ticket = []
        if type_id is not None and quantity is not None:
            items.append(Item(type_id, quantity, attendees, price,
                              [_answer_map(a) for a in per_ticket]))
    voucher = body.get("voucher")
    if voucher is not None and not isinstance(voucher, str):
        errors["voucher"] = [_l("Give the voucher code as text.")]
    donation = body.get("donation_cents", 0)
    donation = _int_field(donation, "donation_cents", errors) if donation else 0
    language = body.get("language", "fr")
    if language not in LANGUAGES:
        errors["language"] = [_l("fr, en, ar or tzm.")]
    consent = body.get("marketing_consent", False)
    if not isinstance(consent, bool):
        errors["marketing_consent"] = [_l("Give true or false.")]
    # The buyer accepts the terms of sale (ticketing.terms) explicitly: nothing assumes it.
    accepted = body.get("accept_terms")
    if accepted is not True:
        errors["accept_terms"] = [_l("Please accept the terms of sale to order.")]
    answers = body.get("answers", {})
    if _answer_map(answers) is None:
        errors["answers"] = [_l("Give an object of answers by question id.")]
    if errors:
        raise ValidationError(errors)
    return {"buyer_name": body["name"], "email": body["email"], "items": items,
            "voucher_code": voucher, "donation_cents": donation or 0, "language": language,
            "marketing_consent": consent, "terms_accepted": accepted,
            "answers": _answer_map(answers)}


MAX_ANSWERS = 50  # answers in one object: more than an edition has questions


def _answer_map(raw: Any) -> dict[int, Any] | None:
    """{question id: value} from a JSON object keyed by ids ("12": …), or None when it is
    not one (too many keys, keys that are not ids, values neither text nor true/false)."""
    if not isinstance(raw, dict) or len(raw) > MAX_ANSWERS:
        return None
    result: dict[int, Any] = {}
    for key, value in raw.items():
        if not (isinstance(key, str) and key.isdigit() and len(key) <= 9) \
                or not isinstance(value, (str, bool)):
            return None
        result[int(key)] = value
    return result
