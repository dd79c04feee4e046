"""Reads of the outbox for the organisers' pages: messages as ShownMessage, secrets masked."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import defer, selectinload

from festival.core.masking import mask, secrets_in
from festival.extensions import db
from festival.mail.models import MailStatus, OutboxAttachment, OutboxMessage
from festival.mail.rendering import preview

PER_PAGE = 50


@dataclass(frozen=True)
class ShownAttachment:
    filename: str
    mimetype: str
    content_id: str | None


@dataclass(frozen=True)
class ShownMessage:
    """A message as the outbox pages show it: every secret its links carry (a reset token,
    an order's secret) is masked in every field (festival/core/masking.py). The pages never
    get the stored row, so no template can show a secret by mistake."""

    id: int
    to_address: str
    reply_to: str | None
    subject: str
    language: str
    template: str
    status: MailStatus
    is_bounced: bool
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str | None
    attachments: tuple[ShownAttachment, ...] = ()
    text_body: str | None = None   # only for the detail page

    @classmethod
    def of(cls, message: OutboxMessage, with_body: bool = False) -> ShownMessage:
        texts = [message.subject, message.last_error]
        text_body = html_body = None
        if with_body:
            # A message queued unrendered is shown as it would be sent now (nothing stored).
            text_body, html_body = preview(message)
            texts += [text_body, html_body]
        secrets = secrets_in(*texts)
        return cls(
            id=message.id, to_address=message.to_address, reply_to=message.reply_to,
            subject=mask(message.subject, secrets), language=message.language,
            template=message.template, status=message.status,
            is_bounced=bool(message.is_bounced), attempts=message.attempts,
            created_at=message.created_at, next_attempt_at=message.next_attempt_at,
            sent_at=message.sent_at, last_error=mask(message.last_error, secrets),
            attachments=tuple(ShownAttachment(mask(a.filename, secrets), a.mimetype,
                                              a.content_id) for a in message.attachments)
            if with_body else (),
            text_body=mask(text_body, secrets) if with_body else None)


def recent_messages(status: MailStatus | None = None, page: int = 1,
                    per_page: int = PER_PAGE) -> tuple[list[ShownMessage], bool]:
    """Newest first; returns the page's messages and whether an older page exists."""
    query = (select(OutboxMessage)
             .options(defer(OutboxMessage.text_body), defer(OutboxMessage.html_body))
             .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
             .offset((page - 1) * per_page).limit(per_page + 1))
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    rows = list(db.session.scalars(query))
    return [ShownMessage.of(m) for m in rows[:per_page]], len(rows) > per_page


def status_counts() -> dict[MailStatus, int]:
    counts = dict(db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return {status: counts.get(status, 0) for status in MailStatus}


def shown_message(message_id: int) -> ShownMessage | None:
    """One message with its text and attachments' names, for the detail page."""
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.id == message_id)
        .options(selectinload(OutboxMessage.attachments).defer(OutboxAttachment.content)))
    return ShownMessage.of(message, with_body=True) if message is not None else None


# Mailings: the messages of one batch (OutboxMessage.batch) counted together --------------

@dataclass(frozen=True)
class BatchStats:
    """One mailing's messages by state. `failed` excludes the bounced ones (failed for good
    after an SMTP 5xx refusal): queued = pending + sending + sent + failed + bounced."""

    batch: str
    queued: int = 0
    pending: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0
    bounced: int = 0
    first_queued_at: datetime | None = None
    last_sent_at: datetime | None = None

    @property
    def waiting(self) -> int:
        return self.pending + self.sending

    @property
    def is_done(self) -> bool:
        return self.waiting == 0

    @property
    def percent_sent(self) -> int:
        return round(100 * self.sent / self.queued) if self.queued else 0


def batch_stats(batches: list[str] | None = None) -> dict[str, BatchStats]:
    """Counts per batch, in one grouped query over the outbox: of the named batches, or of
    every batch when `batches` is None."""
    query = (select(OutboxMessage.batch, OutboxMessage.status, OutboxMessage.is_bounced,
                    func.count(), func.min(OutboxMessage.created_at),
                    func.max(OutboxMessage.sent_at))
             .where(OutboxMessage.batch.is_not(None))
             .group_by(OutboxMessage.batch, OutboxMessage.status, OutboxMessage.is_bounced))
    if batches is not None:
        if not batches:
            return {}
        query = query.where(OutboxMessage.batch.in_(batches))
    found: dict[str, dict] = {}
    for batch, status, bounced, count, first, last in db.session.execute(query):
        row = found.setdefault(batch, {"batch": batch, "queued": 0, "first_queued_at": None,
                                       "last_sent_at": None})
        key = "bounced" if status is MailStatus.FAILED and bounced else status.value
        row[key] = row.get(key, 0) + count
        row["queued"] += count
        if first is not None and (row["first_queued_at"] is None
                                  or first < row["first_queued_at"]):
            row["first_queued_at"] = first
        if last is not None and (row["last_sent_at"] is None or last > row["last_sent_at"]):
            row["last_sent_at"] = last
    return {batch: BatchStats(**values) for batch, values in found.items()}


@dataclass(frozen=True)
class Undelivered:
    """An address of a mailing that was not reached, and why (secrets masked)."""

    message_id: int
    to_address: str
    is_bounced: bool
    last_error: str | None


def batch_undelivered(batch: str, limit: int = 500) -> list[Undelivered]:
    """The failed and bounced addresses of one batch (at most `limit`), by address."""
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.to_address, OutboxMessage.is_bounced,
               OutboxMessage.last_error)
        .where(OutboxMessage.batch == batch, OutboxMessage.status == MailStatus.FAILED)
        .order_by(OutboxMessage.to_address, OutboxMessage.id).limit(limit)).all()
    return [Undelivered(row.id, row.to_address, row.is_bounced,
                        mask(row.last_error, secrets_in(row.last_error)))
            for row in rows]
