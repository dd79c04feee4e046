"""Queueing what the rules say is due: `flask --app festival mail schedule` calls
`due_work` then `schedule_occasion` batch by batch, each batch in its own transaction.

A message is queued at most once per rule, recipient and occasion: the delivery row is
inserted with `ON CONFLICT DO NOTHING` on its unique constraint, and only the scheduler whose
row went in queues the message (with the outbox's dedupe key as a second guard). Two
schedulers running at once therefore never queue the same message twice (PostgreSQL waits for
the first one's commit, then finds the row there).

Who gets what (festival/outreach/moments.py has when):
- reminder for day D: each order of the edition that is paid (OrderStatus.PAID), paid at or
  before the reminder's moment, with at least one valid ticket admitting on D; the valid
  tickets admitting on D are attached. A partly refunded order stays paid: it gets the
  reminder when one of its tickets still valid admits on D, and only those are attached.
  Cancelled, refunded, expired or pending orders get nothing.
- thank-you: each paid order of the edition, paid before the moment, with a valid ticket.
- announcement: each address of a paid order of an earlier edition, paid before the edition
  was published, whose latest such order has the news box ticked, and not unsubscribed;
  once per address, in the language of that latest order.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import String, cast, exists, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from festival.core.errors import ValidationError
from festival.core.timeutil import utcnow
from festival.editions.models import Edition, EditionStatus
from festival.extensions import db
from festival.mail.services import queue_mail_to_render
from festival.outreach import moments, texts
from festival.outreach.models import MessageRule, RuleDelivery, RuleKind, Unsubscribe
from festival.outreach.moments import Occasion
from festival.outreach.unsubscribe import unsubscribe_headers
from festival.ticketing.models import Order, OrderStatus, Ticket, TicketStatus, TicketType

BATCH_SIZE = 100
TEMPLATES = {RuleKind.REMINDER: "rule_reminder", RuleKind.THANK_YOU: "rule_thank_you",
             RuleKind.ANNOUNCEMENT: "rule_announcement"}


@dataclass(frozen=True)
class DueWork:
    rule_id: int
    kind: RuleKind
    occasion: Occasion
    batch: str


def due_work(now: datetime) -> list[DueWork]:
    """Every enabled rule's occasion open at `now` (due and not yet over), of editions that
    are not archived."""
    rules = db.session.scalars(
        select(MessageRule).join(Edition, Edition.id == MessageRule.edition_id)
        .where(MessageRule.is_enabled, Edition.status != EditionStatus.ARCHIVED)
        .order_by(MessageRule.id)).all()
    return [DueWork(rule.id, rule.kind, occasion, rule.batch(occasion.key))
            for rule in rules for occasion in moments.occasions(rule.kind, rule.edition)
            if occasion.is_open(now)]


def order_recipient(order_id: int) -> str:
    return f"order:{order_id}"


def address_recipient(address: str) -> str:
    return f"address:{address}"


def normalise_address(address: str) -> str:
    return (address or "").strip().lower()


def _delivered(rule_id: int, occasion: str, recipient):
    return exists().where(RuleDelivery.rule_id == rule_id, RuleDelivery.occasion == occasion,
                          RuleDelivery.recipient == recipient)


def _paid_orders(edition_id: int, due_at: datetime):
    return select(Order).where(Order.edition_id == edition_id,
                               Order.status == OrderStatus.PAID,
                               Order.paid_at.is_not(None), Order.paid_at <= due_at,
                               Order.email != "")


def admitting_types(edition: Edition, day) -> list[int]:
    """The ids of the edition's ticket types that admit on `day` (TicketType.admission_days)."""
    types = db.session.scalars(select(TicketType).where(TicketType.edition_id == edition.id))
    return [t.id for t in types if day in t.admission_days(edition.dates)]


def day_tickets(order: Order, day) -> list[Ticket]:
    """The order's valid tickets that admit on festival day `day`."""
    dates = order.edition.dates
    return [t for t in order.tickets if t.status is TicketStatus.VALID
            and day in t.ticket_type.admission_days(dates)]


def pending_orders(rule: MessageRule, occasion: Occasion, limit: int) -> list[Order]:
    """Orders the rule has still to write to for `occasion` (reminder, thank-you)."""
    recipient = literal("order:", String) + cast(Order.id, String)
    valid = [Ticket.order_id == Order.id, Ticket.status == TicketStatus.VALID]
    if rule.kind is RuleKind.REMINDER:
        valid = [*valid, Ticket.ticket_type_id.in_(admitting_types(rule.edition,
                                                                       occasion.day))]
    query = _paid_orders(rule.edition_id, occasion.due_at).where(
        ~_delivered(rule.id, occasion.key, recipient), exists().where(*valid))
    return db.session.scalars(query.order_by(Order.id).limit(limit)).all()


