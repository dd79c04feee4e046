"""The buyer's order pages, reached by the link with the order's secret (sent by e-mail):
status, paying, the tickets as QR codes and PDF, the e-mail again, the calendar; and the
development stand-in for Checkout. Without the right secret every address answers 404."""
from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from festival.core.access import public
from festival.core.errors import DomainError
from festival.core.security import limiter
from festival.core.timeutil import utcnow
from festival.core.unit_of_work import AfterCommit, refuse_request
from festival.editions.practical import where_and_when
from festival.outreach import feedback
from festival.questions import services as questions
from festival.seats import services as seats
from festival.ticketing import checkout, orders, queries, sales
from festival.ticketing.blueprints import bp
from festival.ticketing.change_forms import buyer_context
from festival.ticketing.ical import order_ical
from festival.ticketing.models import Order, OrderStatus, PaymentMethod, Ticket, TicketStatus
from festival.ticketing.pdf_cache import cached_order_pdf
from festival.ticketing.qr import qr_png
from festival.ticketing.schemas import order_url
from festival.ticketing.tickets import token_for

PDF_SIZES = ("a4", "phone")


def _wrong_lookup(response) -> bool:
    """Only a wrong lookup counts against the lookup limit: guessing is what it stops, and a
    buyer's own page, its QR images and its polling never reach it. Wrong is any answer
    that is not the order: the 404 of a wrong code or secret, and any other refusal or
    failure, so that no input a page stumbles on can probe codes without a limit."""
    return response.status_code >= 400


# One count for every address of an order (page, status, images, files), per visitor.
lookup_limit = limiter.shared_limit(lambda: current_app.config["RATE_LIMIT_ORDER_LOOKUP"],
                                    scope="order_pages", deduct_when=_wrong_lookup)


def _order_or_404(code: str, secret: str | None) -> Order:
    order = orders.find_order(code)
    if order is None or not orders.check_secret(order, secret):
        abort(404)
    orders.expire_order(order)  # the lazy expiry: the sweep may not have run yet
    return order


def _private(response: Response) -> Response:
    """The order's secret is in its address: never cache it, never leak it as a referrer."""
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _back(order: Order, **extra) -> str:
    return url_for("ticketing.order", code=order.code, secret=order.secret, **extra)


@bp.get("/orders/<code>")
@public
@lookup_limit
def order(code: str):
    return render_order_page(_order_or_404(code, request.args.get("secret")))


