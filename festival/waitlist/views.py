"""The waiting list's pages: join from the sold-out shop, leave by the e-mail's link, use an
offer (its personal link opens the held tickets at the shop's last step, then payment), and
the organisers' list per edition, where they offer by hand or remove someone."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from festival.core.access import Role, public, roles
from festival.core.errors import DomainError, ValidationError
from festival.core.security import limit
from festival.core.unit_of_work import refuse_request
from festival.editions import queries as edition_queries
from festival.editions.queries import visible_edition
from festival.questions import forms as question_forms
from festival.questions import services as questions
from festival.ticketing import shop
from festival.ticketing.models import OrderStatus
from festival.ticketing.order_views import to_payment
from festival.waitlist import queries, services
from festival.waitlist.forms import EmptyForm, JoinForm, OfferForm
from festival.waitlist.models import EntryStatus

bp = Blueprint("waitlist", __name__)

MAX_NAMES = 20  # attendee names read from a form, at most (an offer is for a few seats)


def _sold_out_type(edition, type_id: int):
    offer = next((o for o in shop.offers(edition) if o.id == type_id), None)
    if offer is None:
        abort(404)
    return offer


def _language() -> str:
    return str(get_locale() or "fr")


@bp.route("/<int:year>/tickets/waiting-list/<int:type_id>", methods=["GET", "POST"])
@public
@limit("RATE_LIMIT_ORDER_CREATE", methods=["POST"])
def join(year: int, type_id: int):
    """Join the waiting list of a sold-out ticket type; in the page's language."""
    edition = visible_edition(year)
    offer = _sold_out_type(edition, type_id)
    form = JoinForm(limit=services.max_quantity(offer.ticket_type))
    if not edition.is_on_sale or offer.state != shop.SOLD_OUT:
        return render_template("waitlist/join.html", edition=edition, offer=offer, form=form,
                               unavailable=True), 409 if request.method == "POST" else 200
    if request.method == "POST" and form.validate():
        try:
            entry = services.join(edition, type_id, name=form.name.data or "",
                                  email=form.email.data or "", quantity=form.quantity.data,
                                  language=_language())
        except ValidationError as error:
            refuse_request()
            for key, messages in error.fields.items():
                target = getattr(form, key, None)
                if target is not None:
                    target.errors = list(target.errors) + list(messages)
            return _join_page(edition, offer, form, 422)
        except DomainError as error:
            refuse_request()
            return _join_page(edition, offer, form, error.status, alert=error.message)
        return render_template("waitlist/joined.html", edition=edition, entry=entry,
                               ticket_type=offer.ticket_type)
    return _join_page(edition, offer, form, 422 if request.method == "POST" else 200)


def _join_page(edition, offer, form, status: int, alert: str = ""):
    form.name.flags.required = form.email.flags.required = True
    return render_template("waitlist/join.html", edition=edition, offer=offer, form=form,
                           alert=alert, unavailable=False), status


@bp.route("/waiting-list/leave/<secret>", methods=["GET", "POST"])
@public
def leave(secret: str):
    """The link of the e-mails: a button that confirms (a mail scanner's GET changes
    nothing)."""
    entry = queries.entry_by_secret(secret)
    if entry is None:
        abort(404)
    form = EmptyForm()
    if request.method == "POST" and form.validate():
        services.leave(entry)
        return render_template("waitlist/leave.html", entry=entry, left=True, form=form)
    return render_template("waitlist/leave.html", entry=entry, form=form,
                           left=entry.status not in (EntryStatus.WAITING, EntryStatus.OFFERED))


def _names(quantity: int) -> list[str]:
    return [(request.form.get(f"attendee-{n}") or "").strip()[:400]
            for n in range(1, min(quantity, MAX_NAMES) + 1)]


