"""Seats in sessions from the buyer's order page (its secret link): reserve one per ticket,
give it back. The routes are part of the buyers' pages (ticketing's blueprint); the rules
are in seats/services.py."""
from __future__ import annotations

from flask import flash, redirect, request
from flask_babel import gettext as _

from festival.core.access import public
from festival.core.errors import DomainError
from festival.core.unit_of_work import refuse_request
from festival.editions.models import ProgrammeSession
from festival.extensions import db
from festival.seats import services
from festival.ticketing.blueprints import bp
from festival.ticketing.order_views import _back, _order_or_404, lookup_limit


def _refused(found, error: DomainError):
    refuse_request()
    flash(error.message, "error")
    return redirect(_back(found, _anchor="seats"), 303)


@bp.post("/orders/<code>/seats/<int:session_id>/tickets/<int:ticket_id>")
@public
@lookup_limit
def reserve_seat(code: str, session_id: int, ticket_id: int):
    found = _order_or_404(code, request.form.get("secret"))
    session = db.session.get(ProgrammeSession, session_id)
    ticket = next((t for t in found.tickets if t.id == ticket_id), None)
    if session is None or ticket is None:
        return _refused(found, DomainError("not_found", _("No such session or ticket."),
                                           status=404))
    try:
        services.reserve(session, ticket)
    except DomainError as error:
        return _refused(found, error)
    flash(_("A seat is reserved for %(name)s in “%(title)s”. Come in by ten minutes after "
            "the start: after that, the seat goes to the people at the door.",
            name=ticket.attendee_name or found.buyer_name, title=session.title), "success")
    return redirect(_back(found, _anchor="seats"), 303)


@bp.post("/orders/<code>/seats/<int:reservation_id>/cancel")
@public
@lookup_limit
def cancel_seat(code: str, reservation_id: int):
    found = _order_or_404(code, request.form.get("secret"))
    try:
        reservation = services.reservation_for(found, reservation_id)
        services.cancel(reservation)
    except DomainError as error:
        return _refused(found, error)
    flash(_("The seat is given back: someone else can take it."), "success")
    return redirect(_back(found, _anchor="seats"), 303)
