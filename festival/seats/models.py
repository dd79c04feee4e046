"""Free pre-registration for sessions: a seat reserved for one ticket in one session.

A session with `registration_required` takes reservations up to its seats (its own capacity,
else its room's). A reservation not used — its ticket not let in at the room's door by ten
minutes after the start — is released, and its seat goes back to the people at the door.
At most one active reservation per session and ticket (a partial unique index).
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.timeutil import utcnow
from festival.core.types import UTCDateTime, str_enum
from festival.editions.models import ProgrammeSession
from festival.extensions import db
from festival.ticketing.models import Ticket


class SeatStatus(str, enum.Enum):
    RESERVED = "reserved"
    CANCELLED = "cancelled"   # by its holder
    RELEASED = "released"     # not used by ten minutes after the start
    USED = "used"             # its ticket came in at the room's door


class SeatReservation(db.Model):
    __tablename__ = "seat_reservations"
    __table_args__ = (
        Index("uq_seat_reservations_active", "session_id", "ticket_id", unique=True,
              sqlite_where=text("status = 'reserved'"),
              postgresql_where=text("status = 'reserved'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("programme_sessions.id", ondelete="CASCADE"), index=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"),
                                           index=True)
    status: Mapped[SeatStatus] = mapped_column(str_enum(SeatStatus, "seat_status", length=20),
                                               default=SeatStatus.RESERVED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    session: Mapped[ProgrammeSession] = relationship()
    ticket: Mapped[Ticket] = relationship()
