"""Reads of the outbox for the organisers' pages."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import defer, selectinload

from festival.extensions import db
from festival.mail.models import MailStatus, OutboxAttachment, OutboxMessage

PER_PAGE = 50


def recent_messages(status: MailStatus | None = None, page: int = 1,
                    per_page: int = PER_PAGE) -> tuple[list[OutboxMessage], bool]:
    """Newest first; returns the page's messages and whether an older page exists."""
    query = (select(OutboxMessage)
             .options(defer(OutboxMessage.text_body), defer(OutboxMessage.html_body))
             .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
             .offset((page - 1) * per_page).limit(per_page + 1))
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    rows = list(db.session.scalars(query))
    return rows[:per_page], len(rows) > per_page


def status_counts() -> dict[MailStatus, int]:
    counts = dict(db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return {status: counts.get(status, 0) for status in MailStatus}


def message_with_attachments(message_id: int) -> OutboxMessage | None:
    return db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.id == message_id)
        .options(selectinload(OutboxMessage.attachments).defer(OutboxAttachment.content)))
