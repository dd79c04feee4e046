"""Message rules per edition, one delivery row per message a rule queued, the attendees'
feedback and the addresses that asked for no more announcements."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.models import TimestampMixin
from festival.core.timeutil import utcnow
from festival.core.types import UTCDateTime, str_enum
from festival.editions.models import Edition, ProgrammeSession
from festival.extensions import db
from festival.ticketing.models import Order


class RuleKind(str, enum.Enum):
    REMINDER = "reminder"          # the day before each festival day, to its ticket holders
    THANK_YOU = "thank_you"        # the day after the festival, with the feedback form
    ANNOUNCEMENT = "announcement"  # the edition is published: to past buyers who opted in

    @property
    def title(self) -> str:
        from flask_babel import gettext as _
        return {
            RuleKind.REMINDER: _("Reminder the day before"),
            RuleKind.THANK_YOU: _("Thank you and feedback"),
            RuleKind.ANNOUNCEMENT: _("Announcement of the edition"),
        }[self]

    @property
    def is_marketing(self) -> bool:
        return self is RuleKind.ANNOUNCEMENT


rule_kind_enum = str_enum(RuleKind, "rule_kind", length=20)


class MessageRule(TimestampMixin, db.Model):
    """One automatic message of an edition: on or off, and its organiser-written subject and
    text per language ({"fr": …, "en": …, "ar": …}; empty: the default text)."""

    __tablename__ = "message_rules"
    __table_args__ = (UniqueConstraint("edition_id", "kind", name="uq_message_rules_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            index=True)
    kind: Mapped[RuleKind] = mapped_column(rule_kind_enum)
    is_enabled: Mapped[bool] = mapped_column(default=False)
    subjects: Mapped[dict] = mapped_column(JSON, default=dict)
    bodies: Mapped[dict] = mapped_column(JSON, default=dict)

    edition: Mapped[Edition] = relationship()

    def batch(self, occasion: str) -> str:
        """The outbox batch of this rule's messages for one occasion."""
        return f"rule:{self.id}:{occasion}"


class RuleDelivery(db.Model):
    """A message a rule queued: at most one per rule, recipient and occasion (the unique
    constraint stops two schedulers running at once from queueing it twice). The recipient
    is `order:<id>` (reminders, thank-you) or `address:<normalised e-mail>` (announcement);
    the occasion is the festival day (`2027-05-15`), `after` or `published`."""

    __tablename__ = "rule_deliveries"
    __table_args__ = (UniqueConstraint("rule_id", "recipient", "occasion",
                                       name="uq_rule_deliveries_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("message_rules.id", ondelete="CASCADE"),
                                         index=True)
    recipient: Mapped[str] = mapped_column(String(270))
    occasion: Mapped[str] = mapped_column(String(40))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"),
                                                 index=True)
    outbox_message_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    rule: Mapped[MessageRule] = relationship()


class Unsubscribe(db.Model):
    """An address (normalised: trimmed, lower-case) that asked for no more announcements."""

    __tablename__ = "unsubscribed_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(254), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FeedbackAnswer(TimestampMixin, db.Model):
    """An order's answer to the feedback form: one per order, updated when sent again."""

    __tablename__ = "feedback_answers"
    __table_args__ = (CheckConstraint("mark BETWEEN 1 AND 5", name="mark_1_to_5"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"),
                                          unique=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            index=True)
    mark: Mapped[int] = mapped_column(Integer)
    best_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme_sessions.id", ondelete="SET NULL"))
    comment: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(5), default="fr")

    order: Mapped[Order] = relationship()
    best_session: Mapped[ProgrammeSession | None] = relationship()
