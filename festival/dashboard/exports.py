"""Exports of an edition for organisers: orders, tickets, attendees with their check-in
time, scans, exhibitors; as CSV or as an XLSX workbook (festival/core/spreadsheet.py).

Each export is one table: headers in the organiser's language, amounts in euros, times in
Paris local time to the second, labels instead of codes. Machines read the JSON API, in cents.
"""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from festival.accounts.models import User
from festival.associations.models import Association
from festival.checkin.labels import reason_text, result_title
from festival.checkin.models import CheckinList, Device, Direction, Scan, ScanKind
from festival.core.i18n import LANGUAGE_NAMES, in_language
from festival.core.spreadsheet import EUROS, INSTANT, NUMBER, YES_NO, Column, Table, write
from festival.dashboard.labels import STAND_SIZE, STAND_STATUS
from festival.dashboard.queries.common import admission
from festival.editions.models import Edition, StandRequest
from festival.extensions import db
from festival.questions import services as questions
from festival.questions.models import Answer, Question
from festival.ticketing.labels import ORDER_STATUS, PAYMENT_METHOD, TICKET_STATUS
from festival.ticketing.models import Order, OrderStatus, Ticket, TicketStatus, TicketType, Voucher

DATASETS = ("orders", "tickets", "attendees", "scans", "exhibitors", "answers")
TITLES = {"orders": _l("Orders"), "tickets": _l("Tickets"), "attendees": _l("Attendees"),
          "scans": _l("Scans"), "exhibitors": _l("Exhibitors"), "answers": _l("Answers")}

DIRECTION = {Direction.IN: _l("Entry"), Direction.OUT: _l("Exit")}
SCAN_KIND = {ScanKind.SCAN: _l("Scan"), ScanKind.UNDO: _l("Undo of a scan")}


def _label(table: dict):
    return lambda value: table.get(value, value)


