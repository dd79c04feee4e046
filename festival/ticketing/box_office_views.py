"""Selling without the shop: the box office at the door (cash or card terminal, tickets at
once) and orders taken by an organiser for a bank transfer."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.core.access import Role, roles
from festival.core.errors import DomainError, ValidationError
from festival.core.forms import apply_field_errors
from festival.core.unit_of_work import refuse_request
from festival.ticketing import queries, sales, shop
from festival.ticketing.blueprints import manage_bp as bp
from festival.ticketing.forms import BoxOfficeForm, TransferOrderForm, euros_input
from festival.ticketing.manage_views import edition_or_404
from festival.ticketing.models import OrderStatus


def _stepper(action: str) -> str | None:
    return action if action.startswith(("add:", "remove:")) else None


def _show_errors(form, cart: shop.Cart, error: DomainError) -> int:
    """Put a refused sale's errors next to their fields; returns the page's status."""
    if error.code == "sold_out" or not error.fields:
        cart.errors.setdefault("", []).append(error.message)
        return error.status
    rest = cart.place_order_errors(error.fields)
    if "name" in rest:
        rest["buyer_name"] = rest.pop("name")
    apply_field_errors(form, ValidationError(rest) if rest else error)
    return 422


@bp.route("/<int:year>/box-office", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def box_office(year: int):
    edition = edition_or_404(year)
    form = BoxOfficeForm()
    action = request.form.get("action", "") if request.method == "POST" else ""
    cart = shop.Cart.from_form(request.form, shop.offers(edition, box_office=True),
                               _stepper(action))
    status = 200
    if action == "sell":
        form_ok = form.validate()
        if cart.check_choice() and form_ok:
            try:
                order = sales.sell_at_door(
                    edition, items=cart.items(), method=form.method.data, actor=current_user,
                    buyer_name=form.buyer_name.data or "", email=form.email.data or "",
                    language=form.language.data or "fr")
            except DomainError as error:
                refuse_request()
                cart = shop.Cart.from_form(request.form, shop.offers(edition, box_office=True))
                status = _show_errors(form, cart, error)
            else:
                return redirect(url_for("manage_tickets.box_office_receipt", year=year,
                                        code=order.code), 303)
        else:
            status = 422
    return render_template("ticketing/manage/box_office.html", edition=edition, form=form,
                           cart=cart, euros_input=euros_input), status


@bp.get("/<int:year>/box-office/<code>")
@roles(Role.ORGANISER)
def box_office_receipt(year: int, code: str):
    """The sale just made: what to collect, and each ticket's QR code to show or scan."""
    edition = edition_or_404(year)
    order = queries.order_in_edition(edition, code)
    return render_template("ticketing/manage/box_office_receipt.html", edition=edition,
                           order=order, tickets=queries.valid_tickets(order))


@bp.route("/<int:year>/orders/new", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def new_transfer_order(year: int):
    """An order paid by bank transfer: its tickets are held until the transfer is recorded."""
    edition = edition_or_404(year)
    form = TransferOrderForm()
    action = request.form.get("action", "") if request.method == "POST" else ""
    voucher = None
    code = (form.voucher.data or "").strip().upper()
    if code:
        try:
            voucher = shop.find_voucher(edition, code)
        except ValidationError as error:
            form.voucher.errors = list(error.fields.get("voucher", []))
    cart = shop.Cart.from_form(request.form, shop.offers(edition, voucher, box_office=True),
                               _stepper(action))
    status = 200
    if action == "create":
        form_ok = form.validate() and not form.voucher.errors
        if cart.check_choice() and form_ok:
            try:
                order = sales.create_transfer_order(
                    edition, buyer_name=form.buyer_name.data, email=form.email.data,
                    items=cart.items(), actor=current_user, language=form.language.data,
                    voucher_code=voucher.code if cart.uses(voucher) else None)
            except DomainError as error:
                refuse_request()
                cart = shop.Cart.from_form(request.form,
                                           shop.offers(edition, voucher, box_office=True))
                status = _show_errors(form, cart, error)
            else:
                if order.status is OrderStatus.PAID:
                    flash(_("Order %(code)s created; it was free, so it is paid and its "
                            "tickets are sent.", code=order.code), "success")
                else:
                    flash(_("Order %(code)s created: its tickets are held until you record "
                            "the bank transfer.", code=order.code), "success")
                return redirect(url_for("manage_tickets.order", year=year, code=order.code),
                                303)
        else:
            status = 422
    return render_template("ticketing/manage/transfer_order.html", edition=edition, form=form,
                           cart=cart, euros_input=euros_input), status
