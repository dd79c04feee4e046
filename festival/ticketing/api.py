"""Ticketing API: orders (public creation, lookup by secret), refunds and cancellations,
ticket types and vouchers (organisers)."""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import lazy_gettext as _l

from festival.accounting import checkout as receipt_request
from festival.accounting import receipts
from festival.core.access import Role, current_principal, public, roles
from festival.core.errors import NotFound, ValidationError, committed
from festival.core.jsonbody import json_body
from festival.core.security import limit
from festival.core.unit_of_work import AfterCommit, after_commit
from festival.core.urls import absolute_url
from festival.editions.queries import edition_for_year
from festival.extensions import db
from festival.questions import services as questions
from festival.questions.services import question_json
from festival.ticketing import catalog, checkout, orders, refunds
from festival.ticketing.models import OrderStatus, TicketType, Voucher
from festival.ticketing.schemas import (
    admission_json,
    order_json,
    order_url,
    parse_order_request,
    refund_plan_json,
    ticket_type_json,
    voucher_json,
)
from festival.ticketing.tickets import token_for
from festival.ticketing.tokens import public_jwk

bp = Blueprint("ticketing", __name__)


def _is_staff() -> bool:
    principal = current_principal()
    return principal is not None and principal.role in (Role.ORGANISER, Role.ADMIN)


@bp.post("/editions/<int:year>/orders")
@public
@limit("RATE_LIMIT_ORDER_CREATE")
def create_order(year: int):
    edition = edition_for_year(year)
    body = json_body()
    fields = parse_order_request(body)
    # A tax receipt for the donation, asked at checkout with the donor's postal address.
    receipt = receipt_request.from_json(body.get("receipt"), fields.get("donation_cents", 0))

    def place():
        order = orders.create_order(edition, **fields)
        receipt.keep(order)
        return order
    order = committed(place)

    def answer():  # after the commit: Stripe is called once the order is safe
        checkout_url = checkout.payment_url(order)
        return jsonify(code=order.code, status=order.status.value,
                       total_cents=order.total_cents, checkout_url=checkout_url,
                       expires_at=order.expires_at.isoformat() if order.expires_at else None,
                       order_url=order_url(order)), 201
    return AfterCommit(answer)


def _order_for_request(code: str):
    order = orders.find_order(code)
    secret = request.headers.get("X-Order-Secret")
    if order is None or not (_is_staff() or orders.check_secret(order, secret)):
        # The same answer whether the order exists or not: codes cannot be probed.
        raise NotFound("order_not_found", _l("No order with this code and secret."))
    orders.expire_order(order)
    return order


@bp.get("/orders/<code>")
@public
@limit("RATE_LIMIT_ORDER_LOOKUP")
def get_order(code: str):
    order = _order_for_request(code)
    show_tokens = order.status is OrderStatus.PAID
    tokens = {t.id: token_for(t) for t in order.tickets} if show_tokens else {}
    return jsonify(order_json(order, tokens))


def _receipt_json(order) -> dict:
    """The donation's receipt of an order: asked (`requested`, issued with the payment),
    `issued` or `cancelled`, with its number and PDF once issued."""
    receipt = receipts.receipt_of(order)
    if receipt is None:
        return {"status": "requested", "number": None, "pdf_url": None}
    return {"status": receipt.status.value, "number": receipt.number,
            "pdf_url": absolute_url("accounting.receipt_pdf", code=order.code,
                                    secret=order.secret)}


@bp.route("/orders/<code>/receipt", methods=["GET", "POST"])
@public
@limit("RATE_LIMIT_ORDER_LOOKUP")
def order_receipt(code: str):
    """GET: the order's tax receipt. POST: ask for it with the donor's postal address (a
    pending order gets it with its payment; a paid one at once, within the gift's year)."""
    order = _order_for_request(code)
    if request.method == "POST":
        address = receipt_request.address_from_json(json_body(), prefix="")
        committed(lambda: receipts.ask_for_receipt(order, address))
        return jsonify(_receipt_json(order)), 201
    if receipts.request_of(order) is None and receipts.receipt_of(order) is None:
        raise NotFound("no_receipt", _l("No tax receipt was asked for this order."))
    return jsonify(_receipt_json(order))


