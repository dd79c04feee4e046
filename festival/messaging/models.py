"""A message written by organisers to a group of attendees, sent once through the outbox."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.accounts.models import User
from festival.config import LANGUAGES
from festival.core.models import TimestampMixin
from festival.core.types import UTCDateTime, str_enum
from festival.editions.models import Edition
from festival.extensions import db

BATCH_PREFIX = "message"  # OutboxMessage.batch of a broadcast: "message:<id>"


class BroadcastStatus(str, enum.Enum):
    DRAFT = "draft"
    SENT = "sent"      # queued in the outbox, once; never edited or sent again


class Broadcast(TimestampMixin, db.Model):
    """Subject and body per language ({"fr": …, "en": …, "ar": …}; French always present),
    organiser-written plain text, never evaluated as a template. `audience` holds the
    filters (messaging.audience.Audience.as_json)."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            index=True)
    subjects: Mapped[dict] = mapped_column(JSON, default=dict)
    bodies: Mapped[dict] = mapped_column(JSON, default=dict)
    audience: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[BroadcastStatus] = mapped_column(
        str_enum(BroadcastStatus, "broadcast_status", length=20), default=BroadcastStatus.DRAFT)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recipient_count: Mapped[int | None] = mapped_column(Integer)  # set when sent

    edition: Mapped[Edition] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id])

    @property
    def batch(self) -> str:
        return f"{BATCH_PREFIX}:{self.id}"

    @property
    def is_sent(self) -> bool:
        return self.status is BroadcastStatus.SENT

    @property
    def languages(self) -> list[str]:
        """The languages the message is written in, French first."""
        return [lang for lang in LANGUAGES
                if (self.subjects or {}).get(lang) and (self.bodies or {}).get(lang)]

    def language_for(self, wanted: str) -> str:
        """The reader's language when the message is written in it, else French."""
        return wanted if wanted in self.languages else "fr"

    def subject_in(self, language: str) -> str:
        return (self.subjects or {}).get(self.language_for(language), "")

    def body_in(self, language: str) -> str:
        return (self.bodies or {}).get(self.language_for(language), "")

    @property
    def title(self) -> str:
        """The French subject, for the back office's lists."""
        return self.subject_in("fr")


MAX_SUBJECT = 200
MAX_BODY = 20_000
