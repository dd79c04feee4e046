"""The shop, for attendees on a phone: choose tickets → names and e-mail → pay.

The two steps are one form: each step shows its own fields and carries the other step's as
hidden inputs, so going back and forth loses nothing and no server-side cart is needed. The
buttons say what to do (`action`): add:ID / remove:ID (the quantity steppers, which work
without JavaScript), apply (the voucher code), continue, back, pay.
"""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from festival.accounting import checkout as receipt_request
from festival.accounts.services import normalise_email
from festival.core.access import public
from festival.core.errors import DomainError, ValidationError
from festival.core.security import limit
from festival.core.unit_of_work import refuse_request
from festival.editions.queries import visible_edition
from festival.questions import forms as question_forms
from festival.questions import services as questions
from festival.ticketing import orders, shop
from festival.ticketing.blueprints import bp
from festival.ticketing.forms import ShopForm, euros_input
from festival.ticketing.models import OrderStatus
from festival.ticketing.order_views import to_payment

HOLD_MINUTES = int(orders.HOLD.total_seconds() // 60)
SOLD_OUT_ALERT = _l("Sorry, someone was faster: there are no longer enough tickets for your "
                    "order. What is left is shown below; change your choice and try again.")


def _voucher(edition, form: ShopForm):
    code = (form.voucher.data or "").strip().upper()
    form.voucher.data = code
    if not code or form.voucher.errors:
        return None
    try:
        return shop.find_voucher(edition, code)
    except ValidationError as error:
        form.voucher.errors = list(error.fields.get("voucher", [error.message]))
        return None


def _check_buyer(form: ShopForm) -> bool:
    """The buyer's details, checked here so that every problem of the step shows at once."""
    ok = form.validate()
    if not (form.name.data or "").strip():
        form.name.errors = list(form.name.errors) + [_("Please give your name.")]
        ok = False
    try:
        form.email.data = normalise_email(form.email.data or "")
    except ValidationError as error:
        form.email.errors = list(form.email.errors) + list(error.fields["email"])
        ok = False
    if not form.accept_terms.data:
        form.accept_terms.errors = list(form.accept_terms.errors) + [
            _("Please tick the box to accept the terms of sale: your order cannot be made "
              "without it.")]
        ok = False
    return ok


def _voucher_answer(edition, form: ShopForm, cart, voucher):
    """The answer to "Apply": shown next to the voucher field, with the ticket the code
    opened right under it, focused (autofocus without JavaScript; shop.js does the same
    without reloading the page). Everything already chosen stays as it was."""
    if not form.voucher.data and not form.voucher.errors:
        form.voucher.errors = [_("Type the code you received, then press Apply.")]
    if form.voucher.errors or voucher is None:
        return _page(1, edition, form, cart, None, status=422, voucher_answer=True)
    opened = cart.line_for(voucher.ticket_type_id)
    # The ticket's name isolated (<bdi>): a French name inside an Arabic sentence.
    notice = (Markup(escape(_("Code %(code)s applied: “%(name)s” is now available below.")))
              % {"code": voucher.code,
                 "name": Markup("<bdi>%s</bdi>") % opened.ticket_type.name} if opened
              else _("Code %(code)s applied.", code=voucher.code))
    return _page(1, edition, form, cart, voucher, notice=notice, voucher_answer=True)


def _answers(edition, cart) -> tuple[questions.Asked, question_forms.Typed]:
    """The questions the chosen tickets are asked, and what the buyer answered so far."""
    asked = questions.asked(edition, [line.offer.id for line in cart.chosen])
    return asked, question_forms.read(request.form, asked,
                                      [(line.offer.id, line.quantity) for line in cart.chosen])


def _page(step: int, edition, form, cart, voucher, *, status: int = 200, alert: str = "",
          notice: str = "", voucher_answer: bool = False, answer_errors=None):
    template = "ticketing/shop.html" if step == 1 else "ticketing/shop_details.html"
    form.name.flags.required = form.email.flags.required = True  # shown with a * at step 2
    asked, typed = _answers(edition, cart)
    answer_errors = answer_errors or {}
    has_errors = cart.has_errors or any(f.errors for f in form) or bool(answer_errors)
    return render_template(template, edition=edition, form=form, cart=cart, voucher=voucher,
                           alert=alert, notice=notice, euros_input=euros_input,
                           has_errors=has_errors, voucher_answer=voucher_answer,
                           hold_minutes=HOLD_MINUTES, asked=asked, typed=typed,
                           answer_errors=answer_errors,
                           answer_field=question_forms.field_name), status


@bp.route("/<int:year>/tickets", methods=["GET", "POST"], endpoint="shop")
@public
@limit("RATE_LIMIT_ORDER_CREATE", methods=["POST"])  # every submission, refused ones too
def shop_page(year: int):
    edition = visible_edition(year)
    if not edition.is_on_sale:
        return render_template("ticketing/shop_closed.html", edition=edition)
    form = ShopForm()
    action = request.form.get("action", "") if request.method == "POST" else ""
    voucher = _voucher(edition, form)
    stepper = action if action.startswith(("add:", "remove:")) else None
    cart = shop.Cart.from_form(request.form, shop.offers(edition, voucher), stepper)
    applied = (request.form.get("voucher_applied") or "").strip().upper()
    fresh_code = bool(form.voucher.data) and form.voucher.data != applied

    if action == "apply" or (action == "continue" and fresh_code):
        return _voucher_answer(edition, form, cart, voucher)
    if action not in ("continue", "pay"):
        return _page(1, edition, form, cart, voucher)  # first visit, stepper, back

    if not cart.check_choice() or form.voucher.errors:
        if cart.short_of_stock and action == "pay":
            return _page(1, edition, form, cart, voucher, status=409, alert=SOLD_OUT_ALERT)
        return _page(1, edition, form, cart, voucher, status=422)
    if action == "continue":
        return _page(2, edition, form, cart, voucher)
    buyer_ok = _check_buyer(form)
    items, order_answers, answer_errors = _items_with_answers(edition, cart)
    receipt = receipt_request.read(cart.donation_cents)  # a tax receipt for the donation
    if not (cart.check_names() and buyer_ok and receipt.ok) or answer_errors:
        return _page(2, edition, form, cart, voucher, status=422, answer_errors=answer_errors)
    try:
        order = orders.create_order(
            edition, buyer_name=form.name.data, email=form.email.data, items=items,
            voucher_code=voucher.code if cart.uses(voucher) else None,
            donation_cents=cart.donation_cents,
            language=form.language.data, marketing_consent=bool(form.marketing_consent.data),
            terms_accepted=bool(form.accept_terms.data), answers=order_answers)
        receipt.keep(order)
    except DomainError as error:
        refuse_request()
        return _refused(edition, form, error)
    if order.status is OrderStatus.PENDING:
        return to_payment(order)
    return redirect(url_for("ticketing.order", code=order.code, secret=order.secret), 303)


def _items_with_answers(edition, cart):
    """The order's items with their tickets' answers, the order's answers, and the answers'
    problems by field (checked here so that they show with the step's other problems)."""
    asked, typed = _answers(edition, cart)
    items = cart.items()
    for item in items:
        item.answers = typed.for_type(item.ticket_type_id)
    try:
        questions.check_answers(edition, items, typed.order)
    except ValidationError as error:
        return items, typed.order, question_forms.errors_by_field(
            error.fields, [item.ticket_type_id for item in items])
    return items, typed.order, {}


def _refused(edition, form: ShopForm, error: DomainError):
    """create_order said no: show why, next to the fields, with everything typed kept."""
    voucher = _voucher(edition, form)
    cart = shop.Cart.from_form(request.form, shop.offers(edition, voucher))  # fresh stock
    if error.code == "sold_out":
        cart.check_choice()
        return _page(1, edition, form, cart, voucher, status=409, alert=SOLD_OUT_ALERT)
    if error.code != "validation_failed":
        return _page(1, edition, form, cart, voucher, status=error.status, alert=error.message)
    answer_errors = question_forms.errors_by_field(
        error.fields, [line.offer.id for line in cart.chosen])
    rest = cart.place_order_errors({k: v for k, v in error.fields.items()
                                    if not (k.startswith("answers.") or ".answers." in k)})
    for name, messages in rest.items():
        target = getattr(form, name, None)
        if target is not None and hasattr(target, "errors"):
            target.errors = list(target.errors) + list(messages)
        else:
            cart.errors.setdefault("", []).extend(messages)
    first_step = bool(cart.errors) or form.voucher.errors or any(
        key in ("quantity", "price") for line in cart.lines for key in line.errors)
    return _page(1 if first_step else 2, edition, form, cart, voucher, status=422,
                 answer_errors=answer_errors)
