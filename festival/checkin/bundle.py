"""The offline bundle of a door: what a phone needs to keep checking tickets in with no
network. The edition's public key (signatures are verified in the browser with WebCrypto),
the list's rules, the ticket types and their days, the cut-off of a festival day, the tickets with the name to show, the
revoked tickets and those already in. Names and order codes are in it (to show and to find
a ticket offline), never e-mail addresses, and only of the tickets this list may admit: a
revoked ticket is only its id, one of a ticket type the list does not admit has neither
name nor order code (as the online answers, rules.told). Only an open door has one
(services.require_open).

Its ETag is the hash of its content, so a phone refreshing it often costs a 304 when
nothing changed.
"""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from festival.checkin.queries import ORDERS, PRESENCES, TICKETS, TYPES
from festival.checkin.rules import VOID_ORDERS, Door
from festival.checkin.services import require_open
from festival.extensions import db
from festival.ticketing.models import OrderStatus, PaymentMethod, TicketStatus
from festival.ticketing.tokens import b64url

BUNDLE_VERSION = 1
# The payment state of a ticket in the bundle.
PAID, PENDING_BANK_TRANSFER, PENDING_PAYMENT = 0, 1, 2


def offline_bundle(door: Door) -> dict[str, Any]:
    """The bundle of `door`. Errors: those of services.require_open."""
    require_open(door)
    types = db.session.execute(
        select(TYPES.c.id, TYPES.c.name, TYPES.c.valid_days)
        .where(TYPES.c.edition_id == door.edition_id).order_by(TYPES.c.position, TYPES.c.id))
    tickets, revoked = [], []
    rows = db.session.execute(
        select(TICKETS.c.id, TICKETS.c.attendee_name, ORDERS.c.buyer_name,
               TICKETS.c.ticket_type_id, TICKETS.c.status, ORDERS.c.status.label("order_status"),
               ORDERS.c.payment_method, ORDERS.c.code)
        .select_from(TICKETS.join(ORDERS, ORDERS.c.id == TICKETS.c.order_id))
        .where(ORDERS.c.edition_id == door.edition_id).order_by(TICKETS.c.id))
    for row in rows:
        if row.status is TicketStatus.REVOKED or row.order_status in VOID_ORDERS:
            revoked.append(row.id)
            continue
        payment = PAID
        if row.order_status is OrderStatus.PENDING:
            payment = (PENDING_BANK_TRANSFER
                       if row.payment_method is PaymentMethod.BANK_TRANSFER else PENDING_PAYMENT)
        if door.type_ids and row.ticket_type_id not in door.type_ids:
            tickets.append([row.id, "", row.ticket_type_id, payment, ""])
            continue
        tickets.append([row.id, row.attendee_name or row.buyer_name, row.ticket_type_id,
                        payment, row.code])
    used = select(PRESENCES.c.ticket_id).where(PRESENCES.c.list_id == door.list_id)
    if door.allow_reentry:
        used = used.where(PRESENCES.c.inside)
    return {
        "version": BUNDLE_VERSION,
        "edition": {"id": door.edition_id, "year": door.year,
                    "public_key": b64url(door.public_key) if door.public_key else None,
                    "days": sorted(door.edition_days),
                    # Its festival days end then, the next morning (editions.days).
                    "day_cutoff": door.day_cutoff.strftime("%H:%M")},
        # `names`: the name in every language written, for the scanner's own language.
        "list": {"id": door.list_id, "name": door.list_name,
                 "names": {**dict(door.list_names), "fr": door.list_name},
                 "days": sorted(door.list_days),
                 "ticket_type_ids": sorted(door.type_ids), "allow_reentry": door.allow_reentry,
                 "admit_unpaid": door.admit_unpaid, "is_active": door.is_active},
        "device": {"id": door.device_id, "name": door.device_name, "gate": door.gate},
        "ticket_types": [{"id": t.id, "name": t.name, "valid_days": list(t.valid_days or [])}
                         for t in types],
        # [id, name to show, ticket type id, payment (0 paid, 1 bank transfer pending,
        #  2 payment pending), order code]
        "tickets": tickets,
        "revoked": revoked,
        "used": sorted(db.session.scalars(used)),
    }


def encode(bundle: dict[str, Any]) -> bytes:
    """The bundle's JSON bytes, always the same for the same content (keys sorted), so that
    their hash is its ETag (core.http.conditional)."""
    return json.dumps(bundle, ensure_ascii=False, separators=(",", ":"),
                      sort_keys=True).encode("utf-8")
