"""Organisers' back office for what is for sale: ticket types with their quotas and gauges,
the venue capacity, and voucher codes."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.core.access import Role, roles
from festival.core.errors import DomainError
from festival.core.forms import choices, refuse
from festival.core.unit_of_work import refuse_request
from festival.extensions import db
from festival.ticketing import catalog, queries
from festival.ticketing.blueprints import manage_bp as bp
from festival.ticketing.forms import CapacityForm, TicketTypeForm, VoucherForm, local_moment
from festival.ticketing.manage_views import edition_or_404

# Service field → form field, where their names differ.
TYPE_FIELDS = {"price_cents": "price", "suggested_price_cents": "suggested_price"}
VOUCHER_FIELDS = {"price_override_cents": "price_override"}


def _types_page(edition, capacity_form=None, status: int = 200):
    type_gauges, days = queries.gauges(edition)
    capacity_form = capacity_form or CapacityForm(
        formdata=None, data={"capacity": edition.day_capacity})
    return render_template("ticketing/manage/ticket_types.html", edition=edition,
                           gauges=type_gauges, days=days, capacity_form=capacity_form), status


@bp.get("/<int:year>/ticket-types")
@roles(Role.ORGANISER)
def ticket_types(year: int):
    return _types_page(edition_or_404(year))


@bp.post("/<int:year>/capacity")
@roles(Role.ORGANISER)
def capacity(year: int):
    edition = edition_or_404(year)
    form = CapacityForm()
    if not form.validate():
        return _types_page(edition, form, 422)
    try:
        catalog.set_venue_capacity(edition, form.capacity.data)
    except DomainError as error:
        return _types_page(edition, form, refuse(form, error, renames={"quota": "capacity"}))
    flash(_("Venue capacity set to %(n)s people a day.", n=form.capacity.data), "success")
    return redirect(url_for("manage_tickets.ticket_types", year=year))


def _type_form(edition, ticket_type=None) -> TicketTypeForm:
    if request.method == "POST":
        return TicketTypeForm(days=edition.dates, texts_of=ticket_type)
    if ticket_type is None:
        return TicketTypeForm(days=edition.dates)
    return TicketTypeForm(formdata=None, days=edition.dates, data={
        **{("name" if lang == "fr" else f"name_{lang}"): text
           for lang, text in ticket_type.texts_of("name").items()},
        **{("description" if lang == "fr" else f"description_{lang}"): text
           for lang, text in ticket_type.texts_of("description").items()},
        "price": ticket_type.price_cents, "is_pay_what_you_want": ticket_type.is_pay_what_you_want,
        "suggested_price": ticket_type.suggested_price_cents,
        "quota": ticket_type.quota.size if ticket_type.quota else 0,
        "max_per_order": ticket_type.max_per_order, "valid_days": list(ticket_type.valid_days),
        "requires_attendee_name": ticket_type.requires_attendee_name,
        "is_hidden": ticket_type.is_hidden, "is_active": ticket_type.is_active,
        "sales_open_at": local_moment(ticket_type.sales_open_at),
        "sales_close_at": local_moment(ticket_type.sales_close_at),
        "position": ticket_type.position})


@bp.route("/<int:year>/ticket-types/new", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def new_ticket_type(year: int):
    edition = edition_or_404(year)
    form = _type_form(edition)
    status = 200
    if form.validate_on_submit():
        try:
            created = catalog.create_ticket_type(edition, form.service_data(),
                                                 actor=current_user)
        except DomainError as error:
            status = refuse(form, error, renames=TYPE_FIELDS)
        else:
            flash(_("Ticket type “%(name)s” created.", name=created.name), "success")
            return redirect(url_for("manage_tickets.ticket_types", year=year))
    elif form.is_submitted():
        status = 422
    return render_template("ticketing/manage/ticket_type_form.html", edition=edition,
                           form=form, ticket_type=None), status


@bp.route("/<int:year>/ticket-types/<int:type_id>", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def edit_ticket_type(year: int, type_id: int):
    edition = edition_or_404(year)
    ticket_type = catalog.get_ticket_type(edition, type_id)
    form = _type_form(edition, ticket_type)
    status = 200
    if form.validate_on_submit():
        try:
            catalog.update_ticket_type(edition, ticket_type, form.service_data(),
                                       actor=current_user)
        except DomainError as error:
            status = refuse(form, error, renames=TYPE_FIELDS)
            ticket_type = catalog.get_ticket_type(edition, type_id)
        else:
            flash(_("Ticket type “%(name)s” saved.", name=ticket_type.name), "success")
            return redirect(url_for("manage_tickets.ticket_types", year=year))
    elif form.is_submitted():
        status = 422
    return render_template("ticketing/manage/ticket_type_form.html", edition=edition,
                           form=form, ticket_type=ticket_type), status


@bp.post("/<int:year>/ticket-types/<int:type_id>/delete")
@roles(Role.ORGANISER)
def delete_ticket_type(year: int, type_id: int):
    edition = edition_or_404(year)
    ticket_type = catalog.get_ticket_type(edition, type_id)
    name = ticket_type.name
    try:
        catalog.delete_ticket_type(ticket_type, actor=current_user)
        db.session.flush()
    except DomainError as error:
        refuse_request()
        flash(" ".join(str(m) for msgs in error.fields.values() for m in msgs)
              or error.message, "error")
        return redirect(url_for("manage_tickets.edit_ticket_type", year=year, type_id=type_id))
    flash(_("Ticket type “%(name)s” deleted.", name=name), "success")
    return redirect(url_for("manage_tickets.ticket_types", year=year))


@bp.route("/<int:year>/vouchers", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def vouchers(year: int):
    edition = edition_or_404(year)
    form = VoucherForm()
    form.ticket_type_id.choices = choices(
        (t.id, t.name + (" · " + _("hidden") if t.is_hidden else ""))
        for t in queries.ticket_types(edition))
    status = 200
    if form.validate_on_submit():
        try:
            voucher = catalog.create_voucher(edition, form.service_data(), actor=current_user)
        except DomainError as error:
            status = refuse(form, error, renames=VOUCHER_FIELDS)
        else:
            flash(_("Voucher code %(code)s created.", code=voucher.code), "success")
            return redirect(url_for("manage_tickets.vouchers", year=year))
    elif form.is_submitted():
        status = 422
    return render_template("ticketing/manage/vouchers.html", edition=edition, form=form,
                           vouchers=queries.vouchers(edition)), status
