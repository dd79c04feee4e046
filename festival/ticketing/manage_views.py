"""Organisers' back office for orders: search, one order with its history, cancel, refund
(whole or per ticket), resend the e-mail, and record a bank transfer."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from festival.checkin.queries import admissions_of
from festival.core.access import Role, roles
from festival.core.errors import DomainError
from festival.core.forms import choices
from festival.core.money import format_cents
from festival.core.paging import page_number
from festival.core.unit_of_work import after_commit, refuse_request
from festival.editions import queries as edition_queries
from festival.questions import services as questions
from festival.ticketing import change_forms, changes, checkout, orders, queries, refunds, sales
from festival.ticketing.blueprints import manage_bp as bp
from festival.ticketing.forms import CancelForm, OrderSearchForm, RefundForm
from festival.ticketing.labels import ORDER_STATUS
from festival.ticketing.models import OrderStatus


def edition_or_404(year: int):
    return edition_queries.edition_for_year(year, include_drafts=True)


@bp.get("/tickets")
@roles(Role.ORGANISER)
def home():
    """The back office of the edition being prepared or on sale."""
    current = edition_queries.current_edition() or next(
        iter(edition_queries.all_editions()), None)
    if current is None:
        flash(_("Create an edition first."), "warning")
        return redirect(url_for("manage_editions.index"))
    return redirect(url_for("manage_tickets.orders", year=current.year))


@bp.get("/<int:year>/orders", endpoint="orders")
@roles(Role.ORGANISER)
def orders_list(year: int):
    edition = edition_or_404(year)
    form = OrderSearchForm(request.args)
    form.status.choices = choices([("", _("Any status"))] + [
        (status.value, label) for status, label in ORDER_STATUS.items()])
    status = None
    if form.validate() and form.status.data:
        status = OrderStatus(form.status.data)
    page = page_number()
    rows, total = queries.search_orders(edition, form.q.data or "", status, page)
    return render_template("ticketing/manage/orders.html", edition=edition, form=form,
                           orders=rows, total=total, page=page, page_size=queries.PAGE_SIZE,
                           summary=queries.sales_summary(edition))


def _order_page(edition, order, *, cancel_form=None, refund_form=None, correction_form=None,
                status: int = 200):
    refund_form = refund_form or RefundForm(formdata=None)
    refund_form.ticket_ids.choices = choices(
        (t.id, f"#{t.id} · {t.ticket_type.name} · {t.attendee_name or order.buyer_name}")
        for t in queries.valid_tickets(order))
    admissions: dict[int, list] = {}
    for row in admissions_of([t.id for t in order.tickets]):
        admissions.setdefault(row.ticket_id, []).append(row)
    return render_template(
        "ticketing/manage/order.html", edition=edition, order=order, admissions=admissions,
        cancel_form=cancel_form or CancelForm(formdata=None), refund_form=refund_form,
        awaiting_transfer=sales.is_awaiting_transfer(order),
        last_resend=sales.last_resend(order),
        correction_form=correction_form or (change_forms.correction_form(order, organiser=True)
                                            if order.status in changes.CORRECTABLE else None),
        successors=changes.successors(order),
        answers=questions.answers_of(order, str(get_locale()))), status


@bp.get("/<int:year>/orders/<code>")
@roles(Role.ORGANISER)
def order(year: int, code: str):
    edition = edition_or_404(year)
    found = queries.order_in_edition(edition, code)
    orders.expire_order(found)
    return _order_page(edition, found)


def _done(year: int, code: str, message: str):
    flash(message, "success")
    return redirect(url_for("manage_tickets.order", year=year, code=code))


def _refused(year: int, code: str, error: DomainError):
    refuse_request()
    details = [str(m) for messages in (error.fields or {}).values() for m in messages]
    flash(" ".join([str(error.message)] + details) if details else error.message, "error")
    return redirect(url_for("manage_tickets.order", year=year, code=code))


@bp.post("/<int:year>/orders/<code>/cancel")
@roles(Role.ORGANISER)
def cancel(year: int, code: str):
    edition = edition_or_404(year)
    found = queries.order_in_edition(edition, code)
    form = CancelForm()
    if not form.validate():
        return _order_page(edition, found, cancel_form=form, status=422)
    try:
        orders.cancel_order(found, actor=current_user, reason=form.reason.data)
    except DomainError as error:
        return _refused(year, found.code, error)
    order_id = found.id
    after_commit(lambda: checkout.close_cancelled_checkouts(order_id))  # the sweep retries
    return _done(year, found.code, _("Order %(code)s cancelled; its seats are free again.",
                                     code=found.code))


@bp.post("/<int:year>/orders/<code>/refund")
@roles(Role.ORGANISER)
def refund(year: int, code: str):
    """First the confirmation page (what would be refunded, who is inside already), then,
    with its box ticked, the refund."""
    edition = edition_or_404(year)
    found = queries.order_in_edition(edition, code)
    form = RefundForm()
    form.ticket_ids.choices = choices((t.id, str(t.id)) for t in queries.valid_tickets(found))
    if not form.validate():
        return _order_page(edition, found, refund_form=form, status=422)
    ticket_ids = form.ticket_ids.data or None
    try:
        done = refunds.refund(found, checkout.payment_provider(), ticket_ids=ticket_ids,
                              actor=current_user, reason=form.reason.data,
                              confirmed=bool(form.confirm.data))
    except refunds.ConfirmationRequired as asked:
        refuse_request()
        if form.reviewed.data:
            form.confirm.errors = [_("Tick the box to confirm the refund.")]
        return render_template("ticketing/manage/refund_confirm.html", edition=edition,
                               order=found, form=form, plan=asked.plan,
                               ticket_ids=ticket_ids or []), \
            422 if form.reviewed.data else 200
    except DomainError as error:
        return _refused(year, found.code, error)
    return _done(year, found.code, _("%(amount)s refunded; the tickets are revoked and their "
                                     "seats free again.",
                                     amount=format_cents(done.amount_cents, str(get_locale()))))


@bp.post("/<int:year>/orders/<code>/resend")
@roles(Role.ORGANISER)
def resend(year: int, code: str):
    edition = edition_or_404(year)
    found = queries.order_in_edition(edition, code)
    try:
        sales.resend_confirmation(found, actor=current_user)
    except DomainError as error:
        return _refused(year, found.code, error)
    return _done(year, found.code, _("The confirmation e-mail is queued for %(email)s.",
                                     email=found.email))


@bp.post("/<int:year>/orders/<code>/mark-paid")
@roles(Role.ORGANISER)
def mark_paid(year: int, code: str):
    edition = edition_or_404(year)
    found = queries.order_in_edition(edition, code)
    try:
        sales.mark_transfer_paid(found, actor=current_user)
    except DomainError as error:
        return _refused(year, found.code, error)
    return _done(year, found.code, _("Bank transfer recorded: order %(code)s is paid and its "
                                     "tickets are sent.", code=found.code))