def _language(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def _enum_value(value) -> str:
    return getattr(value, "value", value)


def _stand(table: dict):
    return lambda value: table.get(_enum_value(value), value)


def _orders(edition: Edition) -> Table:
    tickets = (select(Ticket.order_id, func.count(Ticket.id).label("n"))
               .where(Ticket.transferred_from_id.is_(None))  # bought, not handed over
               .group_by(Ticket.order_id).subquery())
    rows = db.session.execute(
        select(Order.code, Order.status, Order.buyer_name, Order.email, Order.language,
               Order.payment_method, Order.is_box_office, func.coalesce(tickets.c.n, 0),
               Order.tickets_cents, Order.donation_cents, Order.total_cents,
               Order.refunded_cents, Voucher.code, Order.created_at, Order.paid_at)
        .outerjoin(tickets, tickets.c.order_id == Order.id)
        .outerjoin(Voucher, Voucher.id == Order.voucher_id)
        .where(Order.edition_id == edition.id).order_by(Order.created_at, Order.id))
    return Table(TITLES["orders"], (
        Column(_l("Order")), Column(_l("Status"), label=_label(ORDER_STATUS)),
        Column(_l("Buyer")), Column(_l("E-mail")), Column(_l("Language"), label=_language),
        Column(_l("Payment"), label=_label(PAYMENT_METHOD)),
        Column(_l("Box office"), YES_NO), Column(_l("Tickets"), NUMBER),
        Column(_l("Tickets (€)"), EUROS), Column(_l("Donation (€)"), EUROS),
        Column(_l("Total (€)"), EUROS), Column(_l("Refunded (€)"), EUROS),
        Column(_l("Voucher")), Column(_l("Ordered at"), INSTANT),
        Column(_l("Paid at"), INSTANT)), rows)


def _tickets(edition: Edition) -> Table:
    rows = db.session.execute(
        select(Ticket.id, Order.code, Order.status, TicketType.name, Ticket.attendee_name,
               Ticket.price_cents, Ticket.refunded_cents, Ticket.status, Ticket.created_at)
        .join(Order, Order.id == Ticket.order_id)
        .join(TicketType, TicketType.id == Ticket.ticket_type_id)
        .where(Order.edition_id == edition.id).order_by(Ticket.id))
    return Table(TITLES["tickets"], (
        Column(_l("Ticket no."), NUMBER), Column(_l("Order")),
        Column(_l("Order status"), label=_label(ORDER_STATUS)), Column(_l("Ticket type")),
        Column(_l("Attendee")), Column(_l("Price (€)"), EUROS),
        Column(_l("Refunded (€)"), EUROS), Column(_l("Ticket status"), label=_label(TICKET_STATUS)),
        Column(_l("Issued at"), INSTANT)), rows)


def _attendees(edition: Edition) -> Table:
    """Valid tickets of paid or pending orders, with their first admission (if any); the
    e-mail is the holder's: the buyer's, or the address a ticket was handed over to."""
    first = (select(Scan.ticket_id, func.min(Scan.scanned_at).label("first_in"),
                    func.count(Scan.id).label("entries"))
             .where(Scan.edition_id == edition.id, admission())
             .group_by(Scan.ticket_id).subquery())
    rows = db.session.execute(
        select(Ticket.id, Ticket.attendee_name, Order.buyer_name,
               func.coalesce(Ticket.holder_email, Order.email), TicketType.name,
               Order.code, Order.status, Ticket.status, first.c.first_in,
               func.coalesce(first.c.entries, 0))
        .join(Order, Order.id == Ticket.order_id)
        .join(TicketType, TicketType.id == Ticket.ticket_type_id)
        .outerjoin(first, first.c.ticket_id == Ticket.id)
        .where(Order.edition_id == edition.id, Ticket.status == TicketStatus.VALID,
               Order.status.in_((OrderStatus.PAID, OrderStatus.PENDING)))
        .order_by(func.lower(Ticket.attendee_name), Ticket.id))
    return Table(TITLES["attendees"], (
        Column(_l("Ticket no."), NUMBER), Column(_l("Attendee")), Column(_l("Buyer")),
        Column(_l("E-mail")), Column(_l("Ticket type")), Column(_l("Order")),
        Column(_l("Order status"), label=_label(ORDER_STATUS)),
        Column(_l("Ticket status"), label=_label(TICKET_STATUS)),
        Column(_l("Checked in at"), INSTANT), Column(_l("Entries"), NUMBER)), rows)


def _scans(edition: Edition) -> Table:
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
    return Table(TITLES["scans"], (
        Column(_l("Scan no."), NUMBER), Column(_l("Scanned at"), INSTANT),
        Column(_l("Received at"), INSTANT), Column(_l("Check-in list")), Column(_l("Gate")),
        Column(_l("Device")), Column(_l("Volunteer")),
        Column(_l("Direction"), label=_label(DIRECTION)),
        Column(_l("Kind"), label=_label(SCAN_KIND)),
        Column(_l("Result"), label=result_title), Column(_l("Reason"), label=reason_text),
        Column(_l("Ticket no."), NUMBER), Column(_l("Ticket type")),
        Column(_l("Offline"), YES_NO), Column(_l("Undone"), YES_NO),
        Column(_l("Undoes scan no."), NUMBER)), rows)


def _exhibitors(edition: Edition) -> Table:
    rows = db.session.execute(
        select(Association.name, Association.email, Association.phone, StandRequest.status,
               StandRequest.stand_number, StandRequest.zone, StandRequest.size,
               StandRequest.needs_electricity, StandRequest.tables, StandRequest.chairs,
               StandRequest.showcase, StandRequest.other_needs)
        .join(Association, Association.id == StandRequest.association_id)
        .where(StandRequest.edition_id == edition.id)
        .order_by(StandRequest.stand_number.is_(None), StandRequest.stand_number,
                  Association.name))
    return Table(TITLES["exhibitors"], (
        Column(_l("Association")), Column(_l("E-mail")), Column(_l("Phone")),
        Column(_l("Status"), label=_stand(STAND_STATUS)),
        Column(_l("Stand")), Column(_l("Zone")),
        Column(_l("Size"), label=_stand(STAND_SIZE)),
        Column(_l("Electricity"), YES_NO), Column(_l("Tables"), NUMBER),
        Column(_l("Chairs"), NUMBER), Column(_l("Showcase")),
        Column(_l("Other needs"))), rows)


def _answers(edition: Edition) -> Table:
    """The answers to the checkout questions, of paid and pending orders, in the reader's
    language (the question as written in it, the option's text, yes or no)."""
    language = str(get_locale() or "fr")
    rows = db.session.execute(
        select(Order.code, Answer.ticket_id, Ticket.attendee_name, Order.buyer_name,
               Question, Answer.value, Answer.created_at)
        .join(Answer, Answer.order_id == Order.id)
        .join(Question, Question.id == Answer.question_id)
        .outerjoin(Ticket, Ticket.id == Answer.ticket_id)
        .where(Order.edition_id == edition.id,
               Order.status.in_((OrderStatus.PAID, OrderStatus.PENDING)),
               Answer.ticket_id.is_(None) | (Ticket.status == TicketStatus.VALID))
        .order_by(Order.created_at, Order.id, Question.position, Question.id,
                  Answer.ticket_id)).all()
    return Table(TITLES["answers"], (
        Column(_l("Order")), Column(_l("Ticket no."), NUMBER), Column(_l("Person")),
        Column(_l("Question")), Column(_l("Answer")), Column(_l("Personal"), YES_NO),
        Column(_l("Answered at"), INSTANT)),
        [(code, ticket_id, attendee or buyer if ticket_id else buyer,
          in_language(question.texts, language),
          questions.answer_text(question, value, language), question.is_sensitive, at)
         for code, ticket_id, attendee, buyer, question, value, at in rows])


def export_table(edition: Edition, dataset: str) -> Table:
    if dataset not in DATASETS:
        raise ValueError(f"unknown export {dataset!r}")
    return {"orders": _orders, "tickets": _tickets, "attendees": _attendees,
            "scans": _scans, "exhibitors": _exhibitors, "answers": _answers}[dataset](edition)


def export_file(edition: Edition, dataset: str, fmt: str) -> bytes:
    """One export as `fmt` ("csv" or "xlsx"), headers and labels in the current language."""
    return write(export_table(edition, dataset), fmt)


def export_title(dataset: str) -> str:
    return _(str(TITLES[dataset]))
