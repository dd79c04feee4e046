"""The ticketing blueprints: the buyers' pages (`ticketing`: shop, order pages) and the
organisers' back office (`manage_tickets`). Their routes live in the *_views modules."""
from __future__ import annotations

from flask import Blueprint

from festival.editions.services import register_days_listener
from festival.ticketing.labels import template_globals
from festival.ticketing.notifications import register_mail_renderers
from festival.ticketing.quotas import sync_days

bp = Blueprint("ticketing", __name__)
manage_bp = Blueprint("manage_tickets", __name__, url_prefix="/manage")


@bp.record_once
def _labels(state) -> None:
    # Globals (not a context processor) so that imported macros see them too.
    state.app.jinja_env.globals.update(template_globals())


@bp.record_once
def _mail_renderers(state) -> None:
    # The sender renders the buyers' e-mails after the commit: it finds their renderers here.
    register_mail_renderers(state.app)


@bp.record_once
def _day_quotas(state) -> None:
    # The venue capacity is a quota per festival day: it follows the edition's days.
    register_days_listener(state.app, sync_days)
