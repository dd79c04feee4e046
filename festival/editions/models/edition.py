"""An edition of the festival: one per year, with its days, venues, organisers and status."""
from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.accounts.models import User
from festival.associations.models import Association
from festival.core.models import TimestampMixin
from festival.core.timeutil import utcnow
from festival.core.translated import Translated, translated
from festival.core.types import UTCDateTime, str_enum
from festival.extensions import db

if TYPE_CHECKING:  # (cycle: edition ↔ exhibitors, programme: both import Edition)
    from festival.editions.models.exhibitors import StandRequest
    from festival.editions.models.programme import EditionTheme, ProgrammeSession, Room


class EditionStatus(str, enum.Enum):
    DRAFT = "draft"          # organisers only
    PUBLISHED = "published"  # public, tickets not on sale yet
    ON_SALE = "on_sale"
    CLOSED = "closed"        # the festival is over or sales have ended
    ARCHIVED = "archived"    # kept for the record, frozen


# The only changes of status that exist. Closing and archiving need an explicit confirmation.
TRANSITIONS: dict[EditionStatus, frozenset[EditionStatus]] = {
    EditionStatus.DRAFT: frozenset({EditionStatus.PUBLISHED}),
    EditionStatus.PUBLISHED: frozenset({EditionStatus.DRAFT, EditionStatus.ON_SALE,
                                        EditionStatus.CLOSED}),
    EditionStatus.ON_SALE: frozenset({EditionStatus.PUBLISHED, EditionStatus.CLOSED}),
    EditionStatus.CLOSED: frozenset({EditionStatus.ON_SALE, EditionStatus.ARCHIVED}),
    EditionStatus.ARCHIVED: frozenset(),
}
NEEDS_CONFIRMATION = frozenset({EditionStatus.CLOSED, EditionStatus.ARCHIVED})


class OrganiserRole(str, enum.Enum):
    LEAD = "lead"
    CO_ORGANISER = "co_organiser"
    PARTNER = "partner"


class Edition(Translated, TimestampMixin, db.Model):
    __tablename__ = "editions"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    title_fr: Mapped[str] = mapped_column("title", String(200))
    tagline_fr: Mapped[str] = mapped_column("tagline", String(300), default="")
    description_fr: Mapped[str] = mapped_column("description", Text, default="")
    TRANSLATED = {"title": "title_fr", "tagline": "tagline_fr", "description": "description_fr"}
    title = translated("title_fr", "title")
    tagline = translated("tagline_fr", "tagline")
    description = translated("description_fr", "description")
    status: Mapped[EditionStatus] = mapped_column(
        str_enum(EditionStatus, "edition_status", length=30), default=EditionStatus.DRAFT,
        index=True)
    # Ed25519 keypair with which ticketing signs this edition's tickets (raw key bytes).
    signing_public_key: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    signing_private_key: Mapped[bytes | None] = mapped_column(LargeBinary(64))
    # People admitted per festival day, the size a new day's venue quota is given
    # (ticketing.quotas keeps one quota per day; None: no venue capacity).
    day_capacity: Mapped[int | None] = mapped_column(Integer)
    # A festival day runs until this time the next morning, in Paris (editions.days).
    day_cutoff: Mapped[time] = mapped_column(Time, default=time(5, 0),
                                             server_default="05:00:00")

    days: Mapped[list[EditionDay]] = relationship(
        back_populates="edition", cascade="all, delete-orphan", order_by="EditionDay.day",
        lazy="selectin")
    venues: Mapped[list[Venue]] = relationship(
        back_populates="edition", cascade="all, delete-orphan", order_by="Venue.id",
        lazy="selectin")
    status_changes: Mapped[list[EditionStatusChange]] = relationship(
        back_populates="edition", cascade="all, delete-orphan",
        order_by="EditionStatusChange.id")
    organisers: Mapped[list[EditionOrganiser]] = relationship(
        back_populates="edition", cascade="all, delete-orphan",
        order_by="EditionOrganiser.id")
    themes: Mapped[list[EditionTheme]] = relationship(
        back_populates="edition", cascade="all, delete-orphan", order_by="EditionTheme.id",
        lazy="selectin")
    rooms: Mapped[list[Room]] = relationship(
        back_populates="edition", cascade="all, delete-orphan",
        order_by="[Room.position, Room.id]")
    sessions: Mapped[list[ProgrammeSession]] = relationship(
        back_populates="edition", cascade="all, delete-orphan")
    stand_requests: Mapped[list[StandRequest]] = relationship(
        back_populates="edition", cascade="all, delete-orphan")

    @property
    def dates(self) -> list[date]:
        return [d.day for d in self.days]

    @property
    def first_day(self) -> date | None:
        return self.days[0].day if self.days else None

    @property
    def last_day(self) -> date | None:
        return self.days[-1].day if self.days else None

    @property
    def is_public(self) -> bool:
        return self.status is not EditionStatus.DRAFT

    @property
    def is_on_sale(self) -> bool:
        return self.status is EditionStatus.ON_SALE

    @property
    def is_archived(self) -> bool:
        return self.status is EditionStatus.ARCHIVED

    @property
    def acronym(self) -> str:
        """The schedule exchange format's conference acronym."""
        return f"almoggar{self.year}"

    @property
    def main_venue(self) -> Venue | None:
        return self.venues[0] if self.venues else None

    def allowed_transitions(self) -> list[EditionStatus]:
        return [s for s in EditionStatus if s in TRANSITIONS[self.status]]

    def __repr__(self) -> str:
        return f"<Edition {self.year} {self.status.value}>"


