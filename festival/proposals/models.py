"""Calls for sessions: what organisers ask for, the proposals member associations (and, if
the call allows, anyone with an account) send, their review, and the speakers who keep
their own page.

A call belongs to one edition. A proposal moves along submitted → under review → accepted /
declined, or is withdrawn by its proposer before a decision; every move is a row of
`proposal_events` (who, when, note). Accepting makes a draft session of the programme
(`session_id`), which the programme's clash rules check like any other when it is placed.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.accounts.models import User
from festival.associations.models import Association, Pole
from festival.core.models import TimestampMixin
from festival.core.timeutil import utcnow
from festival.core.translated import Translated, translated
from festival.core.types import UTCDateTime, str_enum
from festival.editions.models import Edition, Language, ProgrammeSession, SessionKind, Speaker
from festival.extensions import db


class ProposalStatus(str, enum.Enum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


# The moves a proposal may make (anything else is refused: invalid_transition).
TRANSITIONS: dict[ProposalStatus, frozenset[ProposalStatus]] = {
    ProposalStatus.SUBMITTED: frozenset({ProposalStatus.UNDER_REVIEW, ProposalStatus.ACCEPTED,
                                         ProposalStatus.DECLINED, ProposalStatus.WITHDRAWN}),
    ProposalStatus.UNDER_REVIEW: frozenset({ProposalStatus.ACCEPTED, ProposalStatus.DECLINED,
                                            ProposalStatus.WITHDRAWN}),
    ProposalStatus.ACCEPTED: frozenset(),
    ProposalStatus.DECLINED: frozenset(),
    ProposalStatus.WITHDRAWN: frozenset(),
}


class DayPart(str, enum.Enum):
    """The slots of a festival day a proposer prefers, or a speaker is free for."""
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"


def in_day_order(rows: list) -> list:
    """Slots (or availability rows) by day, then morning, afternoon, evening."""
    parts = list(DayPart)
    return sorted(rows, key=lambda row: (row.day, parts.index(row.part)))


class ProfileChangeStatus(str, enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class SessionCall(Translated, TimestampMixin, db.Model):
    """An edition's call for sessions."""

    __tablename__ = "session_calls"
    __table_args__ = (CheckConstraint("closes_at > opens_at", name="closes_after_opening"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"),
                                            unique=True)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    guidelines_fr: Mapped[str] = mapped_column("guidelines", Text, default="")
    TRANSLATED = {"guidelines": "guidelines_fr"}
    guidelines = translated("guidelines_fr", "guidelines")
    # The languages and pôles a proposal may choose (values of Language and Pole).
    languages: Mapped[list] = mapped_column(JSON, default=list)
    poles: Mapped[list] = mapped_column(JSON, default=list)
    # Anyone with a confirmed account may propose, not only member associations.
    is_open_to_accounts: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Reviewers see neither the association nor the speakers.
    is_anonymised: Mapped[bool] = mapped_column(default=False, server_default=false())

    edition: Mapped[Edition] = relationship()
    formats: Mapped[list[CallFormat]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="CallFormat.position",
        lazy="selectin")
    criteria: Mapped[list[CallCriterion]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="CallCriterion.position",
        lazy="selectin")
    reviewers: Mapped[list[CallReviewer]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="CallReviewer.user_id")

    @property
    def language_values(self) -> list[Language]:
        return [Language(v) for v in self.languages or [] if v in Language._value2member_map_]

    @property
    def pole_values(self) -> list[Pole]:
        return [Pole(v) for v in self.poles or [] if v in Pole._value2member_map_]

    def is_open_at(self, moment: datetime) -> bool:
        return self.opens_at <= moment < self.closes_at


class CallFormat(Translated, db.Model):
    """A kind of session the call asks for, with its length."""

    __tablename__ = "session_call_formats"
    __table_args__ = (CheckConstraint("duration_minutes BETWEEN 5 AND 840",
                                      name="duration_bounds"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("session_calls.id", ondelete="CASCADE"),
                                         index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[SessionKind] = mapped_column(str_enum(SessionKind, "session_kind", length=30))
    name_fr: Mapped[str] = mapped_column("name", String(120))
    TRANSLATED = {"name": "name_fr"}
    name = translated("name_fr", "name")
    duration_minutes: Mapped[int] = mapped_column(Integer)

    call: Mapped[SessionCall] = relationship(back_populates="formats")


class CallCriterion(Translated, db.Model):
    """One line of the review rubric: a criterion scored from 0 to `max_score`."""

    __tablename__ = "session_call_criteria"
    __table_args__ = (CheckConstraint("max_score BETWEEN 1 AND 10", name="scale_bounds"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("session_calls.id", ondelete="CASCADE"),
                                         index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name_fr: Mapped[str] = mapped_column("name", String(120))
    description_fr: Mapped[str] = mapped_column("description", String(500), default="")
    TRANSLATED = {"name": "name_fr", "description": "description_fr"}
    name = translated("name_fr", "name")
    description = translated("description_fr", "description")
    max_score: Mapped[int] = mapped_column(Integer, default=5)

    call: Mapped[SessionCall] = relationship(back_populates="criteria")


class CallReviewer(db.Model):
    """A person the organisers asked to review the call's proposals."""

    __tablename__ = "session_call_reviewers"

    call_id: Mapped[int] = mapped_column(ForeignKey("session_calls.id", ondelete="CASCADE"),
                                         primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    call: Mapped[SessionCall] = relationship(back_populates="reviewers")
    user: Mapped[User] = relationship()


class Proposal(TimestampMixin, db.Model):
    __tablename__ = "session_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("session_calls.id", ondelete="CASCADE"),
                                         index=True)
    format_id: Mapped[int | None] = mapped_column(
        ForeignKey("session_call_formats.id", ondelete="SET NULL"))
    # The association it is proposed for (None: a person with an account, if the call allows).
    association_id: Mapped[int | None] = mapped_column(
        ForeignKey("associations.id", ondelete="SET NULL"), index=True)
    proposer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # The language the proposer's e-mails are written in (fr, en, ar).
    mail_language: Mapped[str] = mapped_column(String(5), default="fr")
    title: Mapped[str] = mapped_column(String(250))
    abstract: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[Language] = mapped_column(str_enum(Language, "session_language",
                                                        length=30))
    pole: Mapped[Pole | None] = mapped_column(str_enum(Pole, "pole", length=30))
    # Needs: the audience expected (the room's size), a projector, an interpreter.
    audience: Mapped[int | None] = mapped_column(Integer)
    needs_projector: Mapped[bool] = mapped_column(default=False)
    needs_interpreter: Mapped[bool] = mapped_column(default=False)
    other_needs: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ProposalStatus] = mapped_column(
        str_enum(ProposalStatus, "proposal_status", length=20),
        default=ProposalStatus.SUBMITTED, index=True)
    # The draft session accepting it made.
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme_sessions.id", ondelete="SET NULL"))

    call: Mapped[SessionCall] = relationship()
    # Not joined: a joined load would put the locks of lock_row on an outer join.
    format: Mapped[CallFormat | None] = relationship()
    association: Mapped[Association | None] = relationship()
    proposer: Mapped[User | None] = relationship()
    session: Mapped[ProgrammeSession | None] = relationship()
    speakers: Mapped[list[ProposalSpeaker]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan",
        order_by="ProposalSpeaker.position", lazy="selectin")
    slots: Mapped[list[PreferredSlot]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan",
        order_by="[PreferredSlot.day, PreferredSlot.part]", lazy="selectin")
    events: Mapped[list[ProposalEvent]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ProposalEvent.id")
    reviews: Mapped[list[ProposalReview]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ProposalReview.id")

    @property
    def ordered_slots(self) -> list[PreferredSlot]:
        return in_day_order(self.slots)

    @property
    def is_decided(self) -> bool:
        return not TRANSITIONS[self.status]


class ProposalSpeaker(db.Model):
    """A speaker named by a proposal: one of the registry's speakers, or a new person (name
    and e-mail) who becomes a Speaker when the proposal is accepted."""

    __tablename__ = "proposal_speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("session_proposals.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("speakers.id",
                                                              ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    # Raised each time a link is sent: a link carries it, so only the latest one works.
    link_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    availability_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    proposal: Mapped[Proposal] = relationship(back_populates="speakers")
    speaker: Mapped[Speaker | None] = relationship()
    availability: Mapped[list[SpeakerAvailability]] = relationship(
        back_populates="proposal_speaker", cascade="all, delete-orphan",
        order_by="[SpeakerAvailability.day, SpeakerAvailability.part]", lazy="selectin")

    @property
    def ordered_availability(self) -> list[SpeakerAvailability]:
        return in_day_order(self.availability)


class PreferredSlot(db.Model):
    __tablename__ = "proposal_slots"

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("session_proposals.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    part: Mapped[DayPart] = mapped_column(str_enum(DayPart, "day_part", length=20),
                                          primary_key=True)
    proposal: Mapped[Proposal] = relationship(back_populates="slots")


class SpeakerAvailability(db.Model):
    """A slot of a festival day the speaker says they are free for."""

    __tablename__ = "speaker_availability"

    proposal_speaker_id: Mapped[int] = mapped_column(
        ForeignKey("proposal_speakers.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    part: Mapped[DayPart] = mapped_column(str_enum(DayPart, "day_part", length=20),
                                          primary_key=True)
    proposal_speaker: Mapped[ProposalSpeaker] = relationship(back_populates="availability")


class ProposalEvent(db.Model):
    """One change of a proposal's status (or a note): who, when, why. Never edited."""

    __tablename__ = "proposal_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("session_proposals.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[ProposalStatus | None] = mapped_column(
        str_enum(ProposalStatus, "proposal_status", length=20))
    to_status: Mapped[ProposalStatus] = mapped_column(
        str_enum(ProposalStatus, "proposal_status", length=20))
    note: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class ProposalReview(TimestampMixin, db.Model):
    """One reviewer's scores ({criterion id: score}) and comment on one proposal."""

    __tablename__ = "proposal_reviews"
    __table_args__ = (UniqueConstraint("proposal_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("session_proposals.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                               ondelete="SET NULL"))
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    comment: Mapped[str] = mapped_column(Text, default="")

    proposal: Mapped[Proposal] = relationship(back_populates="reviews")
    reviewer: Mapped[User | None] = relationship()

    @property
    def total(self) -> int:
        """The scores of the rubric as it is now: a criterion removed since counts no more,
        and a scale lowered since caps what was given on the older one, so that the call's
        reviews add up alike."""
        scores = self.scores or {}
        return sum(min(int(scores[str(c.id)]), c.max_score)
                   for c in self.proposal.call.criteria if str(c.id) in scores)


class SpeakerProfileChange(db.Model):
    """What a speaker wrote about themselves from their link, kept until an organiser
    approves it (then copied onto the Speaker) or rejects it."""

    __tablename__ = "speaker_profile_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speakers.id", ondelete="CASCADE"),
                                            index=True)
    proposal_speaker_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal_speakers.id", ondelete="SET NULL"))
    bio: Mapped[dict] = mapped_column(JSON, default=dict)     # {language: text}
    links: Mapped[list] = mapped_column(JSON, default=list)   # web addresses
    # A re-encoded photo waiting for approval (None: the photo is not changed).
    photo_filename: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[ProfileChangeStatus] = mapped_column(
        str_enum(ProfileChangeStatus, "profile_change_status", length=20),
        default=ProfileChangeStatus.PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")

    speaker: Mapped[Speaker] = relationship()
    proposal_speaker: Mapped[ProposalSpeaker | None] = relationship()
    decided_by: Mapped[User | None] = relationship()
