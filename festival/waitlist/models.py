"""The waiting list of a sold-out ticket type, and the offers made from it.

An entry is one person waiting for `quantity` tickets of one type, in joining order (its id).
An offer holds seats for that person: while it is open, its seats are taken in the quotas
like those of a pending order (quotas.held_seats counts them), so no one else can buy them.
At most one open offer per entry (a partial unique index), so a person never holds two
offers for the same seats.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.models import TimestampMixin
from festival.core.timeutil import utcnow
from festival.core.types import UTCDateTime, str_enum
from festival.extensions import db


class EntryStatus(str, enum.Enum):
    WAITING = "waiting"    # in line
    OFFERED = "offered"    # holds an open offer
    BOUGHT = "bought"      # used an offer, or bought otherwise
    EXPIRED = "expired"    # let an offer pass: out of the line
    LEFT = "left"          # left the list by its link
    REMOVED = "removed"    # taken off by an organiser


ACTIVE_STATUSES = (EntryStatus.WAITING, EntryStatus.OFFERED)


class OfferState(str, enum.Enum):
    OPEN = "open"            # the seats are held
    USED = "used"            # an order was made with them
    EXPIRED = "expired"      # unused in time: the seats went back
    WITHDRAWN = "withdrawn"  # the person left or was removed: the seats went back


class WaitlistEntry(TimestampMixin, db.Model):
    __tablename__ = "waitlist_entries"
    __table_args__ = (
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        # One place in line per address and ticket type while waiting or offered.
        Index("uq_waitlist_entries_active_email", "ticket_type_id", "email", unique=True,
              sqlite_where=text("status IN ('waiting', 'offered')"),
              postgresql_where=text("status IN ('waiting', 'offered')")),
        Index("ix_waitlist_entries_type_status", "ticket_type_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            index=True)
    ticket_type_id: Mapped[int] = mapped_column(ForeignKey("ticket_types.id",
                                                           ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    quantity: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(5), default="fr")
    secret: Mapped[str] = mapped_column(String(64), unique=True)  # the link to leave
    status: Mapped[EntryStatus] = mapped_column(
        str_enum(EntryStatus, "waitlist_entry_status", length=20), default=EntryStatus.WAITING)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    ticket_type = relationship("TicketType")
    edition = relationship("Edition")
    offers: Mapped[list[WaitlistOffer]] = relationship(
        back_populates="entry", order_by="WaitlistOffer.id", cascade="all, delete-orphan")

    @property
    def open_offer(self) -> WaitlistOffer | None:
        return next((o for o in self.offers if o.state is OfferState.OPEN), None)


class WaitlistOffer(db.Model):
    __tablename__ = "waitlist_offers"
    __table_args__ = (
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        Index("uq_waitlist_offers_one_open", "entry_id", unique=True,
              sqlite_where=text("state = 'open'"), postgresql_where=text("state = 'open'")),
        Index("ix_waitlist_offers_state_expires", "state", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("waitlist_entries.id", ondelete="CASCADE"),
                                          index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    token: Mapped[str] = mapped_column(String(64), unique=True)  # the personal link
    state: Mapped[OfferState] = mapped_column(
        str_enum(OfferState, "waitlist_offer_state", length=20), default=OfferState.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    offered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))

    entry: Mapped[WaitlistEntry] = relationship(back_populates="offers")
    order = relationship("Order")
    offered_by = relationship("User")
