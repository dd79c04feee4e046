"""People who log in, and the API tokens of devices and scripts."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.associations.models import Association
from festival.core.access import Role
from festival.core.models import TimestampMixin
from festival.core.types import UTCDateTime, str_enum
from festival.extensions import db

role_enum = str_enum(Role, "role", length=20)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(role_enum)
    language: Mapped[str | None] = mapped_column(String(5))
    is_enabled: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the holder of the address proved it (followed a link sent to it). Accounts made
    # by the public application form have none until then, and cannot log in.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Part of the id kept in the session cookie: raising it (a new password, an erasure)
    # logs out every session that was opened before.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The member association this person represents (role `association`).
    association_id: Mapped[int | None] = mapped_column(
        ForeignKey("associations.id", ondelete="SET NULL"), index=True)
    association: Mapped[Association | None] = relationship(back_populates="representatives")

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_active(self) -> bool:  # Flask-Login: a disabled or unconfirmed account cannot log in
        return self.is_enabled and self.is_confirmed

    def get_id(self) -> str:  # Flask-Login: what the session and remember cookies keep
        return f"{self.id}:{self.session_version}"

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"


class ApiToken(db.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(role_enum)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by: Mapped[User | None] = relationship()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class PasswordReset(db.Model):
    """A single-use link sent by e-mail: to set a new password, or to confirm the address of
    an account made by the application form. Following either proves the address. Only its
    hash is stored.
    An address without an account gets a row too, with no user and never sent, so that
    asking for a link does the same work whether the address has an account or not; such
    a row opens nothing, and is deleted once expired."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                                index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    requested_ip: Mapped[str] = mapped_column(String(64), default="")

    user: Mapped[User | None] = relationship()


class LoginThrottle(db.Model):
    """Failed logins for one e-mail address from one client address. After MAX_FAILED_LOGINS
    failures that client waits, longer after each further failure; other clients do not.
    Keyed by the address typed (known or not), so a lock says nothing about an account."""

    __tablename__ = "login_throttles"
    __table_args__ = (UniqueConstraint("email", "client"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    client: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Rows without a failure for a day are pruned (accounts.throttle.FORGET_AFTER).
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
