"""CNSM's member associations, their membership history and working groups (pôles)."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.models import TimestampMixin
from festival.core.timeutil import utcnow
from festival.core.translated import Translated, translated
from festival.core.types import UTCDateTime, str_enum
from festival.extensions import db

if TYPE_CHECKING:
    from festival.accounts.models import User  # (cycle: associations.models ↔ accounts.models)


class MembershipStatus(str, enum.Enum):
    APPLIED = "applied"
    UNDER_REVIEW = "under_review"  # CNSM's in-depth study before accepting a member
    MEMBER = "member"
    REJECTED = "rejected"
    SUSPENDED = "suspended"
    LEFT = "left"


class Province(str, enum.Enum):
    """The provinces and prefectures of the Souss-Massa region."""
    AGADIR_IDA_OUTANANE = "agadir-ida-outanane"
    INEZGANE_AIT_MELLOUL = "inezgane-ait-melloul"
    CHTOUKA_AIT_BAHA = "chtouka-ait-baha"
    TAROUDANT = "taroudant"
    TIZNIT = "tiznit"
    TATA = "tata"


class Theme(str, enum.Enum):
    EDUCATION = "education"
    WATER = "water"
    WASTE = "waste"
    ENERGY = "energy"  # energy and relamping
    HEALTH = "health"
    CULTURE = "culture"
    SOCIAL_LINK = "social_link"
    AGRICULTURE = "agriculture"
    ENVIRONMENT = "environment"
    ECONOMY = "economy"


class Pole(str, enum.Enum):
    """CNSM's four working groups."""
    MRE = "mre"
    GENERAL_ACTIVITIES = "general_activities"
    COMMUNICATION_PROJECTS = "communication_projects"  # communication and project development
    POPULAR_EDUCATION = "popular_education"


class Association(Translated, TimestampMixin, db.Model):
    """A member (or applying) association. Its two descriptions are public texts per
    language (core/translated.py): French in their columns, the others in `translations`."""

    __tablename__ = "associations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_description_fr: Mapped[str] = mapped_column("short_description", String(300),
                                                      default="")
    description_fr: Mapped[str] = mapped_column("description", Text, default="")
    TRANSLATED = {"short_description": "short_description_fr", "description": "description_fr"}
    short_description = translated("short_description_fr", "short_description")
    description = translated("description_fr", "description")
    # Seat in France
    city: Mapped[str] = mapped_column(String(120), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    # Where it acts in Souss-Massa
    province: Mapped[Province | None] = mapped_column(
        str_enum(Province, "province", length=30), index=True)
    commune: Mapped[str] = mapped_column(String(160), default="")
    # Contacts
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    # File name under the uploads folder, chosen by the service, never by the uploader.
    logo_filename: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[MembershipStatus] = mapped_column(
        str_enum(MembershipStatus, "membership_status", length=30),
        default=MembershipStatus.APPLIED, index=True)
    member_since: Mapped[datetime | None] = mapped_column(UTCDateTime())

    themes: Mapped[list[AssociationTheme]] = relationship(
        back_populates="association", cascade="all, delete-orphan", lazy="selectin")
    poles: Mapped[list[AssociationPole]] = relationship(
        back_populates="association", cascade="all, delete-orphan", lazy="selectin")
    events: Mapped[list[MembershipEvent]] = relationship(
        back_populates="association", cascade="all, delete-orphan",
        order_by="MembershipEvent.created_at")
    representatives: Mapped[list[User]] = relationship(back_populates="association")

    @property
    def theme_values(self) -> list[Theme]:
        return sorted((t.theme for t in self.themes), key=lambda t: list(Theme).index(t))

    @property
    def pole_values(self) -> list[Pole]:
        return sorted((p.pole for p in self.poles), key=lambda p: list(Pole).index(p))

    @property
    def is_member(self) -> bool:
        return self.status is MembershipStatus.MEMBER

    def __repr__(self) -> str:
        return f"<Association {self.slug} {self.status.value}>"


class AssociationTheme(db.Model):
    __tablename__ = "association_themes"

    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), primary_key=True)
    theme: Mapped[Theme] = mapped_column(str_enum(Theme, "theme", length=30), primary_key=True,
                                         index=True)
    association: Mapped[Association] = relationship(back_populates="themes")


class AssociationPole(db.Model):
    __tablename__ = "association_poles"

    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), primary_key=True)
    pole: Mapped[Pole] = mapped_column(str_enum(Pole, "pole", length=30), primary_key=True)
    association: Mapped[Association] = relationship(back_populates="poles")


class UserPole(db.Model):
    """A person attached to a working group."""

    __tablename__ = "user_poles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    pole: Mapped[Pole] = mapped_column(str_enum(Pole, "pole", length=30), primary_key=True)


class MembershipEvent(db.Model):
    """One change of membership status: who, when, why. Never edited."""

    __tablename__ = "membership_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[MembershipStatus | None] = mapped_column(
        str_enum(MembershipStatus, "membership_status", length=30))
    to_status: Mapped[MembershipStatus | None] = mapped_column(
        str_enum(MembershipStatus, "membership_status", length=30))
    # A note without a status change (from = to = None) is a review note.
    note: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    association: Mapped[Association] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
