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
            template=message.template, status=message.status, attempts=message.attempts,
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
