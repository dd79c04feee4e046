"""The programme: rooms of an edition, sessions placed in them, and the speakers."""
from __future__ import annotations

import enum
import uuid
from datetime import datetime, time

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, Time, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.associations.models import Association, Pole
from festival.core.models import TimestampMixin
from festival.core.translated import Translated, translated
from festival.core.types import UTCDateTime, str_enum
from festival.editions.models.edition import Edition, Venue
from festival.extensions import db


def new_guid() -> str:
    return str(uuid.uuid4())


class SessionKind(str, enum.Enum):
    CONFERENCE = "conference"
    ROUND_TABLE = "round_table"
    WORKSHOP = "workshop"
    CONCERT = "concert"
    SCREENING = "screening"
    OTHER = "other"


class SessionStatus(str, enum.Enum):
    DRAFT = "draft"          # never shown to the public
    PUBLISHED = "published"
    CANCELLED = "cancelled"  # still public and exported, so that calendars drop it


PUBLIC_STATUSES = (SessionStatus.PUBLISHED, SessionStatus.CANCELLED)


class Language(str, enum.Enum):
    FR = "fr"
    AR = "ar"
    TZM = "tzm"  # Tamazight
    EN = "en"


CUSTOM_THEME_PREFIX = "x-"  # the codes of an edition's own themes, apart from the registry's