@bp.post("/orders/<code>/refund")
@roles(Role.ORGANISER)
def refund_order(code: str):
    order = _order_for_request(code)
    body = json_body(optional=True)
    ticket_ids = body.get("ticket_ids")
    if ticket_ids is not None and (not isinstance(ticket_ids, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in ticket_ids)):
        raise ValidationError({"ticket_ids": [_l("Give a list of ticket ids.")]})
    try:
        done = committed(lambda: refunds.refund(order, checkout.payment_provider(),
                                                ticket_ids=ticket_ids, actor=None,
                                                reason=str(body.get("reason") or ""),
                                                confirmed=body.get("confirm") is True))
    except refunds.ConfirmationRequired as asked:  # nothing was changed: the plan, to confirm
        return jsonify(error=asked.code, message=str(asked.message),
                       plan=refund_plan_json(asked.plan)), asked.status
    return jsonify(code=order.code, status=order.status.value,
                   refunded_cents=done.amount_cents,
                   checked_in=[admission_json(a) for a in done.checked_in])


@bp.post("/orders/<code>/cancel")
@roles(Role.ORGANISER)
def cancel_order(code: str):
    order = _order_for_request(code)
    body = json_body(optional=True)
    committed(lambda: orders.cancel_order(order, actor=None,
                                          reason=str(body.get("reason") or "")))
    order_id = order.id
    after_commit(lambda: checkout.close_cancelled_checkouts(order_id))  # the sweep retries
    return jsonify(code=order.code, status=order.status.value)


@bp.get("/editions/<int:year>/signing-key")
@public
def signing_key(year: int):
    """The public key that verifies the edition's ticket tokens (ticketing/tokens.py), as a
    JWK: anyone may check a ticket offline. Made on first use, like a first ticket makes it.
    An edition in preparation has one for its organisers only (as its ticket types)."""
    edition = edition_for_year(year, include_drafts=_is_staff())
    committed(lambda: catalog.ensure_signing_key(edition))
    jwk = public_jwk(edition.signing_public_key)
    response = jsonify(jwk | {"edition": edition.year, "public_key": jwk["x"]})
    response.headers["Cache-Control"] = "public, max-age=3600"  # a key never changes
    return response


@bp.get("/editions/<int:year>/questions")
@public
def list_questions(year: int):
    edition = edition_for_year(year, include_drafts=_is_staff())
    return jsonify(questions=[question_json(q) for q in
                              questions.questions_of(edition, active_only=True)])


@bp.get("/editions/<int:year>/ticket-types")
@public
def list_ticket_types(year: int):
    staff = _is_staff()
    edition = edition_for_year(year, include_drafts=staff)
    query = db.select(TicketType).where(TicketType.edition_id == edition.id)
    if not staff:
        query = query.where(TicketType.is_active.is_(True), TicketType.is_hidden.is_(False))
    rows = db.session.scalars(query.order_by(TicketType.position, TicketType.id)).all()
    return jsonify(ticket_types=[ticket_type_json(t, staff=staff) for t in rows])


@bp.post("/editions/<int:year>/ticket-types")
@roles(Role.ORGANISER)
def create_ticket_type(year: int):
    edition = edition_for_year(year, include_drafts=True)
    ticket_type = committed(lambda: catalog.create_ticket_type(edition, json_body()))
    return jsonify(ticket_type_json(ticket_type, staff=True)), 201


@bp.get("/editions/<int:year>/ticket-types/<int:type_id>")
@roles(Role.ORGANISER)
def get_ticket_type(year: int, type_id: int):
    edition = edition_for_year(year, include_drafts=True)
    return jsonify(ticket_type_json(catalog.get_ticket_type(edition, type_id), staff=True))


@bp.patch("/editions/<int:year>/ticket-types/<int:type_id>")
@roles(Role.ORGANISER)
def update_ticket_type(year: int, type_id: int):
    edition = edition_for_year(year, include_drafts=True)
    ticket_type = catalog.get_ticket_type(edition, type_id)
    body = json_body()
    committed(lambda: catalog.update_ticket_type(edition, ticket_type, body))
    return jsonify(ticket_type_json(ticket_type, staff=True))


@bp.delete("/editions/<int:year>/ticket-types/<int:type_id>")
@roles(Role.ORGANISER)
def delete_ticket_type(year: int, type_id: int):
    edition = edition_for_year(year, include_drafts=True)
    ticket_type = catalog.get_ticket_type(edition, type_id)
    committed(lambda: catalog.delete_ticket_type(ticket_type))
    return "", 204


@bp.get("/editions/<int:year>/vouchers")
@roles(Role.ORGANISER)
def list_vouchers(year: int):
    edition = edition_for_year(year, include_drafts=True)
    rows = db.session.scalars(db.select(Voucher).where(Voucher.edition_id == edition.id)
                              .order_by(Voucher.code)).all()
    return jsonify(vouchers=[voucher_json(v) for v in rows])


@bp.post("/editions/<int:year>/vouchers")
@roles(Role.ORGANISER)
def create_voucher(year: int):
    edition = edition_for_year(year, include_drafts=True)
    voucher = committed(lambda: catalog.create_voucher(edition, json_body()))
    return jsonify(voucher_json(voucher)), 201
