"""The ticketing blueprints: the buyers' pages (`ticketing`: shop, order pages) and the
organisers' back office (`manage_tickets`). Their routes live in the *_views modules."""
from __future__ import annotations

from flask import Blueprint, g
from sqlalchemy.exc import SQLAlchemyError

from festival.editions.queries import year_on_sale
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


def shop_year() -> int | None:
    """The year whose shop the public menu shows ("Tickets"), read once per request. A page
    shown because the database failed (an error page) goes without the link."""
    if "shop_year" not in g:
        try:
            g.shop_year = year_on_sale()
        except SQLAlchemyError:
            g.shop_year = None
    return g.shop_year


@bp.app_context_processor
def _shop_link() -> dict:
    # A function, called by base.html's menu only: the pages without the menu (e-mails,
    # PDFs) cost no query.
    return {"shop_year": shop_year}