def pending_addresses(rule: MessageRule, occasion: Occasion, limit: int
                      ) -> list[tuple[str, str]]:
    """(address, language) the announcement has still to go to, once per address. The
    address's latest paid order (before the publication) decides: its news box, and its
    language; an address that unticked the box on a later order gets nothing."""
    edition = rule.edition
    address = func.lower(func.trim(Order.email))
    rows = db.session.execute(
        select(address, Order.language, Order.marketing_consent)
        .join(Edition, Edition.id == Order.edition_id)
        .where(Edition.year < edition.year,
               Order.status == OrderStatus.PAID, Order.paid_at.is_not(None),
               Order.paid_at <= occasion.due_at, Order.email != "",
               ~exists().where(Unsubscribe.address == address),
               ~_delivered(rule.id, occasion.key, literal("address:", String) + address))
        .order_by(address, Order.paid_at.desc(), Order.id.desc())).all()
    latest: dict[str, tuple[str, bool]] = {}
    for value, language, consent in rows:  # the latest order of each address comes first
        latest.setdefault(value, (language, consent))
    return [(value, language) for value, (language, consent) in latest.items()
            if consent][:limit]


def _claim(rule_id: int, recipient: str, occasion: str, order_id: int | None) -> int | None:
    """Insert the delivery row; its id, or None when it was already there."""
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(RuleDelivery)
    return db.session.scalar(
        insert.values(rule_id=rule_id, recipient=recipient, occasion=occasion,
                      order_id=order_id, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["rule_id", "recipient", "occasion"])
        .returning(RuleDelivery.id))


def _language(value: str | None) -> str:
    return value if value in current_app.config["LANGUAGES"] else "fr"


def dedupe_key(rule_id: int, recipient: str, occasion: str) -> str:
    digest = hashlib.sha256(recipient.encode()).hexdigest()[:32]
    return f"rule-{rule_id}-{occasion}-{digest}"


def _queue(rule: MessageRule, occasion: Occasion, recipient: str, to: str, language: str,
           ids: dict, order_id: int | None, headers: dict | None = None) -> bool:
    delivery_id = _claim(rule.id, recipient, occasion.key, order_id)
    if delivery_id is None:
        return False  # another scheduler, or an earlier run, queued it
    try:
        with force_locale(language):
            subject = texts.subject(rule, language)
        message_id = queue_mail_to_render(
            to, TEMPLATES[rule.kind], ids, language, subject,
            dedupe_key=dedupe_key(rule.id, recipient, occasion.key),
            batch=rule.batch(occasion.key), headers=headers, send_before=occasion.ends_at)
    except ValidationError:
        # An address the outbox refuses (typed wrong at the box office): its delivery row
        # stays, with no message, so that it is not tried again at every round.
        current_app.logger.warning("rule %s: %s refused as an address", rule.id, recipient)
        return False
    db.session.get(RuleDelivery, delivery_id).outbox_message_id = message_id
    return True


def schedule_occasion(work: DueWork, now: datetime, limit: int = BATCH_SIZE) -> tuple[int, int]:
    """Queue up to `limit` of the messages `work` still owes; returns (queued, looked at).
    Looked at below `limit`: nothing is left for this occasion. No commit."""
    rule = db.session.get(MessageRule, work.rule_id)
    if rule is None or not rule.is_enabled or not work.occasion.is_open(now):
        return 0, 0
    queued = 0
    if rule.kind is RuleKind.ANNOUNCEMENT:
        found = pending_addresses(rule, work.occasion, limit)
        for address, language in found:
            recipient = address_recipient(address)
            queued += _queue(rule, work.occasion, recipient, address, _language(language),
                             {"rule_id": rule.id, "address": address,
                              "language": _language(language)}, None,
                             unsubscribe_headers(address))
        return queued, len(found)
    orders = pending_orders(rule, work.occasion, limit)
    for order in orders:
        ids = {"rule_id": rule.id, "order_id": order.id}
        if rule.kind is RuleKind.REMINDER:
            ids["day"] = work.occasion.key
        queued += _queue(rule, work.occasion, order_recipient(order.id), order.email,
                         _language(order.language), ids, order.id)
    return queued, len(orders)


def batches(work: DueWork, now: datetime, limit: int = BATCH_SIZE) -> Iterator[int]:
    """For the command: yields the count queued per batch until the occasion is done; the
    caller ends each batch's transaction between two steps."""
    while True:
        queued, seen = schedule_occasion(work, now, limit)
        yield queued
        if seen < limit:
            return


def queued_counts(rule: MessageRule) -> list[tuple[str, int]]:
    """(occasion, messages queued) of a rule, in order."""
    return [(occasion, n) for occasion, n in db.session.execute(
        select(RuleDelivery.occasion, func.count(RuleDelivery.id))
        .where(RuleDelivery.rule_id == rule.id, RuleDelivery.outbox_message_id.is_not(None))
        .group_by(RuleDelivery.occasion).order_by(RuleDelivery.occasion)).all()]

