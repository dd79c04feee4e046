"""Check-in at the doors: lists (gates' rules), paired devices, scans and who is inside.

Every scan is a row, accepted or refused, with its reason; an undo is a row too. Admission is
made exactly once by the conditional insert/update of a ticket's TicketPresence on a list
(see checkin.services), never by reading and then writing.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.accounts.models import ApiToken, User
from festival.core.timeutil import utcnow
from festival.core.translated import Translated, translated
from festival.core.types import UTCDateTime, str_enum
from festival.editions.models import Edition
from festival.extensions import db
from festival.ticketing.models import Ticket, TicketType


class ScanResult(str, enum.Enum):
    OK = "ok"
    ALREADY_CHECKED_IN = "already_checked_in"
    INVALID = "invalid"                    # bad signature, unknown ticket, other edition, garbage
    REVOKED = "revoked"                    # cancelled, refunded or expired
    UNPAID = "unpaid"                      # order still pending (bank transfer)
    NOT_VALID_TODAY = "not_valid_today"
    NOT_ON_THIS_LIST = "not_on_this_list"  # a ticket type this list does not admit


class Direction(str, enum.Enum):
    IN = "in"
    OUT = "out"


class ScanKind(str, enum.Enum):
    SCAN = "scan"
    UNDO = "undo"


# A list with no ticket type here admits every type of its edition.
checkin_list_types = Table(
    "checkin_list_types", db.metadata,
    Column("list_id", ForeignKey("checkin_lists.id", ondelete="CASCADE"), primary_key=True),
    Column("ticket_type_id", ForeignKey("ticket_types.id", ondelete="CASCADE"),
           primary_key=True),
)


class CheckinList(Translated, db.Model):
    """The rules of a door: which ticket types, which days, re-entry, unpaid orders, and
    whether volunteers may pair their own phones to it."""

    __tablename__ = "checkin_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            index=True)
    name_fr: Mapped[str] = mapped_column("name", String(120))
    TRANSLATED = {"name": "name_fr"}
    name = translated("name_fr", "name")
    # ISO dates; empty means every day of the edition.
    days: Mapped[list[str]] = mapped_column(JSON, default=list)
    allow_reentry: Mapped[bool] = mapped_column(default=False)
    admit_unpaid: Mapped[bool] = mapped_column(default=False)  # bank-transfer pending orders
    is_active: Mapped[bool] = mapped_column(default=True)
    # A logged-in volunteer may pair their own phone to a gate of this list (/scan/start).
    allow_self_pairing: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The room whose door this list keeps (its occupancy is counted from it); None: a door
    # of the venue.
    room_id: Mapped[int | None] = mapped_column(
        ForeignKey("edition_rooms.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    edition: Mapped[Edition] = relationship()
    ticket_types: Mapped[list[TicketType]] = relationship(secondary=checkin_list_types,
                                                          order_by="TicketType.position")

    @property
    def dates(self) -> list[date]:
        return [date.fromisoformat(d) for d in self.days or []]


class Device(db.Model):
    """A volunteer's phone paired to a gate and a list. Its API token is its identity:
    revoking the device revokes the token, so it is refused at once."""

    __tablename__ = "checkin_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            index=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("checkin_lists.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    gate: Mapped[str] = mapped_column(String(120))
    api_token_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="SET NULL"), unique=True)
    pairing_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    pairing_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    checkin_list: Mapped[CheckinList] = relationship()
    api_token: Mapped[ApiToken | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_paired(self) -> bool:
        return self.paired_at is not None and self.revoked_at is None


class Scan(db.Model):
    """One scan at a door, accepted or refused, or one undo (kind "undo", result "ok").

    `is_undone` is set on a scan when an undo row cancels it: the history stays rows, the
    flag keeps the aggregates simple (admissions = kind scan, direction in, result ok, not
    undone). An exit that changed nothing (the ticket was not inside) has reason
    "not_inside". A scan a device accepted offline that the server refused on sync has
    reason "offline_conflict": organisers see those on the conflicts page.
    """

    __tablename__ = "scans"
    __table_args__ = (
        UniqueConstraint("device_id", "client_scan_id", name="uq_scans_device_client_scan"),
        Index("ix_scans_edition_scanned", "edition_id", "scanned_at"),
        Index("ix_scans_edition_result", "edition_id", "result"),
        Index("ix_scans_ticket", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    # Not indexed alone: a scan writes as few index entries as it can (lists are not deleted).
    list_id: Mapped[int] = mapped_column(ForeignKey("checkin_lists.id", ondelete="CASCADE"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    device_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkin_devices.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    gate: Mapped[str] = mapped_column(String(120), default="")
    direction: Mapped[Direction] = mapped_column(str_enum(Direction, "scan_direction",
                                                          length=20),
                                                 default=Direction.IN)
    kind: Mapped[ScanKind] = mapped_column(str_enum(ScanKind, "scan_kind", length=20),
                                           default=ScanKind.SCAN)
    result: Mapped[ScanResult] = mapped_column(str_enum(ScanResult, "scan_result", length=20))
    reason: Mapped[str] = mapped_column(String(200), default="")
    client_scan_id: Mapped[str | None] = mapped_column(String(64))
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime())   # the device's clock, bounded
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the server's clock
    is_offline: Mapped[bool] = mapped_column(default=False)
    undoes_scan_id: Mapped[int | None] = mapped_column(ForeignKey("scans.id",
                                                                  ondelete="SET NULL"))
    is_undone: Mapped[bool] = mapped_column(default=False)
    # For already_checked_in: the scan that admitted the ticket.
    first_scan_id: Mapped[int | None] = mapped_column(ForeignKey("scans.id",
                                                                 ondelete="SET NULL"))

    checkin_list: Mapped[CheckinList] = relationship()
    ticket: Mapped[Ticket | None] = relationship()
    device: Mapped[Device | None] = relationship()
    user: Mapped[User | None] = relationship()
    first_scan: Mapped[Scan | None] = relationship(remote_side=[id],
                                                   foreign_keys=[first_scan_id])


class TicketPresence(db.Model):
    """A ticket admitted on a list, and whether it is inside now. The unique pair
    (ticket_id, list_id) is what makes admission exactly-once."""

    __tablename__ = "ticket_presences"

    # The primary key is the unique pair: one presence per list and ticket (list first, so
    # that it also serves "who is in on this list"). Its only index: admission writes one.
    list_id: Mapped[int] = mapped_column(ForeignKey("checkin_lists.id", ondelete="CASCADE"),
                                         primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"),
                                           primary_key=True)
    first_scan_id: Mapped[int | None] = mapped_column(ForeignKey("scans.id",
                                                                 ondelete="SET NULL"))
    inside: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
