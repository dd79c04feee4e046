"""Corrections and transfers, from the buyer's order page (its secret link) and from the
organisers' order page. The rules are in ticketing/changes.py; a refused form comes back on
its page with its errors beside the fields and what was typed."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from festival.core.access import Role, public, roles
from festival.core.errors import DomainError, ValidationError
from festival.core.i18n import list_separator
from festival.core.security import limiter
from festival.core.unit_of_work import refuse_request
from festival.ticketing import changes, orders, queries
from festival.ticketing.blueprints import bp, manage_bp
from festival.ticketing.change_forms import apply_errors, correction_form, transfer_form
from festival.ticketing.manage_views import _order_page, edition_or_404
from festival.ticketing.models import OrderStatus
from festival.ticketing.order_views import _back, _order_or_404, lookup_limit, render_order_page

# Each change may send e-mails (a new address, a new holder): counted per visitor, whatever
# the outcome, on top of the lookup limit.
change_limit = limiter.shared_limit(lambda: current_app.config["RATE_LIMIT_ORDER_CHANGE"],
                                    scope="order_changes")


def _done(message: str, found):
    flash(message, "success")
    return redirect(_back(found), 303)


def _refused(found, error: DomainError):
    refuse_request()
    flash(error.message, "error")
    return redirect(_back(found), 303)


@bp.post("/orders/<code>/correct")
@public
@lookup_limit
@change_limit
def correct(code: str):
    """The buyer corrects the attendee names and the order's address."""
    found = _order_or_404(code, request.form.get("secret"))
    form = correction_form(found, formdata=request.form)
    if not form.validate():
        apply_errors(form)
        return render_order_page(found, correction=form, status=422)
    try:
        done = changes.correct_order(found, names=form.names, email=form.email.data or "")
    except ValidationError as error:
        refuse_request()
        apply_errors(form, error.fields)
        return render_order_page(found, correction=form, status=422)
    except DomainError as error:
        return _refused(found, error)
    if "email" in done:
        message = _("Saved. The tickets are on their way to %(email)s; the previous address "
                    "has been told of the change.", email=found.email) \
            if found.status is OrderStatus.PAID else \
            _("Saved. E-mails about this order now go to %(email)s.", email=found.email)
    elif done:
        message = _("The names are corrected. Download the tickets again to print them with "
                    "the new names.")
    else:
        message = _("Nothing to change: the order already reads like this.")
    return _done(message, found)


@bp.post("/orders/<code>/tickets/<int:ticket_id>/transfer")
@public
@lookup_limit
@change_limit
def transfer(code: str, ticket_id: int):
    """The holder hands a ticket over: the old QR code stops working at once."""
    found = _order_or_404(code, request.form.get("secret"))
    ticket = next((t for t in found.tickets if t.id == ticket_id), None)
    if ticket is None:
        abort(404)
    form = transfer_form(ticket, request.form)
    if not form.validate():
        apply_errors(form)
        return render_order_page(found, transfers={ticket.id: form}, status=422)
    try:
        new = changes.transfer_ticket(found, ticket.id, name=form.name.data,
                                      email=form.email.data, language=str(get_locale()))
    except ValidationError as error:
        refuse_request()
        apply_errors(form, error.fields)
        return render_order_page(found, transfers={ticket.id: form}, status=422)
    except DomainError as error:
        return _refused(found, error)
    return _done(_("Ticket #%(old)s is handed over: its QR code no longer opens the door. "
                   "%(name)s's new ticket #%(new)s is on its way to %(email)s.",
                   old=ticket_id, name=new.attendee_name, new=new.id,
                   email=new.holder_email), found)


@manage_bp.post("/<int:year>/orders/<code>/correct")
@roles(Role.ORGANISER)
def correct_order(year: int, code: str):
    """An organiser corrects names and the address at any time, with a reason."""
    edition = edition_or_404(year)
    found = queries.order_in_edition(edition, code)
    orders.expire_order(found)
    form = correction_form(found, organiser=True, formdata=request.form)
    if not form.validate():
        apply_errors(form)
        return _order_page(edition, found, correction_form=form, status=422)
    try:
        done = changes.correct_order(found, names=form.names, email=form.email.data or "",
                                     actor=current_user, reason=form.reason.data)
    except ValidationError as error:
        refuse_request()
        apply_errors(form, error.fields)
        return _order_page(edition, found, correction_form=form, status=422)
    except DomainError as error:
        refuse_request()
        flash(error.message, "error")
        return redirect(url_for("manage_tickets.order", year=year, code=found.code))
    flash(_("Corrected: %(what)s.", what=list_separator().join(
        {"names": _("attendee names"), "email": _("e-mail address (the tickets are sent "
                                                  "there; the old address is told)")}[d]
        for d in done)) if done else _("Nothing to change: the order already reads like this."),
          "success")
    return redirect(url_for("manage_tickets.order", year=year, code=found.code))