class EditionDay(db.Model):
    """One day of the festival (a date in Paris), with where it takes place and when the
    doors open and close (wall-clock times in Paris; a closing time before the opening one
    is after midnight, within the festival day: editions.practical)."""

    __tablename__ = "edition_days"
    __table_args__ = (UniqueConstraint("edition_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            index=True)
    day: Mapped[date] = mapped_column(Date)
    # None: the edition's main venue.
    venue_id: Mapped[int | None] = mapped_column(
        ForeignKey("edition_venues.id", ondelete="SET NULL"), index=True)
    doors_open: Mapped[time | None] = mapped_column(Time)
    doors_close: Mapped[time | None] = mapped_column(Time)
    edition: Mapped[Edition] = relationship(back_populates="days")
    venue: Mapped[Venue | None] = relationship(lazy="joined")


class Venue(db.Model):
    __tablename__ = "edition_venues"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    capacity: Mapped[int | None] = mapped_column(Integer)
    # An http(s) address of a map; empty: one is made from the address (editions.practical).
    map_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # Organiser-written public text, per language: {"fr": …, "en": …, "ar": …}.
    transport: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    access: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    edition: Mapped[Edition] = relationship(back_populates="venues")

    @property
    def full_address(self) -> str:
        town = " ".join(p for p in (self.postcode, self.city) if p)
        return ", ".join(p for p in (self.address, town) if p)


class EditionStatusChange(db.Model):
    """One change of an edition's status: who, when, why. Never edited."""

    __tablename__ = "edition_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            index=True)
    from_status: Mapped[EditionStatus | None] = mapped_column(
        str_enum(EditionStatus, "edition_status", length=30))
    to_status: Mapped[EditionStatus] = mapped_column(
        str_enum(EditionStatus, "edition_status", length=30))
    note: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    edition: Mapped[Edition] = relationship(back_populates="status_changes")
    actor: Mapped[User | None] = relationship()


class EditionOrganiser(db.Model):
    """A member association organising an edition, with its role."""

    __tablename__ = "edition_organisers"
    __table_args__ = (UniqueConstraint("edition_id", "association_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            index=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True)
    role: Mapped[OrganiserRole] = mapped_column(
        str_enum(OrganiserRole, "organiser_role", length=30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    edition: Mapped[Edition] = relationship(back_populates="organisers")
    association: Mapped[Association] = relationship(lazy="joined")