@bp.route("/waiting-list/offer/<token>", methods=["GET", "POST"])
@public
@limit("RATE_LIMIT_ORDER_CREATE", methods=["POST"])
def offer(token: str):
    """The personal link of an offer: the held tickets, the buyer's details, then payment."""
    found = queries.offer_by_token(token)
    try:
        found = services.check_offer(found)
    except DomainError as error:
        return render_template("waitlist/offer_gone.html", offer=found, error=error), \
            error.status
    entry = found.entry
    form = OfferForm(limit=found.quantity)
    if request.method == "GET":
        form.name.data, form.email.data = entry.name, entry.email
        form.language.data = entry.language
        form.quantity.data = found.quantity
        return _offer_page(found, form, [""] * found.quantity)
    names = _names(found.quantity)
    if not form.validate():
        return _offer_page(found, form, names, 422)
    quantity = form.quantity.data if isinstance(form.quantity.data, int) else 0
    needs_names = entry.ticket_type.requires_attendee_name
    typed = _typed(found)
    try:
        order = services.use_offer(
            found, buyer_name=form.name.data or "", email=form.email.data or "",
            quantity=quantity, attendees=names[:quantity] if needs_names else [],
            language=form.language.data, terms_accepted=bool(form.accept_terms.data),
            marketing_consent=bool(form.marketing_consent.data), answers=typed.order,
            ticket_answers=typed.for_type(entry.ticket_type_id))
    except ValidationError as error:
        refuse_request()
        name_errors = []
        answer_errors = question_forms.errors_by_field(error.fields, [entry.ticket_type_id])
        for key, messages in error.fields.items():
            if key.startswith("answers.") or ".answers." in key:
                continue  # shown at their questions
            target = getattr(form, key, None) if "." not in key else None
            if key == "accept_terms":
                messages = [_("Please tick the box to accept the terms of sale: your order "
                              "cannot be made without it.")]
            if target is not None and hasattr(target, "errors"):
                target.errors = list(target.errors) + list(messages)
            else:
                name_errors.extend(messages)
        return _offer_page(found, form, names, 422, name_errors=name_errors,
                           answer_errors=answer_errors)
    except DomainError as error:
        refuse_request()
        return render_template("waitlist/offer_gone.html", offer=found, error=error), \
            error.status
    if order.status is OrderStatus.PENDING:
        return to_payment(order)
    return redirect(url_for("ticketing.order", code=order.code, secret=order.secret), 303)


def _typed(found) -> question_forms.Typed:
    """The answers typed on the offer's page, for each ticket it holds."""
    asked = questions.asked(found.entry.edition, [found.entry.ticket_type_id])
    return question_forms.read(request.form, asked,
                               [(found.entry.ticket_type_id, found.quantity)])


def _offer_page(found, form, names, status: int = 200, name_errors=(), answer_errors=None):
    form.name.flags.required = form.email.flags.required = True
    answer_errors = answer_errors or {}
    if found.quantity == 1:  # no quantity field is shown: its errors go with the ticket
        name_errors = list(name_errors) + list(form.quantity.errors)
    ticket_type = found.entry.ticket_type
    price = ticket_type.price_cents if not ticket_type.is_pay_what_you_want else max(
        ticket_type.suggested_price_cents or 0, ticket_type.price_cents)
    return render_template("waitlist/offer.html", offer=found, entry=found.entry,
                           edition=found.entry.edition, ticket_type=ticket_type, form=form,
                           names=names, unit_price=price, name_errors=list(name_errors),
                           asked=questions.asked(found.entry.edition, [ticket_type.id]),
                           typed=_typed(found), answer_errors=answer_errors,
                           answer_field=question_forms.field_name,
                           has_errors=bool(name_errors) or bool(answer_errors)
                           or any(f.errors for f in form)), status


# The back office -----------------------------------------------------------------------------

def _edition(year: int):
    return edition_queries.edition_for_year(year, include_drafts=True)


@bp.get("/manage/<int:year>/waiting-list")
@roles(Role.ORGANISER)
def manage(year: int):
    edition = _edition(year)
    entries = queries.entries_of(edition.id)
    groups: dict[int, list] = {}
    for entry in entries:
        groups.setdefault(entry.ticket_type_id, []).append(entry)
    return render_template("waitlist/manage.html", edition=edition, groups=groups)


def _entry(edition, entry_id: int):
    entry = queries.entry_in_edition(edition.id, entry_id)
    if entry is None:
        abort(404)
    return entry


@bp.post("/manage/<int:year>/waiting-list/<int:entry_id>/offer")
@roles(Role.ORGANISER)
def offer_now(year: int, entry_id: int):
    edition = _edition(year)
    entry = _entry(edition, entry_id)
    if not EmptyForm().validate():
        abort(400)
    try:
        services.offer_by_hand(entry, actor=current_user)
    except DomainError as error:
        keep = error.code == "already_bought"  # the entry is closed: that stays
        if not keep:
            refuse_request()
        flash(error.message, "error")
    else:
        flash(_("The offer was sent to %(email)s.", email=entry.email), "success")
    return redirect(url_for("waitlist.manage", year=year, _anchor=f"entry-{entry_id}"), 303)


@bp.post("/manage/<int:year>/waiting-list/<int:entry_id>/remove")
@roles(Role.ORGANISER)
def remove(year: int, entry_id: int):
    edition = _edition(year)
    entry = _entry(edition, entry_id)
    if not EmptyForm().validate():
        abort(400)
    try:
        services.remove(entry, actor=current_user)
    except DomainError as error:
        refuse_request()
        flash(error.message, "error")
    else:
        flash(_("%(name)s was removed from the waiting list.", name=entry.name), "success")
    return redirect(url_for("waitlist.manage", year=year), 303)
