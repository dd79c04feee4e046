"""The buyer's pages: the order page (link with secret) and the demo payment page."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from festival.core.access import public
from festival.extensions import db
from festival.ticketing import orders

bp = Blueprint("ticketing", __name__)


def _order_or_404(code: str, secret: str | None):
    order = orders.find_order(code)
    if order is None or not orders.check_secret(order, secret):
        abort(404)
    if orders.expire_order(order):
        db.session.commit()
    return order


@bp.get("/orders/<code>")
@public
def order(code: str):
    found = _order_or_404(code, request.args.get("secret"))
    return render_template("ticketing/order.html", order=found)


@bp.route("/orders/<code>/demo-payment", methods=["GET", "POST"])
@public
def demo_payment(code: str):
    if not current_app.config.get("DEMO_PAYMENTS"):
        abort(404)
    found = _order_or_404(code, request.values.get("secret"))
    if request.method == "POST":
        from festival.ticketing.models import OrderStatus, PaymentMethod
        if found.status is OrderStatus.PENDING:
            orders.mark_paid(found, PaymentMethod.DEMO, amount_cents=found.total_cents)
            db.session.commit()
        return redirect(url_for("ticketing.order", code=found.code, secret=found.secret))
    return render_template("ticketing/demo_payment.html", order=found)
