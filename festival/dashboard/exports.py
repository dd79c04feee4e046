"""CSV exports of an edition for organisers: orders, tickets, attendees with their check-in
time, scans, exhibitors.

As the registry's export: UTF-8 with a byte-order mark and `;` between columns, as a French
spreadsheet expects; a cell a spreadsheet would run as a formula gets a leading apostrophe.
Amounts are whole cents (columns named *_cents); times are ISO 8601 in Paris time with their
offset.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from festival.accounts.models import User
from festival.associations.models import Association
from festival.checkin.models import CheckinList, Device, Scan
from festival.dashboard.queries import iso
from festival.dashboard.queries.common import admission
from festival.editions.models import Edition, StandRequest
from festival.extensions import db
from festival.ticketing.models import Order, OrderStatus, Ticket, TicketStatus, TicketType, Voucher

DATASETS = ("orders", "tickets", "attendees", "scans", "exhibitors")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "value"):  # an enum
        value = value.value
    if hasattr(value, "tzinfo"):  # an instant
        return iso(value) or ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def _csv(columns: tuple[str, ...], rows: Iterable) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _orders(edition: Edition) -> bytes:
    tickets = (select(Ticket.order_id, func.count(Ticket.id).label("n"))
               .group_by(Ticket.order_id).subquery())
    rows = db.session.execute(
        select(Order.code, Order.status, Order.buyer_name, Order.email, Order.language,
               Order.payment_method, Order.is_box_office, func.coalesce(tickets.c.n, 0),
               Order.tickets_cents, Order.donation_cents, Order.total_cents,
               Order.refunded_cents, Voucher.code, Order.created_at, Order.paid_at)
        .outerjoin(tickets, tickets.c.order_id == Order.id)
        .outerjoin(Voucher, Voucher.id == Order.voucher_id)
        .where(Order.edition_id == edition.id).order_by(Order.created_at, Order.id))
    return _csv(("code", "status", "buyer_name", "email", "language", "payment_method",
                 "box_office", "tickets", "tickets_cents", "donation_cents", "total_cents",
                 "refunded_cents", "voucher", "created_at", "paid_at"), rows)


def _tickets(edition: Edition) -> bytes:
    rows = db.session.execute(
        select(Ticket.id, Order.code, Order.status, TicketType.name, Ticket.attendee_name,
               Ticket.price_cents, Ticket.refunded_cents, Ticket.status, Ticket.created_at)
        .join(Order, Order.id == Ticket.order_id)
        .join(TicketType, TicketType.id == Ticket.ticket_type_id)
        .where(Order.edition_id == edition.id).order_by(Ticket.id))
    return _csv(("ticket_id", "order_code", "order_status", "ticket_type", "attendee",
                 "price_cents", "refunded_cents", "ticket_status", "created_at"), rows)


def _attendees(edition: Edition) -> bytes:
    """Valid tickets of paid or pending orders, with their first admission (if any)."""
    first = (select(Scan.ticket_id, func.min(Scan.scanned_at).label("first_in"),
                    func.count(Scan.id).label("entries"))
             .where(Scan.edition_id == edition.id, admission())
             .group_by(Scan.ticket_id).subquery())
    rows = db.session.execute(
        select(Ticket.id, Ticket.attendee_name, Order.buyer_name, Order.email, TicketType.name,
               Order.code, Order.status, Ticket.status, first.c.first_in,
               func.coalesce(first.c.entries, 0))
        .join(Order, Order.id == Ticket.order_id)
        .join(TicketType, TicketType.id == Ticket.ticket_type_id)
        .outerjoin(first, first.c.ticket_id == Ticket.id)
        .where(Order.edition_id == edition.id, Ticket.status == TicketStatus.VALID,
               Order.status.in_((OrderStatus.PAID, OrderStatus.PENDING)))
        .order_by(func.lower(Ticket.attendee_name), Ticket.id))
    return _csv(("ticket_id", "attendee", "buyer_name", "email", "ticket_type", "order_code",
                 "order_status", "ticket_status", "checked_in_at", "entries"), rows)


def _scans(edition: Edition) -> bytes:
    volunteer = aliased(User)
    rows = db.session.execute(
        select(Scan.id, Scan.scanned_at, Scan.received_at, CheckinList.name, Scan.gate,
               Device.name, volunteer.name, Scan.direction, Scan.kind, Scan.result,
               Scan.reason, Scan.ticket_id, TicketType.name, Scan.is_offline, Scan.is_undone,
               Scan.undoes_scan_id)
        .join(CheckinList, CheckinList.id == Scan.list_id)
        .outerjoin(Device, Device.id == Scan.device_id)
        .outerjoin(volunteer, volunteer.id == Scan.user_id)
        .outerjoin(Ticket, Ticket.id == Scan.ticket_id)
        .outerjoin(TicketType, TicketType.id == Ticket.ticket_type_id)
        .where(Scan.edition_id == edition.id).order_by(Scan.scanned_at, Scan.id))
    return _csv(("scan_id", "scanned_at", "received_at", "list", "gate", "device",
                 "volunteer", "direction", "kind", "result", "reason", "ticket_id",
                 "ticket_type", "offline", "undone", "undoes_scan_id"), rows)


def _exhibitors(edition: Edition) -> bytes:
    rows = db.session.execute(
        select(Association.name, Association.email, Association.phone, StandRequest.status,
               StandRequest.stand_number, StandRequest.zone, StandRequest.size,
               StandRequest.needs_electricity, StandRequest.tables, StandRequest.chairs,
               StandRequest.showcase, StandRequest.other_needs)
        .join(Association, Association.id == StandRequest.association_id)
        .where(StandRequest.edition_id == edition.id)
        .order_by(StandRequest.stand_number.is_(None), StandRequest.stand_number,
                  Association.name))
    return _csv(("association", "email", "phone", "status", "stand_number", "zone", "size",
                 "electricity", "tables", "chairs", "showcase", "other_needs"), rows)


def export_csv(edition: Edition, dataset: str) -> bytes:
    if dataset not in DATASETS:
        raise ValueError(f"unknown export {dataset!r}")
    return {"orders": _orders, "tickets": _tickets, "attendees": _attendees,
            "scans": _scans, "exhibitors": _exhibitors}[dataset](edition)
