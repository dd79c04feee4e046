"""What the dashboards keep of the scans they have already counted, so that a figure costs
as much as the last minutes of scans, not as the whole festival (see dashboard.rollups).

These tables are a cache: deleting an edition's rows (rollups.reset) makes the next read
count everything again from the scans, which stay the record.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from festival.checkin.models import Scan
from festival.core.types import UTCDateTime
from festival.extensions import db
from festival.ticketing.models import Order, Ticket


class ScanWatermark(db.Model):
    """Scans of the edition received before `settled_until` are counted in the tables below;
    later ones are read from the scans at each request."""

    __tablename__ = "dashboard_watermarks"

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            primary_key=True)
    settled_until: Mapped[datetime] = mapped_column(UTCDateTime())
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    days_key: Mapped[str] = mapped_column(String(400), default="")  # the days counted with


class ScanTimeCount(db.Model):
    """Entries and exits that changed who is inside, per five minutes and list."""

    __tablename__ = "dashboard_scan_times"

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            primary_key=True)
    bucket_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # epoch seconds
    list_id: Mapped[int] = mapped_column(ForeignKey("checkin_lists.id", ondelete="CASCADE"),
                                         primary_key=True)
    direction: Mapped[str] = mapped_column(String(3), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class ScanOutcomeCount(db.Model):
    """Scans per list, gate and device by outcome: in, out, none (an exit that changed
    nothing, an undone entry, an undo) or the refusal's result."""

    __tablename__ = "dashboard_scan_outcomes"

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("checkin_lists.id", ondelete="CASCADE"),
                                         primary_key=True)
    gate: Mapped[str] = mapped_column(String(120), primary_key=True)
    device_key: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0: no device
    outcome: Mapped[str] = mapped_column(String(30), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class CheckinCount(db.Model):
    """Distinct tickets checked in per ticket type, on any day (day_index -1) or on one
    festival day."""

    __tablename__ = "dashboard_checkin_counts"

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            primary_key=True)
    ticket_type_id: Mapped[int] = mapped_column(
        ForeignKey("ticket_types.id", ondelete="CASCADE"), primary_key=True)
    day_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class CountedCheckin(db.Model):
    """A ticket already counted as checked in (on any day: -1, or on a festival day)."""

    __tablename__ = "dashboard_counted_checkins"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"),
                                           primary_key=True)
    day_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            index=True)


class LiveScan(db.Model):
    """A counted-period scan that an offline scan took over (result changed afterwards):
    it is left out of the counts and read live, as it may change again."""

    __tablename__ = "dashboard_live_scans"

    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"),
                                         primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            index=True)


EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)  # before any scan: nothing counted yet
BUCKET = 300  # seconds: the finest bucket a dashboard shows

# Indexes the dashboards' reads need on other domains' tables: the scans received since the
# watermark, the few offline conflicts, the orders of an edition by status with their amounts
# (pending orders found at once; revenue summed from the index alone), and the tickets of an
# order with their type and status (what the pending orders hold, from the index alone).
Index("ix_scans_edition_received", Scan.edition_id, Scan.received_at)
Index("ix_scans_edition_offline_conflict", Scan.edition_id,
      postgresql_where=text("reason = 'offline_conflict'"),
      sqlite_where=text("reason = 'offline_conflict'"))
Index("ix_orders_edition_status_amounts", Order.edition_id, Order.status, Order.total_cents,
      Order.refunded_cents, Order.donation_cents)
Index("ix_tickets_order_status_type", Ticket.order_id, Ticket.status, Ticket.ticket_type_id)
