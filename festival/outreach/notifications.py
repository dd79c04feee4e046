"""The rules' e-mails, rendered by the mail sender when it sends them (festival/mail/
rendering.py), and their previews in the back office.

Templates: templates/mail/rule_reminder, rule_thank_you, rule_announcement (.html, .txt).
The reminder's "where and when" is the block `where_and_when` of rule_reminder.html and
.txt: the day's venue, door hours and access (the partials mail/_where_and_when.*, from
editions.practical.where_and_when), or its date and the main venue when the day is gone.
Its context: `edition`, `day` (a date), `edition_day` (that day's EditionDay row, or None),
`where_and_when`, `venue` (the main venue, or None), `order`, `tickets` (the order's valid
tickets of that day).

Who gets the message is checked again when it is sent: an order cancelled or refunded since
it was queued (or left with no valid ticket for the reminder's day), an address
unsubscribed since, or any message of a rule switched off since, is not sent
(mail.rendering.NotToSend).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import SimpleNamespace
from typing import Any

from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as _

from festival.core.i18n import list_separator
from festival.core.urls import absolute_url
from festival.editions.models import Edition
from festival.editions.practical import where_and_when
from festival.extensions import db
from festival.mail.rendering import NotToSend, Prepared, register_renderer
from festival.mail.services import Attachment, render_mail
from festival.outreach import texts
from festival.outreach.models import MessageRule, RuleKind
from festival.outreach.schedule import TEMPLATES, day_tickets
from festival.outreach.unsubscribe import is_unsubscribed, unsubscribe_url
from festival.ticketing.models import Order, OrderStatus
from festival.ticketing.pdf_cache import cached_order_pdf
from festival.ticketing.queries import valid_tickets


def _rule(ids: Mapping[str, Any]) -> MessageRule:
    rule = db.session.get(MessageRule, ids["rule_id"])
    if rule is None:
        raise LookupError(f"rule {ids['rule_id']} no longer exists")
    if not rule.is_enabled:
        raise NotToSend("the rule was switched off")
    return rule


def _order(ids: Mapping[str, Any]) -> Order:
    """The order, still paid: one cancelled or refunded since the message was queued gets
    nothing (NotToSend)."""
    order = db.session.get(Order, ids["order_id"])
    if order is None:
        raise LookupError(f"order {ids['order_id']} no longer exists")
    if order.status is not OrderStatus.PAID:
        raise NotToSend(f"order {order.code} is {order.status.value}")
    return order


def _common(rule: MessageRule, edition: Edition, language: str) -> dict:
    return {"rule": rule, "edition": edition, "kind": rule.kind.value,
            "paragraphs": texts.paragraphs(texts.body(rule, language)),
            "venue": edition.main_venue}


def ticket_summary(tickets) -> str:
    """"2 × Pass festival, Dimanche": the tickets by type, in the order they were bought."""
    counts: dict[str, int] = {}
    for ticket in tickets:
        counts[ticket.ticket_type.name] = counts.get(ticket.ticket_type.name, 0) + 1
    return list_separator().join(name if n == 1 else f"{n} × {name}"
                                 for name, n in counts.items())


def _day_row(edition: Edition, day: date):
    """The EditionDay of `day` (its door hours, once days have them), None if it is gone."""
    return next((row for row in edition.days if row.day == day), None)


def order_url(order: Order) -> str:
    return absolute_url("ticketing.order", code=order.code, secret=order.secret)


def feedback_url(order: Order) -> str:
    return absolute_url("outreach.feedback", code=order.code, secret=order.secret)


def render_reminder(ids: Mapping[str, Any], with_files: bool) -> Prepared:
    """The order's valid tickets admitting on the day, as they are when it is sent."""
    rule, order = _rule(ids), _order(ids)
    day = date.fromisoformat(ids["day"])
    tickets = day_tickets(order, day)
    if not tickets:
        raise NotToSend(f"order {order.code} has no valid ticket for {day.isoformat()}")
    context = {**_common(rule, order.edition, order.language), "order": order, "day": day,
               "edition_day": _day_row(order.edition, day),
               "where_and_when": where_and_when(order.edition, [day], order.language),
               "tickets": tickets, "ticket_summary": ticket_summary(tickets),
               "order_url": order_url(order)}
    if not with_files:
        return Prepared(context)
    every = valid_tickets(order)
    pdf = cached_order_pdf(order, "a4", tickets, every)
    return Prepared(context, attachments=[
        Attachment(f"almoggar-{order.code}-{day.isoformat()}.pdf", "application/pdf", pdf)])


def render_thank_you(ids: Mapping[str, Any], with_files: bool) -> Prepared:
    rule, order = _rule(ids), _order(ids)
    return Prepared({**_common(rule, order.edition, order.language), "order": order,
                     "feedback_url": feedback_url(order)})


def render_announcement(ids: Mapping[str, Any], with_files: bool) -> Prepared:
    rule = _rule(ids)
    if is_unsubscribed(ids["address"]):
        raise NotToSend("the address unsubscribed")
    language = ids.get("language", "fr")
    return Prepared({**_common(rule, rule.edition, language),
                     "edition_url": absolute_url("editions.edition", year=rule.edition.year),
                     "unsubscribe_url": unsubscribe_url(ids["address"])})


def register_mail_renderers(app: Flask) -> None:
    register_renderer(app, TEMPLATES[RuleKind.REMINDER], render_reminder)
    register_renderer(app, TEMPLATES[RuleKind.THANK_YOU], render_thank_you)
    register_renderer(app, TEMPLATES[RuleKind.ANNOUNCEMENT], render_announcement)


# Previews ---------------------------------------------------------------------------------

def preview(rule: MessageRule, edition: Edition, language: str) -> tuple[str, str, str]:
    """(subject, text, HTML) of the rule's message in `language`, for a made-up buyer with
    one ticket on the edition's first day. Nothing is stored."""
    with force_locale(language):
        sample = SimpleNamespace(code="AB12CD34", secret="", language=language,
                                 buyer_name=_("Camille Martin"), edition=edition)
        ticket = SimpleNamespace(ticket_type=SimpleNamespace(name=_("Festival pass")),
                                 attendee_name="")
        subject = texts.subject(rule, language)
    context = {**_common(rule, edition, language), "order": sample,
               "day": edition.first_day or date.today(),
               "edition_day": edition.days[0] if edition.days else None, "tickets": [ticket],
               "where_and_when": where_and_when(edition, [edition.first_day], language)
               if edition.first_day else [],
               "ticket_summary": ticket_summary([ticket]),
               "order_url": absolute_url("editions.edition", year=edition.year),
               "feedback_url": absolute_url("editions.edition", year=edition.year),
               "edition_url": absolute_url("editions.edition", year=edition.year),
               "unsubscribe_url": absolute_url("editions.edition", year=edition.year)}
    text, html = render_mail(TEMPLATES[rule.kind], context, language)
    return subject, text, html
