"""Questions organisers ask at checkout, and the buyers' answers.

A question belongs to one edition and is asked once per order or once per ticket, of every
ticket type or only of some (`ticket_type_ids`, empty: all). Its texts are written per
language ({"fr": …, "en": …, "ar": …}; French always present); a choice question's options
are [{"key": "o1", "label": {"fr": …, …}}, …], their keys never reused within the question
so that an answer keeps its meaning when the options are edited.

An answer is about health or access when its question says so (`is_sensitive`): personal data
kept only until a set time after the festival (privacy purge) and erased with the person.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.models import TimestampMixin
from festival.core.timeutil import utcnow
from festival.core.types import UTCDateTime, str_enum
from festival.extensions import db


class QuestionScope(str, enum.Enum):
    ORDER = "order"     # once, to the buyer
    TICKET = "ticket"   # once per ticket, about its holder


class QuestionKind(str, enum.Enum):
    TEXT = "text"
    CHOICE = "choice"
    YES_NO = "yes_no"


class Question(TimestampMixin, db.Model):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    scope: Mapped[QuestionScope] = mapped_column(
        str_enum(QuestionScope, "question_scope", length=10), default=QuestionScope.ORDER)
    kind: Mapped[QuestionKind] = mapped_column(
        str_enum(QuestionKind, "question_kind", length=10), default=QuestionKind.TEXT)
    is_required: Mapped[bool] = mapped_column(default=False)
    is_sensitive: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    texts: Mapped[dict] = mapped_column(JSON, default=dict)        # the question, per language
    help_texts: Mapped[dict] = mapped_column(JSON, default=dict)   # an optional hint
    options: Mapped[list] = mapped_column(JSON, default=list)
    ticket_type_ids: Mapped[list] = mapped_column(JSON, default=list)

    answers: Mapped[list[Answer]] = relationship(back_populates="question",
                                                 cascade="all, delete-orphan",
                                                 passive_deletes=True)

    def applies_to(self, ticket_type_id: int) -> bool:
        return not self.ticket_type_ids or ticket_type_id in self.ticket_type_ids

    def option_keys(self) -> list[str]:
        return [option["key"] for option in self.options or []]


class Answer(db.Model):
    """One answer: to an order question (ticket_id None) or about one ticket. `value` is the
    text typed, the chosen option's key, or "yes"/"no"."""

    __tablename__ = "answers"
    __table_args__ = (Index("ix_answers_order_question", "order_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"),
                                             index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"),
                                                  index=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    question: Mapped[Question] = relationship(back_populates="answers")