def render_order_page(found: Order, *, correction=None, transfers=None,
                      status: int = 200) -> Response:
    """The order's page; `correction` and `transfers` (ticket id → form) bring back a
    refused form with what was typed and its errors, answered with `status`."""
    now = utcnow()
    state = request.args.get("checkout", "")
    minutes_left = None
    if found.status is OrderStatus.PENDING and found.expires_at is not None:
        minutes_left = max(0, int((found.expires_at - now).total_seconds() // 60))
    allowed_at = sales.next_resend_at(found) if found.status is OrderStatus.PAID else None
    days = queries.order_days(found)
    page = render_template(
        "ticketing/order.html", order=found, edition=found.edition,
        tickets=list(found.tickets), valid_tickets=queries.valid_tickets(found),
        confirming=state == "success" and found.status is OrderStatus.PENDING,
        came_back=state == "cancelled" and found.status is OrderStatus.PENDING,
        awaiting_transfer=sales.is_awaiting_transfer(found), minutes_left=minutes_left,
        resend_wait=allowed_at is not None and allowed_at > now,
        days=days, lines=queries.order_lines(found),
        where_and_when=where_and_when(found.edition, days, str(get_locale())),
        feedback=feedback.can_answer(found, now), answered=feedback.answer_of(found) is not None,
        answers=questions.answers_of(found, str(get_locale())),
        seat_sessions=seats.sessions_for(found, now), reservations=seats.reservations_of(found),
        **buyer_context(found, now, correction=correction, transfers=transfers))
    return _private(Response(page, status=status))


@bp.get("/orders/<code>/status.json")
@public
@lookup_limit
def order_status(code: str):
    """What the "payment being confirmed" page polls until the webhook has been handled."""
    found = _order_or_404(code, request.args.get("secret"))
    return _private(jsonify(code=found.code, status=found.status.value))


@bp.post("/orders/<code>/pay")
@public
@lookup_limit
def pay(code: str):
    """Send the buyer to pay. A second click reuses the Checkout session (payment_url)."""
    found = _order_or_404(code, request.form.get("secret"))
    if found.status is not OrderStatus.PENDING or sales.is_awaiting_transfer(found):
        return redirect(_back(found))
    return to_payment(found)


def to_payment(order: Order) -> AfterCommit:
    """Send the buyer where this pending order is paid, once the request's work is committed
    (Stripe is called then); back to its page, with a word, when online payment is
    unavailable (its tickets stay held)."""
    def answer():
        target = checkout.payment_url(order)
        if target is None or target == order_url(order):
            flash(_("Online payment is unavailable right now. Your tickets are held: please "
                    "try again in a moment."), "error")
            return redirect(_back(order), 303)
        return redirect(target, 303)
    return AfterCommit(answer)


@bp.post("/orders/<code>/resend")
@public
@lookup_limit
def resend(code: str):
    found = _order_or_404(code, request.form.get("secret"))
    try:
        sales.resend_confirmation(found)
    except DomainError as error:
        refuse_request()
        flash(error.message, "error")
    else:
        flash(_("The e-mail with your tickets is on its way to %(email)s.", email=found.email),
              "success")
    return redirect(_back(found))


def _ticket_or_404(found: Order, ticket_id: int) -> Ticket:
    ticket = next((t for t in found.tickets if t.id == ticket_id), None)
    if found.status is not OrderStatus.PAID or ticket is None \
            or ticket.status is not TicketStatus.VALID:
        abort(404)
    return ticket


@bp.get("/orders/<code>/tickets/<int:ticket_id>.png")
@public
@lookup_limit
def ticket_qr(code: str, ticket_id: int):

    found = _order_or_404(code, request.args.get("secret"))
    png = qr_png(token_for(_ticket_or_404(found, ticket_id)), box_size=8)
    return _private(Response(png, mimetype="image/png"))


# Every PDF download counts, the buyer's own too: each one that is not cached yet costs a
# render (about 1.5 CPU-s).
pdf_limit = limiter.shared_limit(lambda: current_app.config["RATE_LIMIT_TICKET_PDF"],
                                 scope="ticket_pdfs")


def _pdf(found: Order, tickets: list[Ticket], name: str) -> Response:

    size = request.args.get("size", "a4")
    if size not in PDF_SIZES or not tickets:
        abort(404)
    body = cached_order_pdf(found, size, tickets, queries.valid_tickets(found))
    response = Response(body, mimetype="application/pdf")
    suffix = "-phone" if size == "phone" else ""
    response.headers["Content-Disposition"] = f'attachment; filename="{name}{suffix}.pdf"'
    return _private(response)


@bp.get("/orders/<code>/tickets.pdf")
@public
@lookup_limit
@pdf_limit
def order_pdf(code: str):
    found = _order_or_404(code, request.args.get("secret"))
    if found.status is not OrderStatus.PAID:
        abort(404)
    return _pdf(found, queries.valid_tickets(found), f"almoggar-{found.code}")


@bp.get("/orders/<code>/tickets/<int:ticket_id>.pdf")
@public
@lookup_limit
@pdf_limit
def ticket_pdf(code: str, ticket_id: int):
    found = _order_or_404(code, request.args.get("secret"))
    ticket = _ticket_or_404(found, ticket_id)
    return _pdf(found, [ticket], f"almoggar-{found.code}-{ticket.id}")


@bp.get("/orders/<code>/calendar.ics")
@public
@lookup_limit
def order_calendar(code: str):

    found = _order_or_404(code, request.args.get("secret"))
    days = queries.order_days(found)
    if found.status is not OrderStatus.PAID or not days:
        abort(404)
    response = Response(order_ical(found, days, order_url(found)), mimetype="text/calendar")
    response.headers["Content-Disposition"] = \
        f'attachment; filename="almoggar-{found.edition.year}-{found.code}.ics"'
    return _private(response)


@bp.route("/orders/<code>/demo-payment", methods=["GET", "POST"])
@public
@lookup_limit
def demo_payment(code: str):
    """Development only: stands in for Stripe Checkout when no Stripe key is set. No money
    moves; production refuses DEMO_PAYMENTS at start-up."""
    if not current_app.config.get("DEMO_PAYMENTS"):
        abort(404)
    found = _order_or_404(code, request.values.get("secret"))
    if request.method == "GET":
        if found.status is not OrderStatus.PENDING:
            return redirect(_back(found))
        return _private(Response(render_template("ticketing/demo_payment.html", order=found,
                                                 edition=found.edition,
                                                 lines=queries.order_lines(found))))
    if request.form.get("action") == "cancel":
        return redirect(_back(found, checkout="cancelled"), 303)
    if found.status is OrderStatus.PENDING:
        outcome = orders.mark_paid(found, PaymentMethod.DEMO, amount_cents=found.total_cents)
        if outcome == "refund_needed":
            refuse_request()
            flash(_("Too late: this order expired and its tickets have been sold since."),
                  "error")
    return redirect(_back(found, checkout="success"), 303)
