"""Selling without the shop: the box office at the door (cash or card terminal, tickets at
once) and orders taken by an organiser for a bank transfer."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from festival.checkin import queries as checkin_queries
from festival.checkin.box_office import admit_sold_tickets
from festival.checkin.labels import reason_text, result_title
from festival.checkin.models import ScanResult
from festival.core.access import Role, roles
from festival.core.errors import DomainError, ValidationError
from festival.core.forms import apply_field_errors, choices
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


def _admit_choices(form: BoxOfficeForm, edition) -> None:
    """Where the tickets sold may be checked in at once: the edition's open lists."""
    lists = [item for item in checkin_queries.lists_of(edition.id) if item.is_active]
    form.admit_list_id.choices = choices([(0, _("Nowhere: sell only"))]
                                         + [(item.id, item.name) for item in lists])
    if request.method == "GET":  # the desk's list, kept from one sale to the next
        wanted = request.args.get("admit", 0, type=int)
        form.admit_list_id.data = wanted if wanted in {i.id for i in lists} else 0


def _change(form: BoxOfficeForm, cart: shop.Cart) -> int | None:
    """The change to give for the cash received (None: nothing typed, or not cash)."""
    if form.method.data != "cash" or form.received.data is None or form.received.errors:
        return None
    return form.received.data - cart.total


def _admitted_message(answers) -> tuple[str, str]:
    admitted = sum(1 for answer in answers if answer.result is ScanResult.OK)
    if admitted == len(answers):
        return ngettext("%(num)s ticket checked in.", "%(num)s tickets checked in.",
                        admitted), "success"
    refused = "; ".join(" — ".join(part for part in (result_title(a.result),
                                                     reason_text(a.reason)) if part)
                        for a in answers if a.result is not ScanResult.OK)
    return _("Checked in: %(admitted)s of %(total)s. %(refused)s", admitted=admitted,
             total=len(answers), refused=refused), "warning"


@bp.route("/<int:year>/box-office", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def box_office(year: int):
    edition = edition_or_404(year)
    form = BoxOfficeForm()
    _admit_choices(form, edition)
    action = request.form.get("action", "") if request.method == "POST" else ""
    cart = shop.Cart.from_form(request.form, shop.offers(edition, box_office=True),
                               _stepper(action))
    status = 200
    if action == "change":  # without JavaScript: the change is worked out by the server
        form.received.validate(form)
    if action == "sell":
        form_ok = form.validate()
        change = _change(form, cart)
        if change is not None and change < 0:
            form.received.errors = [_("That is less than the amount to collect.")]
            form_ok = False
        if cart.check_choice() and form_ok:
            try:
                order = sales.sell_at_door(
                    edition, items=cart.items(), method=form.method.data, actor=current_user,
                    buyer_name=form.buyer_name.data or "", email=form.email.data or "",
                    language=form.language.data or "fr")
                answers = []
                if form.admit_list_id.data:
                    door = checkin_queries.door_for_list(form.admit_list_id.data,
                                                         user_id=current_user.id)
                    answers = admit_sold_tickets(
                        door, [ticket.id for ticket in queries.valid_tickets(order)])
            except DomainError as error:
                refuse_request()
                cart = shop.Cart.from_form(request.form, shop.offers(edition, box_office=True))
                status = _show_errors(form, cart, error)
            else:
                if answers:
                    flash(*_admitted_message(answers))
                return redirect(url_for("manage_tickets.box_office_receipt", year=year,
                                        code=order.code, admit=form.admit_list_id.data or None,
                                        received=form.received.data
                                        if change is not None else None), 303)
        else:
            status = 422
    return render_template("ticketing/manage/box_office.html", edition=edition, form=form,
                           cart=cart, euros_input=euros_input, change=_change(form, cart)), status


@bp.get("/<int:year>/box-office/<code>")
@roles(Role.ORGANISER)
def box_office_receipt(year: int, code: str):
    """The sale just made: what to collect (and the change to give for the cash received),
    where its tickets were checked in, and each ticket's QR code to show or scan."""
    edition = edition_or_404(year)
    order = queries.order_in_edition(edition, code)
    tickets = queries.valid_tickets(order)
    received = request.args.get("received", type=int)
    change = received - order.total_cents if received is not None and received >= 0 else None
    admissions = {row.ticket_id: row for row in
                  checkin_queries.admissions_of([ticket.id for ticket in tickets])}
    return render_template("ticketing/manage/box_office_receipt.html", edition=edition,
                           order=order, tickets=tickets, admissions=admissions,
                           received=received if change is not None else None, change=change,
                           admit=request.args.get("admit", type=int))


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
