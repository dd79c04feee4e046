"""Exhibitors: member associations that ask for a stand at an edition, and the decisions."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.accounts.models import User
from festival.associations.models import Association
from festival.core.models import TimestampMixin
from festival.core.timeutil import utcnow
from festival.core.types import UTCDateTime, str_enum
from festival.editions.models.edition import Edition
from festival.extensions import db


class StandSize(str, enum.Enum):
    SMALL = "small"    # a table, about 2 m
    MEDIUM = "medium"  # about 3 × 3 m
    LARGE = "large"    # about 6 × 3 m


class StandStatus(str, enum.Enum):
    REQUESTED = "requested"
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class StandRequest(TimestampMixin, db.Model):
    """One association's stand at one edition: the request, then the organisers' decision.

    A stand number is never given twice in one edition: the unique constraint holds it even
    when two organisers decide at the same time (NULLs, for undecided requests, do not count).
    """

    __tablename__ = "stand_requests"
    __table_args__ = (UniqueConstraint("edition_id", "association_id"),
                      UniqueConstraint("edition_id", "stand_number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            index=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    size: Mapped[StandSize] = mapped_column(str_enum(StandSize, "stand_size", length=30))
    needs_electricity: Mapped[bool] = mapped_column(default=False)
    tables: Mapped[int] = mapped_column(Integer, default=1)
    chairs: Mapped[int] = mapped_column(Integer, default=2)
    other_needs: Mapped[str] = mapped_column(Text, default="")
    showcase: Mapped[str] = mapped_column(Text, default="")  # what the stand shows
    status: Mapped[StandStatus] = mapped_column(str_enum(StandStatus, "stand_status", length=30),
                                                default=StandStatus.REQUESTED, index=True)
    stand_number: Mapped[str | None] = mapped_column(String(20))
    zone: Mapped[str] = mapped_column(String(80), default="")

    edition: Mapped[Edition] = relationship(back_populates="stand_requests")
    association: Mapped[Association] = relationship(lazy="joined")
    requested_by: Mapped[User | None] = relationship()
    events: Mapped[list[StandEvent]] = relationship(
        back_populates="stand", cascade="all, delete-orphan", order_by="StandEvent.id")

    @property
    def is_approved(self) -> bool:
        return self.status is StandStatus.APPROVED


class StandEvent(db.Model):
    """One step of a stand request (asked, changed, approved, declined…). Never edited."""

    __tablename__ = "stand_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    stand_id: Mapped[int] = mapped_column(ForeignKey("stand_requests.id", ondelete="CASCADE"),
                                          index=True)
    from_status: Mapped[StandStatus | None] = mapped_column(
        str_enum(StandStatus, "stand_status", length=30))
    to_status: Mapped[StandStatus] = mapped_column(
        str_enum(StandStatus, "stand_status", length=30))
    stand_number: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    stand: Mapped[StandRequest] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
