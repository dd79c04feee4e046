"""The outbox: one row per e-mail to deliver, with its attachments and inline images.

A row is stored either rendered (its bodies and files) or as what to render: its template,
language and `context`, the ids its renderer needs; the sender then renders it when it sends
it (festival/mail/rendering.py), after the commit that queued it.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.timeutil import utcnow
from festival.core.types import UTCDateTime, str_enum
from festival.extensions import db


class MailStatus(str, enum.Enum):
    PENDING = "pending"    # waiting for its next attempt (next_attempt_at)
    SENDING = "sending"    # claimed by a sender; reclaimed if it stays here too long
    SENT = "sent"
    FAILED = "failed"      # gave up: permanent refusal (is_bounced) or too many attempts

    @property
    def title(self) -> str:
        from flask_babel import gettext as _
        return {
            MailStatus.PENDING: _("Pending"),
            MailStatus.SENDING: _("Sending"),
            MailStatus.SENT: _("Sent"),
            MailStatus.FAILED: _("Failed"),
        }[self]


# The only extra headers a message may carry: a marketing message's unsubscribe links
# (RFC 2369 and RFC 8058's one-click POST).
EXTRA_HEADERS = ("List-Unsubscribe", "List-Unsubscribe-Post")


mail_status_enum = str_enum(MailStatus, "mail_status", length=20)


class OutboxMessage(db.Model):
    """An e-mail stored in the same transaction as the change that caused it."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        # The sender's claim: due messages in order.
        Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    reply_to: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str | None] = mapped_column(Text)  # None: rendered when sent
    html_body: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(5))
    template: Mapped[str] = mapped_column(String(100))
    # What the template's renderer needs (ids only, e.g. {"order_id": 7}) while unrendered.
    context: Mapped[dict | None] = mapped_column(JSON)
    # Kept from the start so that a retried message keeps the same Message-ID.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    # The same logical message (e.g. "order ABC confirmation") is never queued twice.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # The mailing a message belongs to ("reminder:3:2027-05-08", "message:12"), for the
    # organisers' counts per mailing (queued, sent, failed); None for one-off e-mails.
    batch: Mapped[str | None] = mapped_column(String(120), index=True)
    # Extra headers the sender adds ({"List-Unsubscribe": …}), only those of EXTRA_HEADERS.
    headers: Mapped[dict | None] = mapped_column(JSON)
    # Not sent at or after this instant (a reminder once its day has begun): given up instead.
    send_before: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[MailStatus] = mapped_column(mail_status_enum, default=MailStatus.PENDING)
    # A failed message the receiving server refused for good (an SMTP 5xx answer): a bounce,
    # told apart from a message given up after too many temporary failures.
    is_bounced: Mapped[bool] = mapped_column(default=False, server_default=false())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="OutboxAttachment.id")

    @property
    def is_rendered(self) -> bool:
        return self.text_body is not None

    @property
    def inline_images(self) -> list[OutboxAttachment]:
        return [a for a in self.attachments if a.content_id]

    @property
    def files(self) -> list[OutboxAttachment]:
        return [a for a in self.attachments if not a.content_id]

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.status.value} to {self.to_address}>"


class OutboxAttachment(db.Model):
    """A file attached to a message, or an inline image when it has a content_id (cid:…)."""

    __tablename__ = "outbox_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    mimetype: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    content_id: Mapped[str | None] = mapped_column(String(100))

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")
