"""Volunteer shifts: what organisers need held, when, by how many people, and who holds it.

A shift is one task of an edition (a door of a check-in list, the box office, a room's
stewarding, the welcome desk, setting up…) between two UTC instants, for `people_needed`
people. An assignment is one person on one shift: signed up by themselves or assigned by an
organiser, and withdrawn rather than deleted (the plan keeps its history). A partial unique
index allows one live assignment per person and shift; the services lock the shift's row
for every change of its people, which is what keeps a shift within its places and a person
out of two shifts at once (see services.py).
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.accounts.models import User
from festival.checkin.models import CheckinList, Device
from festival.core.models import TimestampMixin
from festival.core.types import UTCDateTime, str_enum
from festival.editions.models import Edition, Room
from festival.extensions import db


class ShiftTask(str, enum.Enum):
    DOOR = "door"                  # scanning at a gate: one check-in list of the edition
    BOX_OFFICE = "box_office"
    ROOM_STEWARD = "room_steward"  # one room of the edition
    WELCOME_DESK = "welcome_desk"
    SET_UP = "set_up"
    OTHER = "other"


class Shift(TimestampMixin, db.Model):
    __tablename__ = "volunteer_shifts"
    __table_args__ = (
        CheckConstraint("people_needed >= 1", name="people_needed_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_volunteer_shifts_edition_starts", "edition_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    task: Mapped[ShiftTask] = mapped_column(str_enum(ShiftTask, "shift_task", length=20))
    # A short name for the post ("Porte 2", "Accueil nord"); the task's label when empty.
    title: Mapped[str] = mapped_column(String(120), default="")
    # The door's check-in list (task door), the room stewarded (task room_steward).
    checkin_list_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkin_lists.id", ondelete="SET NULL"))
    room_id: Mapped[int | None] = mapped_column(
        ForeignKey("edition_rooms.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    people_needed: Mapped[int] = mapped_column(Integer)
    # What the volunteers should know, per language {"fr", "en", "ar", "tzm"}
    # (core.i18n.in_language).
    notes: Mapped[dict] = mapped_column(JSON, default=dict)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    lead_phone: Mapped[str] = mapped_column(String(40), default="")

    edition: Mapped[Edition] = relationship()
    checkin_list: Mapped[CheckinList | None] = relationship()
    room: Mapped[Room | None] = relationship()
    lead: Mapped[User | None] = relationship()
    assignments: Mapped[list[ShiftAssignment]] = relationship(
        back_populates="shift", cascade="all, delete-orphan", order_by="ShiftAssignment.id")

    @property
    def people(self) -> list[ShiftAssignment]:
        """The live assignments (not withdrawn), in the order they came."""
        return [a for a in self.assignments if a.withdrawn_at is None]

    @property
    def places_left(self) -> int:
        return max(0, self.people_needed - len(self.people))

    def overlaps(self, other: Shift) -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at

    def __repr__(self) -> str:
        return f"<Shift {self.id} {self.task.value} {self.starts_at:%Y-%m-%d %H:%M}>"


class ShiftAssignment(db.Model):
    __tablename__ = "volunteer_shift_assignments"
    __table_args__ = (
        # One live place per person and shift; withdrawn rows stay as history.
        Index("uq_volunteer_shift_assignments_live", "shift_id", "user_id", unique=True,
              sqlite_where=text("withdrawn_at IS NULL"),
              postgresql_where=text("withdrawn_at IS NULL")),
        Index("ix_volunteer_shift_assignments_user", "user_id", "withdrawn_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("volunteer_shifts.id", ondelete="CASCADE"),
                                          index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())  # signed up or assigned at
    # The organiser who put them there; None: they signed up themselves.
    assigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    # When each reminder was queued (None: not yet); cleared when the shift moves.
    day_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hour_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The phone this person paired to the shift's gate from the shift's page: revoked when
    # the shift ends (pairing.end_pairings), so a lost phone stops scanning.
    device_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkin_devices.id", ondelete="SET NULL"))

    shift: Mapped[Shift] = relationship(back_populates="assignments")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id])
    device: Mapped[Device | None] = relationship()

    @property
    def first_name(self) -> str:
        name = (self.user.name or "").split()
        return name[0] if name else self.user.email.partition("@")[0]