class EditionTheme(Translated, db.Model):
    """A theme of an edition's programme that is not one of the registry's (associations'
    Theme codes, translated like the pôles): its code (`x-…`, what sessions keep in their
    `theme`) and its name per language (core/translated.py)."""

    __tablename__ = "edition_themes"
    __table_args__ = (UniqueConstraint("edition_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            index=True)
    code: Mapped[str] = mapped_column(String(40))
    label_fr: Mapped[str] = mapped_column("label", String(80))
    TRANSLATED = {"label": "label_fr"}
    label = translated("label_fr", "label")

    edition: Mapped[Edition] = relationship(back_populates="themes")

    def __repr__(self) -> str:
        return f"<EditionTheme {self.code}>"


class Room(Translated, TimestampMixin, db.Model):
    """A room or stage of an edition. Opening hours are wall-clock times in Paris."""

    __tablename__ = "edition_rooms"
    __table_args__ = (UniqueConstraint("edition_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), default=new_guid, unique=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            index=True)
    venue_id: Mapped[int | None] = mapped_column(
        ForeignKey("edition_venues.id", ondelete="SET NULL"))
    name_fr: Mapped[str] = mapped_column("name", String(120))
    description_fr: Mapped[str] = mapped_column("description", String(300), default="")
    TRANSLATED = {"name": "name_fr", "description": "description_fr"}
    name = translated("name_fr", "name")
    description = translated("description_fr", "description")
    capacity: Mapped[int | None] = mapped_column(Integer)
    opens_at: Mapped[time | None] = mapped_column(Time)
    closes_at: Mapped[time | None] = mapped_column(Time)  # earlier than opens_at: after midnight
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Where to send people when the room is full: another room, and/or a live stream.
    overflow_room_id: Mapped[int | None] = mapped_column(
        ForeignKey("edition_rooms.id", ondelete="SET NULL"))
    stream_url: Mapped[str] = mapped_column(String(500), default="", server_default="")

    edition: Mapped[Edition] = relationship(back_populates="rooms")
    venue: Mapped[Venue | None] = relationship()
    overflow_room: Mapped[Room | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Room {self.name}>"


class Speaker(Translated, TimestampMixin, db.Model):
    """A person who speaks or performs; the same person across editions."""

    __tablename__ = "speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), default=new_guid, unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    bio_fr: Mapped[str] = mapped_column("bio", Text, default="")
    TRANSLATED = {"bio": "bio_fr"}
    bio = translated("bio_fr", "bio")
    # File name under the uploads folder, chosen by the service, never by the uploader.
    photo_filename: Mapped[str | None] = mapped_column(String(100))
    # The speaker's own web pages (http(s) addresses), shown with the bio.
    links: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    association_id: Mapped[int | None] = mapped_column(
        ForeignKey("associations.id", ondelete="SET NULL"), index=True)

    association: Mapped[Association | None] = relationship()
    session_links: Mapped[list[SessionSpeaker]] = relationship(
        back_populates="speaker", cascade="all, delete-orphan")

    @property
    def code(self) -> str:
        """A short public code (the schedule format's `code`)."""
        return f"S{self.id}"

    def __repr__(self) -> str:
        return f"<Speaker {self.name}>"


class ProgrammeSession(Translated, TimestampMixin, db.Model):
    """A conference, round table, workshop, concert… placed in a room at a time (UTC)."""

    __tablename__ = "programme_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), default=new_guid, unique=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("edition_rooms.id", ondelete="RESTRICT"),
                                         index=True)
    kind: Mapped[SessionKind] = mapped_column(str_enum(SessionKind, "session_kind", length=30))
    title_fr: Mapped[str] = mapped_column("title", String(250))
    abstract_fr: Mapped[str] = mapped_column("abstract", Text, default="")
    TRANSLATED = {"title": "title_fr", "abstract": "abstract_fr"}
    title = translated("title_fr", "title")
    abstract = translated("abstract_fr", "abstract")
    # The track: one of the CNSM's pôles, or a theme (never both): the code of one of the
    # registry's themes (associations.models.Theme) or of the edition's own (EditionTheme).
    pole: Mapped[Pole | None] = mapped_column(str_enum(Pole, "pole", length=30))
    theme: Mapped[str] = mapped_column(String(80), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[SessionStatus] = mapped_column(
        str_enum(SessionStatus, "session_status", length=30), default=SessionStatus.DRAFT,
        index=True)
    is_highlight: Mapped[bool] = mapped_column(default=False)
    # Seats of the session itself, when fewer than its room's (None: the room's capacity).
    capacity: Mapped[int | None] = mapped_column(Integer)
    # Free pre-registration: attendees reserve a seat with their ticket (festival/seats).
    registration_required: Mapped[bool] = mapped_column(default=False, server_default=false())
    # iCalendar's SEQUENCE: one more at each change of time, room or status, so that
    # calendar clients replace the copy they imported (services.programme._save).
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    edition: Mapped[Edition] = relationship(back_populates="sessions")
    room: Mapped[Room] = relationship(lazy="joined")
    language_rows: Mapped[list[SessionLanguage]] = relationship(
        back_populates="session", cascade="all, delete-orphan", lazy="selectin")
    speaker_links: Mapped[list[SessionSpeaker]] = relationship(
        back_populates="session", cascade="all, delete-orphan", lazy="selectin",
        order_by="SessionSpeaker.position")

    @property
    def languages(self) -> list[Language]:
        order = list(Language)
        return sorted((row.language for row in self.language_rows), key=order.index)

    @property
    def speakers(self) -> list[Speaker]:
        return [link.speaker for link in self.speaker_links]

    @property
    def is_published(self) -> bool:
        return self.status is SessionStatus.PUBLISHED

    @property
    def is_cancelled(self) -> bool:
        return self.status is SessionStatus.CANCELLED

    @property
    def is_public(self) -> bool:
        """Published or cancelled: a cancelled session stays visible as such."""
        return self.status in PUBLIC_STATUSES

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def __repr__(self) -> str:
        return f"<ProgrammeSession {self.id} {self.title!r}>"


class SessionLanguage(db.Model):
    __tablename__ = "session_languages"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("programme_sessions.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[Language] = mapped_column(str_enum(Language, "session_language", length=30),
                                               primary_key=True)
    session: Mapped[ProgrammeSession] = relationship(back_populates="language_rows")


class SessionSpeaker(db.Model):
    __tablename__ = "session_speakers"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("programme_sessions.id", ondelete="CASCADE"), primary_key=True)
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speakers.id", ondelete="CASCADE"),
                                            primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    session: Mapped[ProgrammeSession] = relationship(back_populates="speaker_links")
    speaker: Mapped[Speaker] = relationship(back_populates="session_links", lazy="joined")
